"""Planning: working days, meetings and lead times, recesses, the backward plan from a target,
the forecast after a slip or a suspension, and the four-year clock (CLI and library)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ivpflow.planning.deadlines import Facts, plan_deadlines, resolve_deadlines
from ivpflow.store import Store
from ivpflow.workdays import DEFAULT_CALENDAR
from ivpflow.workflow.loader import parse_definition
from ivpflow.workflow.model import Definition

from .conftest import NOT, VNG, Invoke, status_of

OPSTART_TASKS = ["werkgroep-samenstellen", "startnotitie-opstellen",
                 "raadsinformatiebrief-versturen", "veiligheidsmonitor-opdracht",
                 "startbijeenkomst-werkgroep"]
ANALYSE_ITEMS = ["veiligheidsmonitor", "cijfers-verzamelen", "evaluatie-huidig-beleid",
                 "rondetafelgesprekken", "inwonersparticipatie", "advies-prioriteiten",
                 "veiligheidsanalyse"]
COUNCILS = ["losser", "dinkelland", "oldenzaal", "tubbergen"]
NOT_REPLACES = ("IVP Losser 2021-2024 (verlengd 2025-2026), IVP Dinkelland en Tubbergen "
                "2024-2026, actieplan Oldenzaal 2025-2026")
NOT_BODIES = ("gemeenteraad Losser, gezagsdriehoek NOT, raadscommissie Losser, raadscommissie "
              "Dinkelland, raadscommissie Oldenzaal, raadscommissie Tubbergen, college Losser, "
              "college Dinkelland, college Oldenzaal, college Tubbergen, gemeenteraad "
              "Dinkelland, gemeenteraad Oldenzaal, gemeenteraad Tubbergen")
# Made-up but plausible raadsvergaderingen: Losser on Tuesdays, Dinkelland on Mondays,
# Oldenzaal on Wednesdays, Tubbergen on Thursdays.
NOT_MEETINGS = [
    ("gemeenteraad Losser", "2025-12-16"), ("gemeenteraad Losser", "2026-09-29"),
    ("gemeenteraad Losser", "2026-11-10"), ("gemeenteraad Losser", "2026-12-15"),
    ("gemeenteraad Dinkelland", "2026-09-28"), ("gemeenteraad Dinkelland", "2026-11-16"),
    ("gemeenteraad Dinkelland", "2026-12-14"), ("gemeenteraad Oldenzaal", "2026-09-30"),
    ("gemeenteraad Oldenzaal", "2026-11-25"), ("gemeenteraad Oldenzaal", "2026-12-16"),
    ("gemeenteraad Tubbergen", "2026-10-01"), ("gemeenteraad Tubbergen", "2026-11-26"),
    ("gemeenteraad Tubbergen", "2026-12-17"),
]

TWO_COUNCILS = """\
    id: twee-raden
    title: IVP Losser en Dinkelland
    period: 2027-2030
    municipalities:
      - {name: Losser, lead_times: {gemeenteraad: 15}}
      - {name: Dinkelland, lead_times: {gemeenteraad: 10}}
    roles: {coordinator: Coördinator, griffie: Griffie}
    phases:
      - id: ivp
        title: Opstellen IVP
        due: 2026-06
        decisions:
          - id: vaststelling
            title: gemeenteraad {municipality}
            body: gemeenteraad {municipality}
            per_municipality: true
            role: griffie
            document: raadsvoorstel
            due: end
        documents:
          - id: raadsvoorstel
            title: Raadsvoorstel IVP ({municipality})
            per_municipality: true
            role: coordinator
            due: end
      - {id: klaar, title: Klaar, final: true}
"""
# Losser meets on Tuesdays, Dinkelland on Mondays; the first of each is the one before the
# deadline (30 June 2026).
TWO_COUNCIL_MEETINGS = [("gemeenteraad Losser", "2026-06-16"),
                        ("gemeenteraad Losser", "2026-07-14"),
                        ("gemeenteraad Dinkelland", "2026-06-01"),
                        ("gemeenteraad Dinkelland", "2026-07-06")]

RECESS = """\
    id: reces-haaksbergen
    title: IVP Haaksbergen en Losser
    municipalities:
      - name: Haaksbergen
        recess:
          - {from: 2026-04-28, to: 2026-05-08, why: meireces Haaksbergen}
          - {from: 2026-07-06, to: 2026-08-21, why: zomerreces Haaksbergen}
      - Losser
    roles: {griffie: Griffie}
    phases:
      - id: vaststelling
        title: Vaststelling
        due: 2026-07
        decisions:
          - {id: voorjaar, title: "Voorjaar {municipality}", body: "gemeenteraad {municipality}",
             per_municipality: true, role: griffie, due: 2026-05-06}
          - {id: zomer, title: "Zomer {municipality}", body: "gemeenteraad {municipality}",
             per_municipality: true, role: griffie, due: 2026-07-15}
      - {id: klaar, title: Klaar, final: true}
"""

TARGET = """\
    id: raad-voor-de-zomer
    title: IVP vastgesteld voor de zomer
    start: 2026-01-05
    target: {phase: vaststelling, by: 2026-05-31}
    roles: {coordinator: Coördinator, griffie: Griffie}
    phases:
      - id: analyse
        title: Analyse
        duration: 30 working days
        due: 2026-03
        tasks:
          - {id: cijfers, title: Cijfers, role: coordinator, due: 5 working days before end}
      - id: schrijven
        title: Schrijven
        duration: 4 weeks
        due: 2026-04
        documents:
          - {id: concept, title: Concept IVP, due: 2026-04-17}
      - id: vaststelling
        title: Vaststelling
        duration: 15 working days
        due: 2026-05
        decisions:
          - {id: raad, title: gemeenteraad, body: gemeenteraad, role: griffie, due: end}
      - {id: klaar, title: Klaar, final: true}
