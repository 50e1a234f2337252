"""docs/workflow-format.md describes every key the validator accepts, in the section where it
stands, with an example that reads as YAML; its complete example passes `check` and uses them
all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ivpflow.workflow.loader import definition_warnings, parse_definition
from ivpflow.workflow.validation import KEYS

DOC = Path(__file__).parent.parent / "docs" / "workflow-format.md"
# The heading of the doc's section for each place a key can stand (validation.KEYS).
HEADINGS = {
    "definition": "The definition (top level)", "role": "Roles",
    "municipality": "Municipalities", "calendar": "Calendar", "period": "Periods",
    "replaces": "Replaces", "clock": "Clock", "target": "Target", "meeting": "Meetings",
    "reminders": "Reminders", "phase": "Phases", "task": "Tasks", "decision": "Decisions",
    "document": "Documents", "cycle": "Cycle", "cycle_item": "Cycle items",
    "meeting_source": "Meeting sources",
}
ROW = re.compile(r"^\| `(?P<key>[a-z_]+)` \|.*\| `(?P<example>[^`]+)` \|$")


def sections() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    heading = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            found[heading] = []
        elif heading:
            found[heading].append(line)
    return found


def rows(place: str) -> dict[str, str]:
    """The keys documented for one place, with their examples."""
    lines = sections()[HEADINGS[place]]
    return {m["key"]: m["example"] for m in map(ROW.match, lines) if m}


def test_every_place_a_key_can_stand_has_its_section() -> None:
    assert set(HEADINGS) == set(KEYS)
    assert set(HEADINGS.values()) <= set(sections())


@pytest.mark.parametrize("place", sorted(KEYS))
def test_every_key_is_documented_where_it_stands_and_nothing_else(place: str) -> None:
    assert sorted(rows(place)) == sorted(KEYS[place])


@pytest.mark.parametrize("place", sorted(KEYS))
def test_every_example_is_yaml_for_its_own_key(place: str) -> None:
    for key, example in rows(place).items():
        assert list(yaml.safe_load(example)) == [key], example


def complete_example() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    full = [block for block in blocks if block.startswith("id: ")]
    assert len(full) == 1
    return full[0]


def test_the_complete_example_passes_check_without_warnings() -> None:
    definition = parse_definition(complete_example(), "docs/workflow-format.md")
    assert definition_warnings(definition) == []
    assert definition.municipalities == ("Losser", "Dinkelland")


def test_the_complete_example_uses_every_key() -> None:
    data = yaml.safe_load(complete_example())
    used: dict[str, set[str]] = {place: set() for place in KEYS}

    def note(place: str, mapping: dict[str, Any]) -> None:
        used[place] |= set(mapping)

    def calendar(place: str, mapping: dict[str, Any]) -> None:
        note(place, mapping)
        for period in mapping.get("closed", []) + mapping.get("recess", []):
            note("period", period)

    note("definition", data)
    calendar("calendar", data["calendar"])
    for entry in data["municipalities"]:
        if isinstance(entry, dict):
            calendar("municipality", entry)
    for role in data["roles"].values():
        if isinstance(role, dict):
            note("role", role)
    note("replaces", data["replaces"])
    note("target", data["target"])
    note("clock", data["clock"])
    note("reminders", data["reminders"])
    for meeting in data["meetings"]:
        note("meeting", meeting)
    note("cycle", data["cycle"])
    for source in data["meeting_sources"].values():
        note("meeting_source", source)
    for phase in data["phases"]:
        note("phase", phase)
    for owner in [*data["phases"], data["cycle"]]:
        for kind in ("task", "decision", "document"):
            for item in owner.get(kind + "s", []):
                note(kind, {k: v for k, v in item.items() if k != "years"})
                note("cycle_item", {k: v for k, v in item.items() if k == "years"})
    assert {place: sorted(KEYS[place] - keys) for place, keys in used.items()} == {
        place: [] for place in KEYS}


def test_the_init_example_writes_the_file_it_names(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    from click.testing import CliRunner

    from ivpflow.cli import cli

    text = DOC.read_text(encoding="utf-8")
    command = re.search(r"^\$ ivpflow (init .*)$", text, re.MULTILINE)
    named = re.search(r"^writes `([^`]+\.yaml)`", text, re.MULTILINE)
    assert command and named
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"),
                                      *shlex.split(command[1])])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.glob("*.yaml")] == [named[1]]
