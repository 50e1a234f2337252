"""What the command line prints on a terminal: tables that fit, colour, help with examples."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shlex
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ivpflow.cli import cli, load_commands
from ivpflow.cli.output import table

from .conftest import Invoke

RED = "\x1b[31m"
YELLOW = "\x1b[33m"


def commands(group: click.Group = cli, path: tuple[str, ...] = ()
             ) -> Iterator[tuple[str, click.Command]]:
    """Every command and group of the CLI, by its full name ('shared meeting add')."""
    load_commands()
    for name, command in group.commands.items():
        yield " ".join((*path, name)), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def examples(command: click.Command) -> list[list[str]]:
    """The command lines of a help text's Example(s) section, continuation lines joined."""
    lines = (command.help or "").split("Example", 1)[-1].splitlines()[1:]
    joined = " ".join(line.strip() for line in lines).replace("\\ ", "")
    return [shlex.split("ivpflow " + part) for part in joined.split("ivpflow ")[1:]]


def widths(text: str) -> list[int]:
    return [len(click.unstyle(line)) for line in text.splitlines()]


@pytest.fixture
def progressed(ivpflow: Invoke, started: str) -> str:
    """The reference process a month on: a coordinator, one task done, reminders sent."""
    for args in (["assign", "not", "coordinator", "--name", "Anna de Vries",
                  "--email", "anna@example.nl"],
                 ["done", "not", "werkgroep-samenstellen", "--note",
                  "Werkgroep met politie, OM, brandweer en de vier gemeenten samengesteld na "
                  "lang overleg over de verdeling van de taken"],
                 ["tick"]):
        assert ivpflow(*args, now="2026-04-01T09:00").exit_code == 0
    return started


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("name", [name for name, _ in commands()])
def test_every_command_has_an_example_that_parses(name: str) -> None:
    command = dict(commands())[name]
    assert re.search(r"\x08\n *Examples?:\n", command.help or ""), name
    for words in examples(command):
        args = words[1:]
        while args[0].startswith("--"):  # global options, each with a value
            args = args[2:]
        target: click.Command = cli
        path = []
        while isinstance(target, click.Group) and args and args[0] in target.commands:
            path.append(args[0])
            target, args = target.commands[args[0]], args[1:]
        assert " ".join(path).startswith(name), words  # a group's example may use a member
        target.make_context(target.name or "", list(args))  # a bad option raises


def test_no_short_help_is_cut_in_an_80_column_list() -> None:
    cut = {name: command.get_short_help_str(limit=60) for name, command in commands()}
    assert {name: text for name, text in cut.items()
            if text.endswith(("...", "e.g.", "i.e."))} == {}


