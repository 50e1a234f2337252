"""What the documents carry: priorities, indicators, actions and values, through the CLI on a
real SQLite store, and the five veiligheidsvelden as reference data."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ivpflow.cli.documents  # noqa: F401  (registers the document commands until cli imports it)
from ivpflow.errors import InvalidValueError
from ivpflow.store import Store
from ivpflow.workflow.veiligheidsvelden import VELDEN, professionals_for, veld

from .conftest import Invoke, read


def listed(ivpflow: Invoke, *args: str) -> Any:
    result = ivpflow(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def version_of(store: Store) -> int:
    return read(store).version


def add_jeugd(ivpflow: Invoke) -> None:
    result = ivpflow("priority", "add", "not", "jeugd", "--veld", "3", "--theme",
                     "Jeugdcriminaliteit", "--title", "Jeugd en veiligheid")
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- priorities


def test_priority_add_prints_the_veld(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("priority", "add", "not", "ondermijning", "--veld",
                     "integriteit-en-veiligheid", "--theme", "Ondermijning", "--title",
                     "Ondermijning")
    assert result.exit_code == 0
    assert result.stdout == "not: priority ondermijning added (5. Integriteit en veiligheid)\n"


def test_priority_list_json_keeps_text_as_given(ivpflow: Invoke, started: str) -> None:
    ivpflow("priority", "add", "not", "jeugd", "--veld", "Jeugd en veiligheid", "--theme",
            "Jeugdcriminaliteit", "--title", "Jeugd & <veiligheid>", "--rationale",
            "regel één\nregel \"twee\"")
    assert listed(ivpflow, "priority", "list", "not") == [
        {"id": "jeugd", "veld": 3, "veld_naam": "Jeugd en veiligheid",
         "theme": "Jeugdcriminaliteit", "title": "Jeugd & <veiligheid>",
         "rationale": "regel één\nregel \"twee\"", "gemeente": None}]


@pytest.mark.parametrize(("args", "message"), [
    (["x", "--veld", "9"], "Error: Unknown veiligheidsveld '9'; velden: 1 Veilige woon- en "
                           "leefomgeving; 2 Bedrijvigheid en veiligheid; 3 Jeugd en veiligheid; "
                           "4 Fysieke veiligheid; 5 Integriteit en veiligheid\n"),
    (["Jeugd", "--veld", "3"], "Error: Priority id 'Jeugd' must be lower-case letters, digits "
                               "and '-' (at most 100), starting with a letter or digit\n"),
], ids=["unknown-veld", "bad-id"])
def test_priority_add_refuses_bad_input(ivpflow: Invoke, started: str, args: list[str],
                                        message: str) -> None:
    result = ivpflow("priority", "add", "not", *args, "--theme", "t", "--title", "t")
    assert result.exit_code == 1
    assert result.stderr == message


def test_priority_add_twice_is_refused(ivpflow: Invoke, started: str) -> None:
    add_jeugd(ivpflow)
    result = ivpflow("priority", "add", "not", "jeugd", "--veld", "3", "--theme", "t",
                     "--title", "t")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Priority 'jeugd' exists already in 'not'; remove it first "
                             "or choose another id\n")


def test_priority_remove_is_refused_while_an_indicator_belongs_to_it(ivpflow: Invoke,
                                                                      started: str) -> None:
    add_jeugd(ivpflow)
    ivpflow("indicator", "add", "not", "overlast-jeugd", "--priority", "jeugd", "--title", "x")
    result = ivpflow("priority", "remove", "not", "jeugd")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Priority 'jeugd' of 'not' still has indicators: "
                             "overlast-jeugd; remove those first\n")


def test_priority_remove_of_an_unknown_id_names_the_known_ones(ivpflow: Invoke,
                                                               started: str) -> None:
    add_jeugd(ivpflow)
    result = ivpflow("priority", "remove", "not", "jeug")
    assert result.exit_code == 1
    assert result.stderr == "Error: Process 'not' has no priority 'jeug'; priorities: jeugd\n"


def test_every_change_bumps_the_version_and_is_in_the_history(ivpflow: Invoke, started: str,
                                                              store: Store) -> None:
    before = version_of(store)
    add_jeugd(ivpflow)
    ivpflow("priority", "remove", "not", "jeugd", now="2026-03-03T10:00")
    after = version_of(store)
    events = [(e["event"], e["item"], e["note"]) for e in listed(ivpflow, "history", "not")]
    assert after == before + 2
    assert events[-2:] == [("priority-added", "jeugd", "Jeugd en veiligheid: Jeugd en veiligheid"),
                           ("priority-removed", "jeugd", None)]


# --------------------------------------------------------------------------- indicators


def test_indicator_of_a_priority_with_baseline_and_target(ivpflow: Invoke, started: str) -> None:
    add_jeugd(ivpflow)
    result = ivpflow("indicator", "add", "not", "overlast-jeugd", "--priority", "jeugd",
                     "--title", "Overlast jeugd", "--source", "Politie", "--baseline", "45",
                     "--baseline-year", "2025", "--target", "40", "--target-year", "2030")
    assert result.stdout == "not: indicator overlast-jeugd added (priority jeugd)\n"
    assert listed(ivpflow, "indicator", "list", "not") == [
        {"id": "overlast-jeugd", "priority": "jeugd", "veld": None, "title": "Overlast jeugd",
         "source": "Politie", "baseline": "45", "baseline_year": 2025, "target": "40",
         "target_year": 2030}]


def test_indicator_of_a_veld_for_the_analysis(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("indicator", "add", "not", "woninginbraak", "--veld", "1", "--title",
                     "Diefstal/inbraak woning", "--baseline", "49", "--baseline-year", "2025")
    assert result.stdout == "not: indicator woninginbraak added (veld 1)\n"
    assert listed(ivpflow, "indicator", "list", "not")[0]["veld"] == 1


@pytest.mark.parametrize(("args", "message"), [
    ([], "Error: Name exactly one of --priority and --veld: an indicator belongs to a "
         "priority or, in the analysis before priorities are chosen, to a veld\n"),
    (["--priority", "drugs"], "Error: Process 'not' has no priority 'drugs'; priorities: jeugd\n"),
    (["--priority", "jeugd", "--baseline-year", "2025", "--target-year", "2020"],
     "Error: Target year 2020 lies before the baseline year 2025\n"),
    (["--priority", "jeugd", "--target-year", "230"],
     "Error: Target year 230 is not a year between 1900 and 2100\n"),
], ids=["no-owner", "unknown-priority", "target-before-baseline", "not-a-year"])
def test_indicator_add_refuses_bad_input(ivpflow: Invoke, started: str, args: list[str],
                                         message: str) -> None:
    add_jeugd(ivpflow)
    result = ivpflow("indicator", "add", "not", "i", "--title", "t", *args)
    assert result.exit_code == 1
    assert result.stderr == message


# --------------------------------------------------------------------------- actions


@pytest.mark.parametrize(("termijn", "day"), [
    ("2027-03-31", "2027-03-31"),
    ("2027-06", "2027-06-30"),
    ("2027-10", "2027-10-29"),  # 30 and 31 October 2027 are a weekend
], ids=["date", "month", "month-ending-in-a-weekend"])
def test_action_termijn_as_date_or_month(ivpflow: Invoke, started: str, termijn: str,
                                         day: str) -> None:
    ivpflow("action", "add", "not", "a", "--title", "Actie", "--termijn", termijn)
    assert listed(ivpflow, "action", "list", "not")[0]["termijn"] == day


def test_action_list_json_has_every_field(ivpflow: Invoke, started: str) -> None:
    add_jeugd(ivpflow)
    ivpflow("action", "add", "not", "veilige-school", "--priority", "jeugd", "--title",
            "Convenant Veilige school", "--doelstelling", "Veilig schoolklimaat",
            "--activiteiten", "Protocollen", "--trekker", "Team Veiligheid", "--betrokkenen",
            "politie, scholen", "--termijn", "2027-06-30", "--kosten", "PM")
    assert listed(ivpflow, "action", "list", "not") == [
        {"id": "veilige-school", "priority": "jeugd", "title": "Convenant Veilige school",
         "doelstelling": "Veilig schoolklimaat", "activiteiten": "Protocollen",
         "trekker": "Team Veiligheid", "betrokkenen": "politie, scholen",
         "termijn": "2027-06-30", "kosten": "PM"}]


def test_action_with_a_termijn_that_is_no_date_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("action", "add", "not", "a", "--title", "A", "--termijn", "Q3 2027")
    assert result.exit_code == 1
    assert result.stderr == ("Error: --termijn 'Q3 2027' is not a date; use YYYY-MM-DD, or "
                             "YYYY-MM for the last working day of a month\n")


def test_action_remove_then_list_is_empty(ivpflow: Invoke, started: str) -> None:
    ivpflow("action", "add", "not", "a", "--title", "A")
    assert ivpflow("action", "remove", "not", "a").stdout == "not: action a removed\n"
    assert ivpflow("action", "list", "not").stdout == (
        "No actions in 'not' yet; add one with 'ivpflow action add'.\n")


# --------------------------------------------------------------------------- values


def test_values_per_municipality_and_for_all(ivpflow: Invoke, started: str) -> None:
    assert ivpflow("set", "not", "zaaknummer", "25Z00346", "--municipality",
                   "Losser").stdout == "not: zaaknummer@Losser = 25Z00346\n"
    ivpflow("set", "not", "team", "Veiligheid")
    assert listed(ivpflow, "values", "not") == [
        {"key": "team", "municipality": None, "value": "Veiligheid", "document": None,
         "scope": "proces", "stored_key": "team"},
        {"key": "zaaknummer", "municipality": "Losser", "value": "25Z00346", "document": None,
         "scope": "gemeente Losser", "stored_key": "zaaknummer@Losser"}]


@pytest.mark.parametrize(("args", "message"), [
    (["zaaknumer", "1"], "Error: Unknown value 'zaaknumer'; did you mean 'zaaknummer'?\n"),
    (["zaaknummer", "1", "--municipality", "Enschede"],
     "Error: 'not' has no municipality 'Enschede'; municipalities: Losser, Dinkelland, "
     "Oldenzaal, Tubbergen\n"),
    (["themabijeenkomst", "12 april"],
     "Error: themabijeenkomst '12 april' is not a date; use e.g. 2026-06-01, 1-6-2026, "
     "1/6/2026, 1 juni 2026, vandaag, morgen or vrijdag\n"),
    (["themabijeenkomst-aanvang", "7 uur"],
     "Error: themabijeenkomst-aanvang '7 uur' is not a time; use HH:MM, e.g. 19:00\n"),
    (["team", "Veilig\nheid"], "Error: team 'Veilig…' must be one line\n"),
], ids=["unknown-key", "unknown-municipality", "not-a-date", "not-a-time", "two-lines"])
def test_set_refuses_bad_input(ivpflow: Invoke, started: str, args: list[str],
                               message: str) -> None:
    result = ivpflow("set", "not", *args)
    assert result.exit_code == 1
    assert result.stderr == message


def test_set_the_same_value_twice_changes_nothing(ivpflow: Invoke, started: str) -> None:
    ivpflow("set", "not", "team", "Veiligheid")
    result = ivpflow("set", "not", "team", "Veiligheid")
    assert result.exit_code == 1
    assert result.stderr == "Error: team of 'not' is 'Veiligheid' already; nothing changed\n"


def test_set_unset_removes_the_value(ivpflow: Invoke, started: str) -> None:
    ivpflow("set", "not", "team", "Veiligheid")
    assert ivpflow("set", "not", "team", "--unset").stdout == "not: team removed\n"
    assert listed(ivpflow, "values", "not") == []


def test_set_without_value_or_unset_is_a_usage_error(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("set", "not", "team")
    assert result.exit_code == 2
    assert "Error: give a VALUE, or --unset without one" in result.stderr


# --------------------------------------------------------------------------- veiligheidsvelden


@pytest.mark.parametrize(("nummer", "naam", "categories"), [
    (1, "Veilige woon- en leefomgeving", 4),
    (2, "Bedrijvigheid en veiligheid", 5),
    (3, "Jeugd en veiligheid", 4),
    (4, "Fysieke veiligheid", 4),
    (5, "Integriteit en veiligheid", 5),
], ids=["veld-1", "veld-2", "veld-3", "veld-4", "veld-5"])
def test_the_five_velden_of_bijlage_1(nummer: int, naam: str, categories: int) -> None:
    found = VELDEN[nummer - 1]
    assert (found.nummer, found.naam, len(found.categorieen)) == (nummer, naam, categories)
    assert all(c.themas and c.professionals for c in found.categorieen)


@pytest.mark.parametrize("value", [3, "3", "jeugd-en-veiligheid", "Jeugd en Veiligheid"],
                         ids=["int", "digit", "slug", "name"])
def test_veld_by_number_slug_or_name(value: int | str) -> None:
    assert veld(value).nummer == 3


def test_veld_unknown_is_an_error() -> None:
    with pytest.raises(InvalidValueError, match=r"^Unknown veiligheidsveld 'zorg'; velden: 1 "):
        veld("zorg")


@pytest.mark.parametrize(("nummer", "theme", "first"), [
    (5, "ondermijning", "Politie en OM"),
    (3, "Jeugdcriminaliteit", "Politie en OM"),
    (4, "Crisisbeheersing", "veiligheidsregio"),
], ids=["stem-of-a-category", "category", "exact"])
def test_professionals_of_a_theme_come_from_its_category(nummer: int, theme: str,
                                                         first: str) -> None:
    assert professionals_for(nummer, theme)[0] == first


def test_professionals_of_an_unknown_theme_are_the_whole_velds() -> None:
    everyone = professionals_for(4, "iets anders")
    assert len(everyone) == len(set(everyone)) == 10
