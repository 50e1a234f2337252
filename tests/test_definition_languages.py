"""`check` in two languages: every problem of a definition file (and every refusal of `init`)
is one whole sentence from the catalogue, English as it always was, Dutch (with Dutch dates)
when the language is Dutch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivpflow import i18n
from ivpflow.cli import cli
from ivpflow.errors import DefinitionError, InvalidValueError
from ivpflow.workflow.loader import definition_warnings, parse_definition
from ivpflow.workflow.meeting_files import read_meetings
from ivpflow.workflow.template import make_workflow

from .test_definitions import MINIMAL  # the smallest valid definition; each case breaks a line


@pytest.fixture
def dutch() -> Iterator[None]:
    i18n.use("nl")
    yield
    i18n.use("en")


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        parse_definition(text, "ivp.yaml")
    return raised.value.problems


CASES = {
    "missing-title": (
        MINIMAL.replace("title: Testproces\n", ""),
        "ivp.yaml:1: missing 'title'",
        "ivp.yaml:1: 'title' ontbreekt"),
    "unknown-phase": (
        MINIMAL.replace("due: 2026-05-15", "due: 5 days after end of onbekend"),
        "ivp.yaml:10: deadline '5 days after end of onbekend' names unknown phase 'onbekend'; "
        "phases: opstart, klaar",
        "ivp.yaml:10: termijn '5 days after end of onbekend' noemt de onbekende fase "
        "'onbekend'; fasen: opstart, klaar"),
    "deadline-out-of-range": (
        MINIMAL.replace("due: 2026-05-15", "due: 2100-05-15"),
        "ivp.yaml:13: deadline 2100-05-15 lies outside the dates ivpflow plans with "
        "(2000-01-01 to 2099-12-31)",
        "ivp.yaml:13: termijn 15 mei 2100 ligt buiten de datums waarmee ivpflow plant "
        "(1 januari 2000 tot en met 31 december 2099)"),
    "yaml-alias": (
        MINIMAL.replace("title: Taak", "title: &taak Taak").replace("title: Klaar",
                                                                   "title: *taak"),
        "ivp.yaml:15: aliases ('*name') are not supported; write the value out",
        "ivp.yaml:15: aliassen ('*naam') worden niet ondersteund; schrijf de waarde voluit"),
    "unknown-key-in-task": (
        MINIMAL.replace("role: coordinator", "role: coordinator\n        wie: Anna"),
        "ivp.yaml:13: unknown key 'wie' in task; allowed: description, due, id, "
        "per_municipality, required, role, roll, title",
        "ivp.yaml:13: onbekende sleutel 'wie' in een taak; toegestaan: description, due, id, "
        "per_municipality, required, role, roll, title"),
    "cycle": (
        MINIMAL.replace("due: 2026-05-15", "due: 5 days before end of opstart")
               .replace("due: 2026-06", "due: 2 days after taak"),
        "ivp.yaml:6: relative deadlines form a cycle: end of opstart -> taak -> end of opstart",
        "ivp.yaml:6: relatieve termijnen verwijzen in een kring naar elkaar: einde van opstart "
        "-> taak -> einde van opstart"),
}


@pytest.mark.parametrize(("text", "english", "dutch_line"), CASES.values(), ids=CASES.keys())
def test_check_finds_the_same_problem_in_english_and_in_dutch(text: str, english: str,
                                                              dutch_line: str) -> None:
    assert problems(text) == [english]
    i18n.use("nl")
    try:
        assert problems(text) == [dutch_line]
    finally:
        i18n.use("en")
    assert problems(text) == [english]


def test_a_warning_of_check_is_dutch_in_dutch(dutch: None) -> None:
    text = MINIMAL.replace("  - id: klaar", "    documents:\n      - id: nota\n"
                           "        title: Nota\n  - id: klaar")
    assert definition_warnings(parse_definition(text, "ivp.yaml")) == [
        "ivp.yaml:15: waarschuwing: document 'nota' heeft geen rol; de herinneringen gaan "
        "naar de coördinator"]


def test_a_wrong_date_in_a_meetings_file_is_named_in_dutch(tmp_path: Path,
                                                          dutch: None) -> None:
    file = tmp_path / "vergaderingen.csv"
    file.write_text("orgaan;datum\ngemeenteraad Losser;31-2-2027\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        read_meetings(file)
    assert str(raised.value) == "rij 1: '31-2-2027' is geen datum (JJJJ-MM-DD of D-M-JJJJ)"


def test_check_on_a_dutch_command_line_prints_dutch_lines(tmp_path: Path) -> None:
    file = tmp_path / "ivp.yaml"
    file.write_text(MINIMAL.replace("title: Testproces\n", "").replace(
        "due: 2026-05-15", "due: 2100-05-15"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(file)], env={"LANG": "nl_NL.UTF-8"})
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{file}:1: 'title' ontbreekt",
        f"{file}:12: termijn 15 mei 2100 ligt buiten de datums waarmee ivpflow plant "
        "(1 januari 2000 tot en met 31 december 2099)"]
    assert i18n.language() == "en"  # the command speaks Dutch for its own run only


@pytest.mark.parametrize(("period", "dutch_line"), [
    ("2030-2027", "--period '2030-2027' loopt achterstevoren; schrijf 2027-2030"),
    ("2027-2034", "--period '2027-2034' beslaat 8 jaar; de raad stelt ten minste eens in de 4 "
                  "jaar de doelen vast (Politiewet art. 38b)"),
], ids=["backwards", "too-long"])
def test_init_refuses_a_wrong_period_in_dutch(period: str, dutch_line: str,
                                              dutch: None) -> None:
    with pytest.raises(InvalidValueError) as refused:
        make_workflow(["Losser"], start=date(2026, 1, 5), period=period)
    assert str(refused.value) == dutch_line