def test_the_command_list_is_grouped_by_task(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    sections = [line for line in result.output.splitlines() if line.endswith(":")]
    assert sections[-6:] == ["Run a process:", "Planning and meetings:",
                             "Documents and content:", "Views to take away:",
                             "Mail and scheduler:", "Set-up:"]
    listed = [line.split()[0] for line in result.output.split("Run a process:")[1].splitlines()
              if line.startswith("  ")]
    assert sorted(listed) == sorted(cli.commands)
    assert re.search(r"^  start +Start a process from a workflow definition\.$", result.output,
                     flags=re.M)


# --------------------------------------------------------------------------- tables


def test_a_table_shortens_free_text_and_keeps_ids_whole(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "41")
    table(["id", "title"], [["raadsvoorstel-verlenging-losser", "Raadsvoorstel verlengen"]],
          cut={1})
    assert capsys.readouterr().out.splitlines() == [
        "id                               title",
        "raadsvoorstel-verlenging-losser  Raadsvo…"]


def test_an_id_wraps_at_its_hyphens_only_as_the_last_resort(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    table(["id", "title"], [["raadsvoorstel-verlenging-losser", "Raadsvoorstel verlengen"]],
          cut={1})
    assert capsys.readouterr().out.splitlines() == [
        "id                    title",
        "raadsvoorstel-        Raadsvo…",
        "verlenging-losser"]


def test_a_wrapped_column_goes_beneath_its_row_when_too_narrow(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "44")
    table(["id", "note"], [["startnotitie-opstellen", "concept besproken met de driehoek "
                                                     "van Noordoost Twente"]], wrap={1})
    assert capsys.readouterr().out.splitlines() == [
        "id",
        "startnotitie-opstellen",
        "    concept besproken met de driehoek van",
        "    Noordoost Twente"]


def test_columns_are_left_out_last_and_it_says_so(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    table(["id", "workflow", "phase"],
          [["noordoost-twente", "noordoost-twente-2027-2030", "opstart"]], drop=(1,))
    assert capsys.readouterr().out.splitlines() == [
        "id                phase",
        "noordoost-twente  opstart",
        "(not shown: workflow; --wide shows all)"]


def test_piped_output_without_columns_is_printed_in_full(ivpflow: Invoke,
                                                         progressed: str) -> None:
    lines = ivpflow("history", "not").output.splitlines()
    assert max(widths("\n".join(lines))) > 150
    assert lines[3].endswith("Werkgroep met politie, OM, brandweer en de vier gemeenten "
                             "samengesteld na lang overleg over de verdeling van de taken")


@pytest.mark.parametrize("columns", [60, 120], ids=["60", "120"])
@pytest.mark.parametrize("command", ["processes", "status", "plan", "history", "outbox"])
def test_tables_fit_columns(runner: CliRunner, store_dir: Path, db_args: list[str],
                            progressed: str, command: str, columns: int) -> None:
    args = [command] + (["not"] if command in ("status", "plan", "history") else [])
    result = runner.invoke(cli, ["--store", str(store_dir), *db_args, "--now", "2026-04-01",
                                 *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert max(widths(result.output)) <= columns


def test_fitted_tables_keep_ids_and_dates_whole(ivpflow: Invoke, progressed: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = ivpflow("plan", "not", now="2026-04-01").output.splitlines()
    assert lines[0].split() == ["id", "planned", "forecast", "slack"]
    assert lines[1].split() == ["!", "opstart", "2026-02-27", "2026-04-01", "-23"]
    assert "    forecast 2026-04-01 is after the deadline 2026-02-27" in lines
    assert lines[-1] == "(not shown: meeting, actual, kind; --wide shows all)"


def test_wide_prints_everything_in_full(ivpflow: Invoke, progressed: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    full = ivpflow("plan", "not", now="2026-04-01").output
    monkeypatch.setenv("COLUMNS", "60")
    assert ivpflow("plan", "not", "--wide", now="2026-04-01").output == full
    assert ivpflow("plan", "not", now="2026-04-01").output != full


def test_history_limit_shows_the_newest_events(ivpflow: Invoke, progressed: str) -> None:
    lines = ivpflow("history", "not", "--limit", "2").output.splitlines()
    assert len(lines) == 4
    assert lines[1].split()[2:4] == ["scheduler", "drafted"]
    assert lines[-1].startswith("(") and lines[-1].endswith(" earlier events not shown)")


# --------------------------------------------------------------------------- colour


def test_overdue_rows_are_red_and_at_risk_ones_yellow_in_colour(runner: CliRunner,
                                                                store_dir: Path,
                                                                db_args: list[str],
                                                                started: str) -> None:
    args = ["--store", str(store_dir), *db_args, "--now", "2026-03-02", "plan", "not"]
    lines = runner.invoke(cli, args, color=True).output.splitlines()
    late = next(line for line in lines if "werkgroep-samenstellen" in line)
    risky = next(line for line in lines if " analyse " in click.unstyle(line))
    assert late.startswith(f"{RED}!")
    assert risky.startswith(f"{YELLOW}!")


@pytest.mark.parametrize(("env", "option", "coloured"), [
    ({}, [], True),
    ({"NO_COLOR": "1"}, [], False),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),
    ({}, ["--no-color"], False),
], ids=["terminal", "NO_COLOR", "NO_COLOR-beats-FORCE_COLOR", "--no-color"])
def test_no_color(runner: CliRunner, store_dir: Path, db_args: list[str], started: str,
                  env: dict[str, str], option: list[str], coloured: bool) -> None:
    result = runner.invoke(cli, ["--store", str(store_dir), *db_args, *option, "processes"],
                           env=env, color=True)
    assert result.exit_code == 0
    assert (RED in result.output) is coloured


def test_force_color_colours_a_pipe(runner: CliRunner, store_dir: Path, db_args: list[str],
                                    started: str) -> None:
    args = ["--store", str(store_dir), *db_args, "processes"]
    assert RED not in runner.invoke(cli, args).output
    assert RED in runner.invoke(cli, args, env={"FORCE_COLOR": "1"}).output


# --------------------------------------------------------------------------- a real terminal


def on_terminal(args: list[str], columns: int) -> str:
    """Run ivpflow with its output on a pseudo-terminal `columns` wide; what it showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    child = subprocess.Popen([sys.executable, "-m", "ivpflow", *args], stdout=follower,
                             stderr=subprocess.PIPE, env=env)
    os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:  # the terminal is gone once the command exits (EIO)
        pass
    finally:
        os.close(leader)
    _, problems = child.communicate(timeout=120)
    assert child.returncode == 0, problems
    return shown.decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize(("command", "red"), [
    ("processes", True), ("status not", True), ("plan not", True), ("history not", False),
    ("outbox", False)])
def test_the_main_tables_fit_an_80_column_terminal(store_dir: Path, db_args: list[str],
                                                   progressed: str, command: str,
                                                   red: bool) -> None:
    shown = on_terminal(["--store", str(store_dir), *db_args, "--now", "2026-04-01T09:00",
                         *command.split()], 80)
    assert max(widths(shown)) <= 80
    assert (RED in shown) is red
    assert "\x1b[1m" in shown.splitlines()[0]


def test_flat_records_print_one_a_line_also_with_braces_in_a_value(
        capsys: pytest.CaptureFixture[str]) -> None:
    from ivpflow.cli.output import print_json

    rows = [{"id": "a", "note": "x}, {y", "n": 1, "skip": 0}, {"id": "b", "note": None, "n": 2,
                                                               "skip": 0}]
    print_json(rows, keys=("id", "note", "n"))
    plain = [{"id": f"p{i}", "n": i} for i in range(1001)]
    print_json(plain)
    out = capsys.readouterr().out
    first, second = out.split("]\n")[:2]
    assert first == ('[\n  {"id": "a", "note": "x}, {y", "n": 1},\n'
                     '  {"id": "b", "note": null, "n": 2}\n')
    assert second.splitlines()[:2] == ["[", '  {"id": "p0", "n": 0},']
    assert second.splitlines()[1000:] == ['  {"id": "p999", "n": 999},',
                                          '  {"id": "p1000", "n": 1000}']
    assert json.loads(second + "]") == plain
