"""Meetings as the griffie keeps them: impossible days refused, recurring schedules, files
imported again and again (CSV as Dutch Excel writes it, a vergaderkalender's .ics)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from ivpflow.errors import InvalidValueError
from ivpflow.process.schedules import expand_rule, parse_rule
from ivpflow.workflow.meeting_files import read_meetings

from .conftest import Invoke

RAAD = "gemeenteraad Losser"
FORCE = "nothing changed (--force adds it anyway, recorded in the history)"


def listed(ivpflow: Invoke, process: str = "not") -> list[tuple[str, str]]:
    """The meetings `meeting list` shows: body and date."""
    return [(m["body"], m["date"]) for m in papers(ivpflow, process)]


def papers(ivpflow: Invoke, process: str = "not") -> list[dict[str, str]]:
    result = ivpflow("meeting", "list", process, "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, str]] = json.loads(result.stdout)
    return found


def last_event(ivpflow: Invoke) -> tuple[str, str]:
    events = json.loads(ivpflow("history", "not", "--json").stdout)
    return events[-1]["event"], events[-1]["note"]


# --------------------------------------------------------------------------- impossible days


@pytest.mark.parametrize(
    ("day", "why"),
    [("2026-11-07", "Sat 2026-11-07 is refused: not a working day (weekend)"),
     ("2026-12-25", "Fri 2026-12-25 is refused: not a working day (Eerste Kerstdag)"),
     ("2026-07-14", "Tue 2026-07-14 is refused: councils do not meet in the zomerreces "
                    "(2026-07-06 to 2026-08-21)"),
     ("2025-06-10", "Tue 2025-06-10 is refused: the process starts on 2025-09-01"),
     ("2032-06-08", "Tue 2032-06-08 is refused: the process plans on meetings until "
                    "2031-12-31")],
    ids=["weekend", "feestdag", "recess", "before-start", "after-span"],
)
def test_a_meeting_on_an_impossible_day_is_refused(ivpflow: Invoke, started: str, day: str,
                                                   why: str) -> None:
    result = ivpflow("meeting", "add", "not", RAAD, day)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: A meeting of {RAAD} on {why}; {FORCE}\n")
    assert listed(ivpflow) == []


def test_a_college_meets_in_the_council_recess(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("meeting", "add", "not", "college Losser", "2026-07-14")
    assert (result.exit_code, result.stdout) == (
        0, "not: college Losser meets on Tue 2026-07-14\n")


def test_a_forced_meeting_is_added_and_recorded(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("meeting", "add", "not", RAAD, "2026-07-14", "--force")
    assert (result.exit_code, result.stdout) == (
        0, f"not: {RAAD} meets on Tue 2026-07-14\n")
    assert listed(ivpflow) == [(RAAD, "2026-07-14")]
    assert last_event(ivpflow) == ("meeting", f"{RAAD} 14 juli 2026 (councils do not meet in "
                                              "the zomerreces (6 juli 2026 to 21 augustus "
                                              "2026)), forced")


# --------------------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    ("text", "rule"),
    [("FREQ=MONTHLY;BYDAY=+2TU", "FREQ=MONTHLY;BYDAY=+2TU"),
     ("rrule:freq=weekly;byday=th", "FREQ=WEEKLY;BYDAY=TH"),
     ("every second Tuesday", "FREQ=MONTHLY;BYDAY=+2TU"),
     ("elke tweede dinsdag", "FREQ=MONTHLY;BYDAY=+2TU"),
     ("every last Thursday of the month", "FREQ=MONTHLY;BYDAY=-1TH"),
     ("iedere laatste donderdag van de maand", "FREQ=MONTHLY;BYDAY=-1TH"),
     ("every 4 weeks on thursday", "FREQ=WEEKLY;INTERVAL=4;BYDAY=TH"),
     ("elke vier weken op donderdag", "FREQ=WEEKLY;INTERVAL=4;BYDAY=TH"),
     ("every other week on Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
     ("om de week op maandag", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
     ("elke woensdag", "FREQ=WEEKLY;BYDAY=WE")],
    ids=["rrule", "rrule-lower-case", "second-tuesday", "tweede-dinsdag", "last-thursday",
         "laatste-donderdag", "four-weeks", "vier-weken", "other-week", "om-de-week",
         "elke-woensdag"],
)
def test_friendly_rules_are_rrules(text: str, rule: str) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize(
    ("text", "message"),
    [("every blue moon", "Rule 'every blue moon' names no weekday ('moon')"),
     ("FREQ=MONTLY", "Rule 'FREQ=MONTLY' is not a valid RRULE: invalid 'FREQ': MONTLY"),
     ("every seventh Tuesday", "Rule 'every seventh Tuesday' is not understood ('seventh')")],
    ids=["no-weekday", "bad-rrule", "bad-ordinal"],
)
def test_a_rule_not_understood_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=f"^{re.escape(message)}"):
        parse_rule(text)


def test_four_weeks_on_thursday_counts_from_the_first_day() -> None:
    days = expand_rule(parse_rule("elke vier weken op donderdag"), date(2026, 9, 1),
                       date(2026, 11, 30))
    assert [d.isoformat() for d in days] == ["2026-09-03", "2026-10-01", "2026-10-29",
                                             "2026-11-26"]


def test_a_schedule_skips_the_recess(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("meeting", "schedule", "not", RAAD, "every second Tuesday",
                     "--from", "2026-06-01", "--until", "2026-10-31")
    assert (result.exit_code, result.stdout) == (0, (
        f"not: {RAAD} FREQ=MONTHLY;BYDAY=+2TU from 2026-06-01 to 2026-10-31: 3 meetings "
        "added\n"
        "  skipped Tue 2026-07-14: councils do not meet in the zomerreces (2026-07-06 "
        "to 2026-08-21)\n"
        "  skipped Tue 2026-08-11: councils do not meet in the zomerreces "
        "(2026-07-06 to 2026-08-21)\n"))
    assert listed(ivpflow) == [(RAAD, "2026-06-09"), (RAAD, "2026-09-08"),
                               (RAAD, "2026-10-13")]


def test_a_schedule_skips_feestdagen_and_keeps_meetings_added_by_hand(
        ivpflow: Invoke, started: str) -> None:
    assert ivpflow("meeting", "add", "not", "college Losser", "2026-04-13",
                   "--papers-due", "2026-04-07").exit_code == 0
    result = ivpflow("meeting", "schedule", "not", "college Losser", "elke maandag",
                     "--from", "2026-04-01", "--until", "2026-04-30")
    assert result.stdout == (
        "not: college Losser FREQ=WEEKLY;BYDAY=MO from 2026-04-01 to 2026-04-30: 1 meeting "
        "added, 1 known already\n"
        "  skipped Mon 2026-04-06: not a working day (Tweede Paasdag)\n"
        "  skipped Mon 2026-04-27: not a working day (Koningsdag)\n")
    assert [(m["date"], m["papers_due"]) for m in papers(ivpflow)] == [
        ("2026-04-13", "2026-04-07"), ("2026-04-20", "2026-04-13")]


def test_a_decision_is_planned_on_its_schedule(ivpflow: Invoke, started: str) -> None:
    for municipality in ("Losser", "Dinkelland", "Oldenzaal", "Tubbergen"):
        result = ivpflow("meeting", "schedule", "not", f"gemeenteraad {municipality}",
                         "elke tweede dinsdag")
        assert result.exit_code == 0, result.output
    rows = json.loads(ivpflow("plan", "not", "--json").stdout)
    plan = {r["id"]: r for r in rows if r["kind"] != "meeting"}
    # Planned on the last second Tuesday before 30 November; the forecast (the process is
    # behind on 2 March) moves to the first meeting after the papers can be ready.
    assert (plan["vaststelling-ivp-losser"]["planned"],
            plan["vaststelling-ivp-losser"]["meeting"]) == ("2026-11-10", "2027-01-12")
    # Every second Tuesday to the end of the year after the 2027-2030 cycle's last deadline.
    assert len([r for r in rows if r["kind"] == "meeting"]) == 4 * 68


def test_an_exception_and_a_cancelled_occurrence_stay_out(ivpflow: Invoke, started: str
                                                          ) -> None:
    rule = ["meeting", "schedule", "not", RAAD, "elke tweede dinsdag", "--from", "2026-09-01",
            "--until", "2026-11-30"]
    assert ivpflow(*rule, "--except", "2026-10-13").exit_code == 0
    result = ivpflow("meeting", "cancel", "not", RAAD, "2026-11-10")
    assert result.stdout == f"not: meeting of {RAAD} on 2026-11-10 removed\n"
    assert last_event(ivpflow) == ("meeting-removed",
                                   f"{RAAD} 10 november 2026 (cancelled in its schedule)")
    again = ivpflow(*rule, "--replace")
    assert again.stdout.splitlines()[1:] == ["  skipped Tue 2026-10-13: cancelled",
                                             "  skipped Tue 2026-11-10: cancelled"]
    assert listed(ivpflow) == [(RAAD, "2026-09-08")]
    schedules = json.loads(ivpflow("meeting", "schedules", "not", "--json").stdout)
    assert schedules == [{"body": RAAD, "rule": "FREQ=MONTHLY;BYDAY=+2TU", "from": "2026-09-01",
                          "until": "2026-11-30", "except": ["2026-10-13", "2026-11-10"]}]


def test_a_replaced_schedule_drops_a_new_exception(ivpflow: Invoke, started: str) -> None:
    rule = ["meeting", "schedule", "not", RAAD, "elke tweede dinsdag", "--from", "2026-09-01",
            "--until", "2026-10-31"]
    assert ivpflow(*rule).exit_code == 0
    result = ivpflow(*rule, "--replace", "--except", "2026-09-08")
    assert result.stdout.splitlines() == [
        f"not: {RAAD} FREQ=MONTHLY;BYDAY=+2TU from 2026-09-01 to 2026-10-31: 0 "
        "meetings added, 1 known already, 1 later one of the old schedule removed",
        "  skipped Tue 2026-09-08: cancelled"]
    assert listed(ivpflow) == [(RAAD, "2026-10-13")]


def test_a_second_schedule_needs_replace_which_drops_later_occurrences(
        ivpflow: Invoke, started: str) -> None:
    assert ivpflow("meeting", "schedule", "not", RAAD, "every second tuesday").exit_code == 0
    result = ivpflow("meeting", "schedule", "not", RAAD, "every last tuesday")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: A schedule of {RAAD} (FREQ=MONTHLY;BYDAY=+2TU) is known already; --replace "
           "replaces it; nothing changed\n")
    result = ivpflow("meeting", "schedule", "not", RAAD, "every last tuesday", "--replace",
                     "--until", "2026-04-30", now="2026-04-01")
    assert result.stdout == (
        f"not: {RAAD} FREQ=MONTHLY;BYDAY=-1TU from 2026-04-01 to 2026-04-30: 1 meeting "
        "added, 67 later ones of the old schedule removed\n")
    assert listed(ivpflow) == [(RAAD, "2026-03-10"), (RAAD, "2026-04-28")]


def test_ending_a_schedule_keeps_its_past_meetings(ivpflow: Invoke, started: str) -> None:
    ivpflow("meeting", "schedule", "not", RAAD, "every second tuesday", "--until", "2026-06-30")
    ivpflow("meeting", "add", "not", RAAD, "2026-05-26")
    result = ivpflow("meeting", "unschedule", "not", RAAD, now="2026-05-01")
    assert result.stdout == f"not: schedule of {RAAD} ended; 2 later meetings removed\n"
    assert listed(ivpflow) == [(RAAD, "2026-03-10"), (RAAD, "2026-04-14"),
                               (RAAD, "2026-05-26")]
    assert ivpflow("meeting", "schedules", "not").stdout == (
        "No schedules; give one with 'ivpflow meeting schedule ID BODY RULE'.\n")
    again = ivpflow("meeting", "unschedule", "not", RAAD, now="2026-05-01")
    assert (again.exit_code, again.stderr) == (
        1, "Error: Process 'not' has no meeting schedule 'gemeenteraad Losser'; meeting "
           "schedules: none\n")


def test_a_schedule_outside_the_process_is_refused_unless_forced(ivpflow: Invoke,
                                                                 started: str) -> None:
    args = ["meeting", "schedule", "not", RAAD, "FREQ=MONTHLY;BYDAY=+2TU", "--from",
            "2025-06-01", "--until", "2025-09-30"]
    result = ivpflow(*args)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: A schedule of {RAAD} from 2025-06-01 is refused: the process starts on "
           f"2025-09-01; {FORCE}\n")
    assert ivpflow(*args, "--force").exit_code == 0
    assert [day for _, day in listed(ivpflow)] == ["2025-06-10", "2025-07-08",
                                                      "2025-08-12", "2025-09-09"]
    assert last_event(ivpflow)[1].endswith(
        "; forced: 1 juni 2025 (the process starts on 1 september 2025)")


# --------------------------------------------------------------------------- import


def test_importing_a_file_again_adds_and_updates_only_what_changed(
        ivpflow: Invoke, started: str, tmp_path: Path) -> None:
    path = tmp_path / "vergaderingen.csv"
    rows = ["body,date,papers_due", f"{RAAD},2026-09-29,", f"{RAAD},2026-11-10,2026-10-20",
            "college Losser,2026-10-06,"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert ivpflow("meeting", "import", "not", str(path)).stdout == (
        "not: 3 meetings added, 0 updated, 0 unchanged\n")
    version = len(json.loads(ivpflow("history", "not", "--json").stdout))
    assert ivpflow("meeting", "import", "not", str(path)).stdout == (
        "not: 0 meetings added, 0 updated, 3 unchanged\n")
    assert len(json.loads(ivpflow("history", "not", "--json").stdout)) == version
    rows[2] = f"{RAAD},2026-11-10,2026-10-16"
    path.write_text("\n".join([*rows, f"{RAAD},2026-12-15,"]) + "\n", encoding="utf-8")
    assert ivpflow("meeting", "import", "not", str(path)).stdout == (
        "not: 1 meeting added, 1 updated, 2 unchanged\n")
    assert last_event(ivpflow) == ("meeting", "vergaderingen.csv: 1 added, 1 updated, "
                                              "2 unchanged")
    assert {"body": RAAD, "date": "2026-11-10", "papers_due": "2026-10-16"} in papers(ivpflow)


def test_a_file_without_papers_due_leaves_those_typed_by_hand(ivpflow: Invoke, started: str,
                                                              tmp_path: Path) -> None:
    ivpflow("meeting", "add", "not", RAAD, "2026-11-10", "--papers-due", "2026-10-16")
    path = tmp_path / "vergaderingen.yaml"
    path.write_text(f"- {{body: {RAAD}, date: 2026-11-10}}\n", encoding="utf-8")
    assert ivpflow("meeting", "import", "not", str(path)).stdout == (
        "not: 0 meetings added, 0 updated, 1 unchanged\n")
    assert papers(ivpflow) == [{"body": RAAD, "date": "2026-11-10", "papers_due": "2026-10-16"}]


def test_an_impossible_day_in_a_file_refuses_the_file(ivpflow: Invoke, started: str,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "vergaderingen.csv"
    path.write_text(f"body,date\n{RAAD},2026-09-29\n{RAAD},2026-12-26\n", encoding="utf-8")
    result = ivpflow("meeting", "import", "not", str(path))
    assert (result.exit_code, result.stderr) == (
        1, f"Error: A meeting of {RAAD} on Sat 2026-12-26 is refused: not a working "
           f"day (Tweede Kerstdag); {FORCE}\n")
    assert listed(ivpflow) == []


def test_a_dutch_excel_csv_is_read(ivpflow: Invoke, started: str, tmp_path: Path) -> None:
    path = tmp_path / "vergaderschema.csv"
    lines = ["Orgaan;Datum;Stukken", f"{RAAD};29-9-2026;8-9-2026",
             f'"{RAAD}";10-11-2026 19:30;', "college Losser;06-10-2026;", ";;"]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    assert ivpflow("meeting", "import", "not", str(path)).stdout == (
        "not: 3 meetings added, 0 updated, 0 unchanged\n")
    assert papers(ivpflow)[0] == {"body": RAAD, "date": "2026-09-29", "papers_due": "2026-09-08"}
    assert listed(ivpflow) == [(RAAD, "2026-09-29"),
                               ("college Losser", "2026-10-06"),
                               (RAAD, "2026-11-10")]


def test_a_csv_in_windows_1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "vergaderschema.csv"
    path.write_bytes("orgaan;datum\ncollege Súdwest-Fryslân;1-10-2026\n".encode("cp1252"))
    meetings = read_meetings(path).meetings
    assert [(m.body, m.date.isoformat()) for m in meetings] == [
        ("college Súdwest-Fryslân", "2026-10-01")]


VERGADERKALENDER = """\
BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//iBabs//Vergaderkalender//NL\r
BEGIN:VEVENT\r
UID:1@losser.ibabs.eu\r
SUMMARY:Gemeenteraad Losser\r
DTSTART;TZID=Europe/Amsterdam:20261110T193000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@losser.ibabs.eu\r
SUMMARY:Raadsvergadering\r
DTSTART:20261215T183000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@losser.ibabs.eu\r
SUMMARY:Presidium\r
DTSTART;VALUE=DATE:20261102\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4@losser.ibabs.eu\r
SUMMARY:Commissie Raadscommissie Losser (vervallen)\r
STATUS:CANCELLED\r
DTSTART;VALUE=DATE:20261020\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:5@losser.ibabs.eu\r
SUMMARY:Vergadering raadscommissie Losser\r
DTSTART;VALUE=DATE:20261027\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_vergaderkalender_ics_is_read_with_a_mapping(ivpflow: Invoke, started: str,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "vergaderkalender.ics"
    path.write_text(VERGADERKALENDER, encoding="utf-8", newline="")
    result = ivpflow("meeting", "import", "not", str(path), "--map",
                     f"raadsvergadering={RAAD}")
    assert (result.exit_code, result.stdout) == (0, (
        "not: 3 meetings added, 0 updated, 0 unchanged\n"
        "1 calendar entry names no decision body of not and was left out: Presidium "
        "(--map NAME=BODY takes one in)\n"))
    assert listed(ivpflow) == [("raadscommissie Losser", "2026-10-27"),
                               (RAAD, "2026-11-10"), (RAAD, "2026-12-15")]
    again = ivpflow("meeting", "import", "not", str(path), "--map", f"Raadsvergadering={RAAD}")
    assert again.stdout.splitlines()[0] == "not: 0 meetings added, 0 updated, 3 unchanged"


def test_a_recurring_event_in_a_calendar_is_refused(ivpflow: Invoke, started: str,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "vergaderkalender.ics"
    path.write_text(VERGADERKALENDER.replace("UID:3@", "RRULE:FREQ=MONTHLY\r\nUID:3@"),
                    encoding="utf-8", newline="")
    result = ivpflow("meeting", "import", "not", str(path))
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Cannot read meetings from '{path}': event 3 ('Presidium') repeats "
           "(RRULE); use 'ivpflow meeting schedule' for a recurring meeting\n")
    assert listed(ivpflow) == []


def test_a_mapping_that_is_not_name_is_body_is_a_usage_error(ivpflow: Invoke, started: str,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "vergaderkalender.ics"
    path.write_text(VERGADERKALENDER, encoding="utf-8", newline="")
    result = ivpflow("meeting", "import", "not", str(path), "--map", "Raadsvergadering")
    assert result.exit_code == 2
    assert "'Raadsvergadering' is not NAME=BODY" in result.stderr