"""


def definition_of(text: str) -> Definition:
    return parse_definition(textwrap.dedent(text), "wf.yaml")


def write_definition(folder: Path, text: str, name: str = "wf.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def plan_of(ivpflow: Invoke, process: str = "not",
            now: str = "2026-03-02T09:00") -> dict[str, dict[str, Any]]:
    """The rows of `plan --json` by id, without the meeting rows."""
    result = ivpflow("plan", process, "--json", now=now)
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.stdout) if row["kind"] != "meeting"}


def meetings_of(ivpflow: Invoke, process: str = "not") -> list[dict[str, str]]:
    result = ivpflow("meeting", "list", process, "--json")
    assert result.exit_code == 0, result.output
    meetings: list[dict[str, str]] = json.loads(result.stdout)
    return meetings


def add_meetings(ivpflow: Invoke, process: str, meetings: list[tuple[str, str]],
                 now: str = "2026-03-02T09:00") -> None:
    for body, day in meetings:
        result = ivpflow("meeting", "add", process, body, day, now=now)
        assert result.exit_code == 0, result.output


def finish_opstart(ivpflow: Invoke, now: str) -> None:
    for task in OPSTART_TASKS:
        assert ivpflow("done", "not", task, now=now).exit_code == 0
    for decision in ("verlenging-ivp-losser", "startnotitie-driehoek"):
        result = ivpflow("decide", "not", decision, "--outcome", "vastgesteld", now=now)
        assert result.exit_code == 0, result.output


@pytest.fixture
def begun(ivpflow: Invoke) -> str:
    """Noordoost Twente started as 'not' on its own start date, 1 September 2025."""
    result = ivpflow("start", NOT, "--id", "not", now="2025-09-01")
    assert result.exit_code == 0, result.output
    return "not"


@pytest.fixture
def slipped(ivpflow: Invoke, started: str) -> str:
    """Noordoost Twente with opstart finished three weeks (15 working days) after 27 Feb 2026."""
    finish_opstart(ivpflow, now="2026-03-20")
    result = ivpflow("advance", "not", now="2026-03-20")
    assert result.stdout == "not: opstart → analyse\n"
    return "not"


# --------------------------------------------------------------------------- working days

SPRING_2026_CLOSED = [
    ("2026-04-04", "weekend"), ("2026-04-05", "Eerste Paasdag"),
    ("2026-04-06", "Tweede Paasdag"), ("2026-04-11", "weekend"), ("2026-04-12", "weekend"),
    ("2026-04-18", "weekend"), ("2026-04-19", "weekend"), ("2026-04-25", "weekend"),
    ("2026-04-26", "weekend"), ("2026-04-27", "Koningsdag"), ("2026-05-02", "weekend"),
    ("2026-05-03", "weekend"), ("2026-05-05", "Bevrijdingsdag"), ("2026-05-09", "weekend"),
    ("2026-05-10", "weekend"), ("2026-05-14", "Hemelvaartsdag"), ("2026-05-16", "weekend"),
    ("2026-05-17", "weekend"), ("2026-05-23", "weekend"), ("2026-05-24", "Eerste Pinksterdag"),
    ("2026-05-25", "Tweede Pinksterdag"), ("2026-05-30", "weekend"), ("2026-05-31", "weekend"),
]


def test_calendar_json_lists_every_closed_day_of_spring_2026_with_its_reason(
        ivpflow: Invoke) -> None:
    result = ivpflow("calendar", "2026-04-01", "2026-05-31", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["closed"] == [{"date": day, "why": why} for day, why in SPRING_2026_CLOSED]
    assert data["recess"] == []
    assert len(data["working_days"]) == 61 - len(SPRING_2026_CLOSED)


def test_calendar_json_counts_goede_vrijdag_as_a_working_day(ivpflow: Invoke) -> None:
    data = json.loads(ivpflow("calendar", "2026-04-01", "2026-04-07", "--json").stdout)
    assert data["working_days"] == ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-07"]


def test_calendar_prints_each_day_and_why_it_is_closed(ivpflow: Invoke) -> None:
    result = ivpflow("calendar", "2026-04-01", "2026-04-07")
    assert result.exit_code == 0
    assert result.stdout == ("date            working day  why\n"
                             "Wed 2026-04-01  yes\n"
                             "Thu 2026-04-02  yes\n"
                             "Fri 2026-04-03  yes\n"
                             "Sat 2026-04-04  no           weekend\n"
                             "Sun 2026-04-05  no           Eerste Paasdag\n"
                             "Mon 2026-04-06  no           Tweede Paasdag\n"
                             "Tue 2026-04-07  yes\n"
                             "4 working days\n")


@pytest.mark.parametrize(
    ("day", "line"),
    [("2026-04-27", "Mon 2026-04-27  no           Koningsdag"),
     ("2026-05-05", "Tue 2026-05-05  no           Bevrijdingsdag"),
     ("2026-05-14", "Thu 2026-05-14  no           Hemelvaartsdag"),
     ("2026-05-25", "Mon 2026-05-25  no           Tweede Pinksterdag")],
    ids=["koningsdag", "bevrijdingsdag-not-a-lustrum-year", "hemelvaart", "tweede-pinksterdag"],
)
def test_calendar_names_the_feestdag_that_closes_a_weekday(ivpflow: Invoke, day: str,
                                                           line: str) -> None:
    result = ivpflow("calendar", day, day)
    assert result.stdout.splitlines()[1:] == [line, "0 working days"]


@pytest.mark.parametrize(
    ("month", "due"),
    [("2026-05", date(2026, 5, 29)), ("2027-01", date(2027, 1, 29)),
     ("2025-08", date(2025, 8, 29)), ("2026-12", date(2026, 12, 31))],
    ids=["may-2026-ends-on-sunday", "january-2027-ends-on-sunday",
         "august-2025-ends-on-sunday", "december-2026-ends-on-thursday"],
)
def test_a_month_deadline_is_the_last_working_day_of_that_month(month: str, due: date) -> None:
    definition = definition_of(f"""\
        id: maand
        title: Maand
        roles: {{coordinator: Coördinator}}
        phases:
          - id: werk
            title: Werk
            due: {month}
            tasks:
              - {{id: taak, title: Taak, role: coordinator, due: {month}}}
          - {{id: klaar, title: Klaar, final: true}}
        """)
    phase_due, item_due, _ = resolve_deadlines(definition, date(2025, 6, 2))
    assert (phase_due["werk"], item_due["taak"]) == (due, due)


# --------------------------------------------------------------------------- recess


@pytest.mark.parametrize(
    ("decision", "due"),
    [("zomer-haaksbergen", date(2026, 7, 3)), ("voorjaar-haaksbergen", date(2026, 4, 24)),
     ("zomer-losser", date(2026, 7, 15)), ("voorjaar-losser", date(2026, 5, 6))],
    ids=["before-zomerreces", "before-meireces-and-koningsdag", "no-recess-in-losser",
         "no-recess-in-losser-in-may"],
)
def test_a_raad_decision_due_in_recess_moves_to_the_last_working_day_before_it(
        decision: str, due: date) -> None:
    definition = definition_of(RECESS)
    planned = plan_deadlines(definition, Facts(start=date(2026, 3, 2), today=date(2026, 3, 2)))
    assert planned.item_due[decision] == due


def test_calendar_of_a_municipality_from_ivpflow_workflows_shows_its_recess(
        ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_definition(tmp_path / "own", RECESS)
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(tmp_path / "own"))
    result = ivpflow("calendar", "2026-07-02", "2026-07-07", "--municipality", "Haaksbergen",
                     "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["working_days"] == ["2026-07-02", "2026-07-03", "2026-07-06", "2026-07-07"]
    assert data["recess"] == [{"date": "2026-07-06", "why": "zomerreces Haaksbergen"},
                              {"date": "2026-07-07", "why": "zomerreces Haaksbergen"}]
    assert data["municipality"] == "Haaksbergen"


def test_calendar_of_a_municipality_of_a_file_started_process_names_the_recess(
        ivpflow: Invoke, tmp_path: Path) -> None:
    path = write_definition(tmp_path, RECESS)
    assert ivpflow("start", str(path), "--id", "h").exit_code == 0
    result = ivpflow("calendar", "2026-04-27", "2026-04-28", "--municipality", "Haaksbergen",
                     "--process", "h")
    assert result.stdout == (
        "date            working day  why\n"
        "Mon 2026-04-27  no           Koningsdag\n"
        "Tue 2026-04-28  yes          meireces Haaksbergen (no council meetings)\n"
        "1 working day\n")


def test_calendar_of_a_municipality_without_recess_lists_none(ivpflow: Invoke,
                                                               tmp_path: Path) -> None:
    path = write_definition(tmp_path, RECESS)
    ivpflow("start", str(path), "--id", "h")
    data = json.loads(ivpflow("calendar", "2026-07-06", "2026-07-07", "--municipality",
                              "Losser", "--json").stdout)
    assert (data["working_days"], data["recess"]) == (["2026-07-06", "2026-07-07"], [])


def test_a_relative_raad_decision_due_in_recess_is_not_at_risk_on_day_one(
        ivpflow: Invoke, tmp_path: Path) -> None:
    path = write_definition(tmp_path, """\
        id: reces-relatief
        title: Vaststelling tien weken na de start
        start: 2026-05-04
        calendar:
          recess:
            - {from: 2026-07-06, to: 2026-08-21, why: zomerreces}
        roles: {griffie: Griffie}
        phases:
          - id: vaststelling
            title: Vaststelling
            due: 10 weeks after start
            decisions:
              - {id: raad, title: gemeenteraad, body: gemeenteraad, role: griffie, due: end}
          - {id: klaar, title: Klaar, final: true}
        """)
    ivpflow("start", str(path), "--id", "r", now="2026-05-04")
    raad = plan_of(ivpflow, "r", now="2026-05-04")["raad"]
    assert (raad["planned"], raad["forecast"], raad["at_risk"]) == ("2026-07-03", "2026-07-03",
                                                                     False)


# --------------------------------------------------------------------------- two councils


def write_meetings(folder: Path, kind: str, meetings: list[tuple[str, str]]) -> Path:
    if kind == "csv":
        path = folder / "vergaderingen.csv"
        path.write_text("body,date,papers_due\n" + "".join(f"{body},{day},\n"
                                                          for body, day in meetings),
                        encoding="utf-8")
    else:
        path = folder / "vergaderingen.yaml"
        path.write_text("".join(f"- {{body: {body}, date: {day}}}\n" for body, day in meetings),
                        encoding="utf-8")
    return path


@pytest.fixture(params=["add", "csv", "yaml"], ids=["meeting-add", "import-csv", "import-yaml"])
def two_councils(request: pytest.FixtureRequest, ivpflow: Invoke, tmp_path: Path) -> str:
    """The two-council definition started as 't', with its meetings entered one way or another."""
    path = write_definition(tmp_path / "wf", TWO_COUNCILS)
    assert ivpflow("start", str(path), "--id", "t").exit_code == 0
    if request.param == "add":
        add_meetings(ivpflow, "t", TWO_COUNCIL_MEETINGS)
    else:
        result = ivpflow("meeting", "import", "t",
                         str(write_meetings(tmp_path, request.param, TWO_COUNCIL_MEETINGS)))
        assert result.stdout == "t: 4 meetings added, 0 updated, 0 unchanged\n"
    return "t"


def test_each_council_decides_on_its_own_meeting(ivpflow: Invoke, two_councils: str) -> None:
    plan = plan_of(ivpflow, "t")
    assert {key: plan[f"vaststelling-{key}"]["planned"] for key in ("losser", "dinkelland")} == {
        "losser": "2026-06-16", "dinkelland": "2026-06-01"}
    assert plan["vaststelling-losser"]["meeting"] == "2026-06-16"
    assert plan["vaststelling-dinkelland"]["meeting"] == "2026-06-01"


def test_papers_are_due_each_councils_lead_time_before_its_meeting(ivpflow: Invoke,
                                                                   two_councils: str) -> None:
    plan = plan_of(ivpflow, "t")
    # Losser: 15 working days before Tuesday 16 June, skipping Tweede Pinksterdag (25 May).
    assert plan["vaststelling-losser"]["papers_due"] == "2026-05-26"
    # Dinkelland: 10 working days before Monday 1 June, skipping Tweede Pinksterdag.
    assert plan["vaststelling-dinkelland"]["papers_due"] == "2026-05-15"


def test_the_raadsvoorstel_is_planned_for_when_the_papers_are_due(ivpflow: Invoke,
                                                                  two_councils: str) -> None:
    plan = plan_of(ivpflow, "t")
    assert plan["raadsvoorstel-losser"]["planned"] == plan["vaststelling-losser"]["papers_due"]
    assert plan["raadsvoorstel-dinkelland"]["planned"] == "2026-05-15"


def test_meeting_list_gives_every_meeting_its_own_papers_due(ivpflow: Invoke,
                                                             two_councils: str) -> None:
    assert meetings_of(ivpflow, "t") == [
        {"body": "gemeenteraad Dinkelland", "date": "2026-06-01", "papers_due": "2026-05-15"},
        {"body": "gemeenteraad Losser", "date": "2026-06-16", "papers_due": "2026-05-26"},
        {"body": "gemeenteraad Dinkelland", "date": "2026-07-06", "papers_due": "2026-06-22"},
        {"body": "gemeenteraad Losser", "date": "2026-07-14", "papers_due": "2026-06-23"},
    ]


def test_a_meeting_with_its_own_papers_due_keeps_it(ivpflow: Invoke, tmp_path: Path) -> None:
    path = write_definition(tmp_path, TWO_COUNCILS)
    ivpflow("start", str(path), "--id", "t")
    result = ivpflow("meeting", "add", "t", "gemeenteraad Losser", "2026-06-16",
                     "--papers-due", "2026-05-19")
    assert result.stdout == "t: gemeenteraad Losser meets on Tue 2026-06-16\n"
    plan = plan_of(ivpflow, "t")
    assert (plan["vaststelling-losser"]["papers_due"],
            plan["raadsvoorstel-losser"]["planned"]) == ("2026-05-19", "2026-05-19")


def test_nothing_is_at_risk_on_day_one_of_the_two_council_plan(ivpflow: Invoke,
                                                                two_councils: str) -> None:
    result = ivpflow("plan", "t", "--at-risk", "--json")
    assert json.loads(result.stdout) == []


# --------------------------------------------------------------------------- backward plan


def test_latest_dates_are_planned_backwards_from_the_target(ivpflow: Invoke,
                                                            tmp_path: Path) -> None:
    ivpflow("start", str(write_definition(tmp_path, TARGET)), "--id", "d", now="2026-01-05")
    latest = {key: row["latest"] for key, row in plan_of(ivpflow, "d", now="2026-01-05").items()}
    # By Sunday 31 May 2026 means Friday 29 May; vaststelling takes 15 working days (past
    # Hemelvaart and Tweede Pinksterdag), schrijven 4 weeks (past Koningsdag and 5 May), and
    # each item keeps its distance to the end of its phase.
    assert latest == {"vaststelling": "2026-05-29", "raad": "2026-05-29",
                      "schrijven": "2026-05-06", "concept": "2026-04-22",
                      "analyse": "2026-04-03", "cijfers": "2026-03-27"}


def test_the_latest_date_of_a_decision_is_its_last_meeting_before_the_target(
        ivpflow: Invoke, tmp_path: Path) -> None:
    ivpflow("start", str(write_definition(tmp_path, TARGET)), "--id", "d", now="2026-01-05")
    add_meetings(ivpflow, "d", [("gemeenteraad", "2026-04-23"), ("gemeenteraad", "2026-05-21"),
                                ("gemeenteraad", "2026-06-18")], now="2026-01-05")
    raad = plan_of(ivpflow, "d", now="2026-01-05")["raad"]
    assert (raad["latest"], raad["planned"]) == ("2026-05-21", "2026-05-21")


def test_a_calendar_that_ends_long_before_a_deadline_does_not_pull_it_back(
        ivpflow: Invoke, tmp_path: Path) -> None:
    # The raad's calendar is known for the spring of 2026 only (as after a sync or import of
    # one year); a deadline more than a quarter past its last meeting keeps its own date.
    ivpflow("start", str(write_definition(tmp_path, TARGET.replace("2026-05", "2026-10")
                                          .replace("by: 2026-05-31", "by: 2026-10-31"))),
            "--id", "d", now="2026-01-05")
    add_meetings(ivpflow, "d", [("gemeenteraad", "2026-03-19"), ("gemeenteraad", "2026-04-23"),
                                ("gemeenteraad", "2026-05-21")], now="2026-01-05")
    raad = plan_of(ivpflow, "d", now="2026-01-05")["raad"]
    assert raad["planned"] == "2026-10-30"


def test_without_a_target_there_are_no_latest_dates(ivpflow: Invoke) -> None:
    ivpflow("start", VNG, "--id", "h", "--start", "2026-01-05", now="2026-01-05")
    plan = plan_of(ivpflow, "h", now="2026-01-05")
    assert {row["latest"] for row in plan.values()} == {None}


# --------------------------------------------------------------------------- forecast


def test_a_three_week_slip_moves_the_analyse_items_fifteen_working_days(
        ivpflow: Invoke, slipped: str) -> None:
    plan = plan_of(ivpflow, now="2026-03-20")
    for item in ANALYSE_ITEMS:
        row = plan[item]
        planned = date.fromisoformat(row["planned"])
        assert row["forecast"] == DEFAULT_CALENDAR.add_working_days(planned, 15).isoformat()
        assert (row["slack_days"], row["at_risk"]) == (-15, True), item


def test_a_three_week_slip_says_why_an_item_is_at_risk(ivpflow: Invoke, slipped: str) -> None:
    row = plan_of(ivpflow, now="2026-03-20")["veiligheidsmonitor"]
    # 30 April + 15 working days skips 5 May, Hemelvaart and Tweede Pinksterdag.
    assert (row["planned"], row["forecast"]) == ("2026-04-30", "2026-05-26")
    assert row["why"] == "forecast 26 mei 2026 is after the deadline 30 april 2026"


def test_a_three_week_slip_pushes_the_adoption_past_30_november(ivpflow: Invoke,
                                                                 slipped: str) -> None:
    plan = plan_of(ivpflow, now="2026-03-20")
    # The commissies, forecast 21 July, meet after the zomerreces (24 August); ivp then starts
    # 39 working days late, and 30 November + 39 working days is 26 January 2027.
    for council in COUNCILS:
        row = plan[f"vaststelling-ivp-{council}"]
        assert (row["planned"], row["forecast"], row["slack_days"]) == (
            "2026-11-30", "2027-01-26", -39)
        assert row["why"] == ("forecast 26 januari 2027 is after the deadline 30 november "
                              "2026; adopted after the IVP period begins (1 januari 2027)")


def test_status_lists_the_items_at_risk_after_a_slip(ivpflow: Invoke, slipped: str) -> None:
    at_risk = status_of(ivpflow, now="2026-03-20")["at_risk"]
    assert at_risk[0] == {"kind": "phase", "id": "analyse", "due": "2026-05-29",
                          "forecast": "2026-06-19",
                          "why": "forecast 19 juni 2026 is after the deadline 29 mei 2026",
                          "reasons": [{"code": "after-deadline", "forecast": "2026-06-19",
                                       "due": "2026-05-29"}],
                          "not_before": None, "adopting": False}
    assert [r["id"] for r in at_risk[1:8]] == ANALYSE_ITEMS


def test_plan_at_risk_shows_only_the_rows_at_risk(ivpflow: Invoke, slipped: str) -> None:
    everything = json.loads(ivpflow("plan", "not", "--json", now="2026-03-20").stdout)
    only = json.loads(ivpflow("plan", "not", "--at-risk", "--json", now="2026-03-20").stdout)
    assert only == [row for row in everything if row["at_risk"]]
    assert len(only) == len(status_of(ivpflow, now="2026-03-20")["at_risk"]) == 45


def test_a_completed_phase_keeps_its_actual_dates(ivpflow: Invoke, slipped: str) -> None:
    row = plan_of(ivpflow, now="2026-03-20")["opstart"]
    assert (row["planned"], row["actual"], row["forecast"], row["at_risk"]) == (
        "2026-02-27", "2026-03-20", "2026-03-20", False)


# --------------------------------------------------------------------------- the clock


def test_the_clock_of_noordoost_twente_on_its_first_day(ivpflow: Invoke, begun: str) -> None:
    clock = status_of(ivpflow, now="2025-09-01")["clock"]
    assert clock == {"period": "2027-2030", "purpose": "plan", "valid_from": "2027-01-01",
                     "expires": "2030-12-31", "extended_until": None,
                     "replaces": NOT_REPLACES, "replaces_until": "2026-12-31",
                     "replaces_extended": False, "adoption_planned": "2026-11-30",
                     "adoption_forecast": "2026-11-30",
                     "adopted": None, "lead_working_days": 317, "next_start_by": "2029-10-02",
                     "successor": None, "next_warning": None, "warnings": [], "reasons": []}


def test_the_next_process_must_start_on_a_working_day_before_expiry(ivpflow: Invoke,
                                                                    begun: str) -> None:
    start_by = date.fromisoformat(status_of(ivpflow, now="2025-09-01")["clock"]["next_start_by"])
    assert start_by < date(2030, 12, 31)
    assert DEFAULT_CALENDAR.is_working_day(start_by)
    assert DEFAULT_CALENDAR.working_days_between(start_by, date(2030, 12, 31)) == 317


def test_the_clock_warns_when_the_adoption_passes_the_expiry_of_the_current_plan(
        ivpflow: Invoke, started: str) -> None:
    ivpflow("advance", "not", "--to", "ivp", "--force", "--reason", "herstart", now="2026-06-30")
    ivpflow("suspend", "not", "--reason", "bestuurlijke heroverweging", now="2026-09-01")
    assert ivpflow("resume", "not", now="2026-10-31").stdout == (
        "not: resumed on 2026-10-31 after 44 working days\n")
    clock = status_of(ivpflow, now="2026-10-31")["clock"]
    # 30 November 2026 + 44 working days (past Christmas and New Year) is 2 February 2027.
    assert (clock["adoption_planned"], clock["adoption_forecast"]) == ("2026-11-30", "2027-02-02")
    assert clock["warnings"] == [
        f"the current plan ({NOT_REPLACES}) expires on 31 december 2026, before the new IVP is "
        "forecast to be adopted (2 februari 2027): extend it by a raadsbesluit",
        "the new IVP is forecast to be adopted on 2 februari 2027, after its period begins on "
        "1 januari 2027",
    ]
    assert clock["reasons"] == [
        {"code": "plan-expires", "plan": NOT_REPLACES, "until": "2026-12-31",
         "forecast": "2027-02-02"},
        {"code": "adopted-late", "forecast": "2027-02-02", "valid_from": "2027-01-01"}]


def test_a_definition_without_a_period_has_no_clock(ivpflow: Invoke) -> None:
    ivpflow("start", VNG, "--id", "h", "--start", "2026-01-05", now="2026-01-05")
    assert status_of(ivpflow, "h", now="2026-01-05")["clock"] is None


# --------------------------------------------------------------------------- suspension


def test_advance_while_suspended_is_refused_naming_the_suspension(ivpflow: Invoke,
                                                                  begun: str) -> None:
    ivpflow("suspend", "not", "--reason", "herindeling", now="2025-09-08")
    result = ivpflow("advance", "not", "--force", "--reason", "toch door", now="2025-09-10")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not' is suspended since 2025-09-08 "
                             "(herindeling); resume it first with 'ivpflow resume not'\n")
    assert status_of(ivpflow, now="2025-09-10")["phase"] == "opstart"


def test_status_shows_the_suspension_until_resumed(ivpflow: Invoke, begun: str) -> None:
    result = ivpflow("suspend", "not", "--reason", "herindeling", now="2025-09-08")
    assert result.stdout == "not: suspended on 2025-09-08\n"
    suspended = status_of(ivpflow, now="2025-09-10")["suspended"]
    assert suspended == {"since": "2025-09-08", "reason": "herindeling"}
    ivpflow("resume", "not", now="2025-09-12")
    assert status_of(ivpflow, now="2025-09-12")["suspended"] is None


def test_resume_prints_the_working_days_lost(ivpflow: Invoke, begun: str) -> None:
    ivpflow("suspend", "not", "--reason", "herindeling", now="2025-09-08")
    result = ivpflow("resume", "not", now="2025-09-20")  # a Saturday: two full weeks lost
    assert result.exit_code == 0
    assert result.stdout == "not: resumed on 2025-09-20 after 10 working days\n"


def test_resume_shifts_the_open_items_of_the_active_phase_by_the_days_lost(
        ivpflow: Invoke, begun: str) -> None:
    before = plan_of(ivpflow, now="2025-09-20")
    ivpflow("suspend", "not", "--reason", "herindeling", now="2025-09-08")
    ivpflow("resume", "not", now="2025-09-20")
    after = plan_of(ivpflow, now="2025-09-20")
    opstart = [key for key, row in after.items() if row["phase"] == "opstart"]
    assert len(opstart) == 11
    for key in opstart:
        moved = DEFAULT_CALENDAR.add_working_days(date.fromisoformat(before[key]["forecast"]), 10)
        assert after[key]["forecast"] == moved.isoformat(), key
    assert after["werkgroep-samenstellen"]["forecast"] == "2025-10-14"


def test_suspend_twice_is_refused(ivpflow: Invoke, begun: str) -> None:
    ivpflow("suspend", "not", "--reason", "herindeling", now="2025-09-08")
    result = ivpflow("suspend", "not", "--reason", "nog eens", now="2025-09-09")
    assert (result.exit_code, result.stderr) == (
        1, "Error: Process 'not' is suspended already since 2025-09-08\n")


def test_resume_when_not_suspended_is_refused(ivpflow: Invoke, begun: str) -> None:
    result = ivpflow("resume", "not", now="2025-09-09")
    assert (result.exit_code, result.stderr) == (1, "Error: Process 'not' is not suspended\n")


def test_suspend_needs_a_reason(ivpflow: Invoke, begun: str) -> None:
    result = ivpflow("suspend", "not", "--reason", "  ", now="2025-09-08")
    assert (result.exit_code, result.stderr) == (
        1, "Error: suspend needs --reason TEXT: the reason is recorded\n")
    assert status_of(ivpflow, now="2025-09-08")["suspended"] is None


# --------------------------------------------------------------------------- Noordoost Twente


@pytest.mark.parametrize("with_meetings", [False, True], ids=["no-meetings", "four-raden"])
def test_noordoost_twente_puts_no_date_on_a_day_off(ivpflow: Invoke, started: str,
                                                     with_meetings: bool) -> None:
    if with_meetings:
        add_meetings(ivpflow, "not", NOT_MEETINGS)
    rows = json.loads(ivpflow("plan", "not", "--json").stdout)
    days = [(row["id"], key, row[key]) for row in rows
            for key in ("planned", "forecast", "latest", "meeting", "papers_due")
            if row.get(key)]
    assert len(days) > 150
    off = [entry for entry in days
           if not DEFAULT_CALENDAR.is_working_day(date.fromisoformat(entry[2]))]
    assert off == []


def test_noordoost_twente_plans_each_raad_on_its_own_meeting(ivpflow: Invoke, begun: str,
                                                              tmp_path: Path) -> None:
    file = write_meetings(tmp_path, "yaml", NOT_MEETINGS)
    assert ivpflow("meeting", "import", "not", str(file), now="2025-09-01").stdout == (
        "not: 13 meetings added, 0 updated, 0 unchanged\n")
    plan = plan_of(ivpflow, now="2025-09-01")
    expected = {"losser": "2026-11-10", "dinkelland": "2026-11-16", "oldenzaal": "2026-11-25",
                "tubbergen": "2026-11-26"}
    assert {c: plan[f"vaststelling-ivp-{c}"]["planned"] for c in COUNCILS} == expected
    assert {c: plan[f"vaststelling-ivp-{c}"]["latest"] for c in COUNCILS} == expected
    decisions = {d["id"]: d["due"] for d in status_of(ivpflow, now="2025-09-01")["decisions"]}
    assert {c: decisions[f"vaststelling-ivp-{c}"] for c in COUNCILS} == expected


def test_noordoost_twente_plans_the_verlenging_on_the_december_raad(ivpflow: Invoke,
                                                                    begun: str) -> None:
    add_meetings(ivpflow, "not", NOT_MEETINGS, now="2025-09-01")
    plan = plan_of(ivpflow, now="2025-09-01")
    row = plan["verlenging-ivp-losser"]
    assert (row["planned"], row["meeting"], row["papers_due"]) == (
        "2025-12-16", "2025-12-16", "2025-11-25")
    assert plan["raadsvoorstel-verlenging-losser"]["planned"] == "2025-11-25"


def test_a_raad_is_not_forecast_before_its_raadsvoorstel_can_be_ready(ivpflow: Invoke,
                                                                      begun: str) -> None:
    add_meetings(ivpflow, "not", NOT_MEETINGS, now="2025-09-01")
    plan = plan_of(ivpflow, now="2025-09-01")
    assert plan["raadsvoorstel-ivp-losser"]["forecast"] == "2026-10-02"
    row = plan["vaststelling-ivp-losser"]
    # Papers for 29 September are due 8 September, before the raadsvoorstel (2 October).
    assert (row["forecast"], row["meeting"], row["papers_due"]) == (
        "2026-11-10", "2026-11-10", "2026-10-20")


# --------------------------------------------------------------------------- VNG


@pytest.mark.parametrize(
    ("start", "dues"),
    [("2026-01-05", ["2026-02-16", "2026-04-24", "2026-06-02", "2026-07-24", "2026-09-18"]),
     ("2026-09-01", ["2026-10-13", "2026-12-22", "2027-01-26", "2027-03-19", "2027-05-14"])],
    ids=["koningsdag-2026-in-analyse", "september-2026"],
)
def test_vng_phases_follow_the_vng_lead_times_from_the_start(ivpflow: Invoke, start: str,
                                                             dues: list[str]) -> None:
    # 6, 10, 4, 6 and 8 weeks, each from the end of the phase before; a deadline on
    # Koningsdag (27 April) moves to the Friday before. Prioritering and IVP last as long as
    # their decision chain: the commissie 10 working days after the college, the raad 5 after
    # the commissie.
    ivpflow("start", VNG, "--id", "h", "--start", start, now=start)
    phases = status_of(ivpflow, "h", now=start)["phases"]
    assert [p["due"] for p in phases] == [*dues, None]


@pytest.mark.parametrize("start", ["2025-11-03", "2026-01-05", "2026-04-20", "2026-09-01"],
                         ids=["november-2025", "january-2026", "april-2026", "september-2026"])
def test_vng_has_nothing_at_risk_on_its_first_day(ivpflow: Invoke, start: str) -> None:
    ivpflow("start", VNG, "--id", "h", "--start", start, now=start)
    plan = plan_of(ivpflow, "h", now=start)
    assert [key for key, row in plan.items() if row["at_risk"]] == []
    assert {row["slack_days"] for row in plan.values()} == {0}
    assert status_of(ivpflow, "h", now=start)["at_risk"] == []


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [(["gemeenteraad Enschede", "2026-11-10"],
      f"'gemeenteraad Enschede' decides nothing in 'not'; bodies: {NOT_BODIES}"),
     (["gemeenteraad Losser", "2026-11-10", "--papers-due", "2026-11-12"],
      "Papers due 2026-11-12 lies after the meeting (2026-11-10)")],
    ids=["body-that-decides-nothing", "papers-due-after-meeting"],
)
def test_meeting_add_refuses_bad_input(ivpflow: Invoke, started: str, args: list[str],
                                       message: str) -> None:
    result = ivpflow("meeting", "add", "not", *args)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert meetings_of(ivpflow) == []


def test_a_duplicate_meeting_is_refused(ivpflow: Invoke, started: str) -> None:
    ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-11-10")
    result = ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-11-10")
    assert (result.exit_code, result.stderr) == (
        1, "Error: A meeting of gemeenteraad Losser on 2026-11-10 is known already; "
           "nothing changed\n")
    assert len(meetings_of(ivpflow)) == 1


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [("ontbreekt.csv", None, "[Errno 2] No such file or directory: 'PATH'"),
     ("andere-kolommen.csv", "naam;dag\ngemeenteraad Losser;10-11-2026\n",
      "a meetings CSV needs the columns body and date (and papers_due), or orgaan and datum "
      "(and stukken)"),
     ("geen-lijst.yaml", "body: gemeenteraad Losser\ndate: 2026-11-10\n",
      "a meetings YAML file is a list of {body, date, papers_due}"),
     ("zonder-datum.csv", "body,date\ngemeenteraad Losser,2026-11-10\ngemeenteraad Losser,\n",
      "row 2 needs a body and a date"),
     ("enschede.yaml", "- {body: gemeenteraad Losser, date: 2026-11-10}\n"
                       "- {body: gemeenteraad Enschede, date: 2026-11-12}\n", None)],
    ids=["missing-file", "csv-without-columns", "yaml-not-a-list", "row-without-date",
         "second-row-of-an-unknown-body"],
)
def test_meeting_import_of_a_bad_file_adds_nothing(ivpflow: Invoke, started: str,
                                                   tmp_path: Path, name: str, text: str | None,
                                                   message: str | None) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    result = ivpflow("meeting", "import", "not", str(path))
    expected = (f"Cannot read meetings from '{path}': {message.replace('PATH', str(path))}"
                if message
                else f"'gemeenteraad Enschede' decides nothing in 'not'; bodies: {NOT_BODIES}")
    assert (result.exit_code, result.stderr) == (1, f"Error: {expected}\n")
    assert meetings_of(ivpflow) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [("vergaderingen.csv", "body,date\ngemeenteraad Losser,2026-13-10\n"),
     ("vergaderingen.yaml", "- {body: gemeenteraad Losser, date: 2026-13-10}\n")],
    ids=["csv", "yaml"],
)
def test_meeting_import_names_the_wrong_date(ivpflow: Invoke, started: str, tmp_path: Path,
                                             name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ivpflow("meeting", "import", "not", str(path))
    assert result.exit_code == 1
    assert "'2026-13-10'" in result.stderr and "None" not in result.stderr


def test_meeting_import_of_malformed_yaml_is_a_one_line_error(ivpflow: Invoke, started: str,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "vergaderingen.yaml"
    path.write_text("- {body: gemeenteraad Losser, date: 2026-11-10\n", encoding="utf-8")
    result = ivpflow("meeting", "import", "not", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Cannot read meetings from '{path}': ")
    assert result.stderr.count("\n") == 1
    assert meetings_of(ivpflow) == []


MEETINGS_FILE = """\
    id: met-vergaderingen
    title: Met vergaderschema
    meetings: vergaderingen.{ext}
    lead_times: {{gemeenteraad: 10 working days}}
    roles: {{griffie: Griffie}}
    phases:
      - id: vaststelling
        title: Vaststelling
        due: 2026-06
        decisions:
          - {{id: raad, title: gemeenteraad, body: gemeenteraad, role: griffie, due: end}}
      - {{id: klaar, title: Klaar, final: true}}
