"""Every transcript of the README runs as written and prints what the README shows.

A transcript is a ```console block: `$ ` lines are commands, the lines after one (up to the
next `$ `) are its output, stdout and stderr as a terminal shows them. Each block runs in a
fresh, empty folder (so `./store` is new), with only the environment the block sets itself
with `$ export NAME=VALUE` lines; every other command must start with `ivpflow` and runs
in-process through click's CliRunner. Lines are compared after trailing spaces are removed;
`{{any}}` in the README stands for any text within one line (for what truly varies).

A block preceded by `<!-- not run -->` is not executed (shell set-up, tasks.py, pip); ```sh
blocks are not transcripts at all. `python tests/test_readme.py --write` fills the outputs
of README.md in from a run (read the diff before committing it).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NOT_RUN = "<!-- not run -->"
ANY = "{{any}}"


@dataclass
class Command:
    line: int  # of the `$ ` line in the README, 1-based
    text: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    line: int  # of the opening fence
    commands: list[Command]

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"


def transcripts(text: str) -> list[Block]:
    """The ```console blocks that are run, in order."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "```console":
            index += 1
            continue
        before = next((lines[i].strip() for i in range(index - 1, -1, -1) if lines[i].strip()),
                      "")
        start, index = index, index + 1
        commands: list[Command] = []
        while lines[index].strip() != "```":
            line = lines[index]
            if line.startswith("$ "):
                commands.append(Command(index + 1, line[2:]))
            elif commands:
                commands[-1].expected.append(line)
            else:
                raise ValueError(f"README.md:{index + 1}: output before the first command")
            index += 1
        index += 1
        if before != NOT_RUN:
            blocks.append(Block(start + 1, commands))
    return blocks


def run_block(block: Block, folder: Path) -> list[list[str]]:
    """Run a block's commands in `folder`; what each printed, as lines."""
    from ivpflow.cli import cli

    env: dict[str, str | None] = {name: None for name in os.environ
                                  if name.startswith("IVPFLOW_")}
    env.update({"USER": "readme", "COLUMNS": "200"})
    outputs: list[list[str]] = []
    runner = CliRunner()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        for command in block.commands:
            words = shlex.split(command.text)
            if words[0] == "export":
                for word in words[1:]:
                    name, _, value = word.partition("=")
                    env[name] = value
                outputs.append([])
                continue
            assert words[0] == "ivpflow", (
                f"README.md:{command.line}: a transcript runs only ivpflow and export; mark "
                f"the block {NOT_RUN} or make it ```sh")
            result = runner.invoke(cli, words[1:], env=env, catch_exceptions=False)
            outputs.append(result.output.splitlines())
    finally:
        os.chdir(cwd)
    return outputs


def matches(expected: str, actual: str) -> bool:
    """One line of output against the README's, trailing spaces aside."""
    expected, actual = expected.rstrip(), actual.rstrip()
    if ANY not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split(ANY))
    return re.fullmatch(pattern, actual) is not None


def differences(block: Block, folder: Path) -> list[str]:
    """Where a block's output is not what the README shows: one line per command that
    differs, naming the README line."""
    found = []
    for command, actual in zip(block.commands, run_block(block, folder), strict=True):
        expected = [line.rstrip() for line in command.expected]
        while expected and not expected[-1]:
            expected.pop()
        while actual and not actual[-1].rstrip():
            actual.pop()
        if len(expected) != len(actual) or not all(
                matches(e, a) for e, a in zip(expected, actual, strict=True)):
            found.append(f"README.md:{command.line}: $ {command.text}\n"
                         + "\n".join(f"  expected: {e}" for e in expected) + "\n"
                         + "\n".join(f"  actual:   {a}" for a in actual))
    return found


BLOCKS = transcripts(README.read_text())


def test_the_readme_has_its_transcripts() -> None:
    assert len(BLOCKS) >= 5
    assert all(block.commands for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_a_transcript_runs_as_written(block: Block, tmp_path: Path) -> None:
    assert differences(block, tmp_path) == []


def test_a_changed_line_of_a_transcript_fails(tmp_path: Path) -> None:
    block = next(b for b in BLOCKS if any(c.expected for c in b.commands))
    command = next(c for c in block.commands if c.expected)
    (tmp_path / "as-written").mkdir()
    assert differences(block, tmp_path / "as-written") == []
    text = README.read_text().splitlines()
    where = command.line  # the first output line follows the command's line
    text[where] = text[where].replace(text[where].strip()[:1], "#", 1)
    mutated = next(b for b in transcripts("\n".join(text)) if b.line == block.line)
    (tmp_path / "mutated").mkdir()
    found = differences(mutated, tmp_path / "mutated")
    assert len(found) == 1 and found[0].startswith(f"README.md:{command.line}: $ ")


def test_a_transcript_may_run_only_ivpflow(tmp_path: Path) -> None:
    block = transcripts("```console\n$ pip install ivpflow\n```\n")[0]
    with pytest.raises(AssertionError, match="runs only ivpflow and export"):
        run_block(block, tmp_path)


def test_a_block_marked_not_run_is_left_alone() -> None:
    text = f"{NOT_RUN}\n```console\n$ python3 tasks.py run\n```\n```console\n$ ivpflow\n```\n"
    assert [b.commands[0].text for b in transcripts(text)] == ["ivpflow"]


def write_outputs(path: Path = README) -> None:
    """Fill every run transcript's outputs in from a run of its commands."""
    import tempfile

    lines = path.read_text().splitlines()
    for block in reversed(transcripts("\n".join(lines))):
        with tempfile.TemporaryDirectory() as folder:
            outputs = run_block(block, Path(folder))
        for command, output in reversed(list(zip(block.commands, outputs, strict=True))):
            lines[command.line:command.line + len(command.expected)] = [
                line.rstrip() for line in output]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write_outputs()