"""


def test_a_definition_reads_its_meetings_from_the_file_it_names(ivpflow: Invoke,
                                                                tmp_path: Path) -> None:
    path = write_definition(tmp_path, MEETINGS_FILE.format(ext="csv"))
    (tmp_path / "vergaderingen.csv").write_text(
        "body,date,papers_due\ngemeenteraad,2026-06-16,\ngemeenteraad,2026-06-30,2026-06-09\n",
        encoding="utf-8")
    ivpflow("start", str(path), "--id", "m")
    assert meetings_of(ivpflow, "m") == [
        {"body": "gemeenteraad", "date": "2026-06-16", "papers_due": "2026-06-02"},
        {"body": "gemeenteraad", "date": "2026-06-30", "papers_due": "2026-06-09"}]
    assert plan_of(ivpflow, "m")["raad"]["planned"] == "2026-06-30"


def test_check_reports_a_malformed_meetings_file_as_a_problem(ivpflow: Invoke,
                                                              tmp_path: Path) -> None:
    path = write_definition(tmp_path, MEETINGS_FILE.format(ext="yaml"))
    (tmp_path / "vergaderingen.yaml").write_text("- {body: gemeenteraad, date: 2026-06-16\n",
                                                 encoding="utf-8")
    result = ivpflow("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:3: cannot read meetings file "
                                    "'vergaderingen.yaml': ")
    assert result.stderr == "Error: 1 problem found\n"


def test_meeting_remove_of_an_unknown_meeting_is_refused(ivpflow: Invoke, started: str) -> None:
    ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-11-10")
    result = ivpflow("meeting", "remove", "not", "gemeenteraad Losser", "2026-11-17")
    assert (result.exit_code, result.stderr) == (
        1, "Error: Process 'not' has no meeting 'gemeenteraad Losser 2026-11-17'; meetings: "
           "gemeenteraad Losser 2026-11-10\n")
    assert len(meetings_of(ivpflow)) == 1


def test_meeting_remove_replans_the_decision(ivpflow: Invoke, begun: str) -> None:
    add_meetings(ivpflow, "not", NOT_MEETINGS, now="2025-09-01")
    result = ivpflow("meeting", "remove", "not", "gemeenteraad Losser", "2026-11-10",
                     now="2025-09-01")
    assert result.stdout == "not: meeting of gemeenteraad Losser on 2026-11-10 removed\n"
    # Not 29 September: the college offers the voorstel on 9 October, so the first meeting
    # five working days after that.
    assert plan_of(ivpflow, now="2025-09-01")["vaststelling-ivp-losser"]["planned"] == (
        "2026-12-15")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["2026-05-31", "2026-04-01"], "The second date 2026-04-01 lies before the first "
                                    "(2026-05-31)"),
     (["2026-04-01", "2026-05-31", "--municipality", "Almelo"],
      "No definition knows municipality 'Almelo'"),
     (["2026-04-01", "2026-05-31", "--process", "nope"], "Unknown process 'nope'; known: none")],
    ids=["second-date-first", "unknown-municipality", "unknown-process"],
)
def test_calendar_refuses_bad_input(ivpflow: Invoke, store: Store, args: list[str],
                                    message: str) -> None:
    result = ivpflow("calendar", *args)
    assert (result.exit_code, result.stderr, result.stdout) == (1, f"Error: {message}\n", "")
