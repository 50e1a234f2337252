"""Corrections as events: `undo` takes back the last event in force, `decide --correct` changes
a recorded decision; the history keeps every step and the rows are as before."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

from ivpflow.dates import parse_moment
from ivpflow.errors import CorrectionRefusedError, UndoRefusedError
from ivpflow.outbox.reminders import queue_reminders
from ivpflow.process.corrections import correct_decision, undo
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.store.rows import CONTENT, PEOPLE
from ivpflow.views.outbox import outbox_messages
from ivpflow.workflow.model import Definition

from .conftest import Invoke, read, settle_skipped

SENDER = "ivpflow <ivpflow@not.example>"
LATER = "2026-03-09T10:00"


def history_of(ivpflow: Invoke, process: str = "not") -> list[dict[str, Any]]:
    result = ivpflow("history", process, "--json", now=LATER)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def state(store: Store) -> tuple[Any, ...]:
    """The rows an undo must put back: phase, phases, items, people, meetings, values."""
    process = read(store, parts=PEOPLE | CONTENT)
    return (process.phase, process.phases, process.items, process.assignments,
            process.values, process.suspensions, process.priorities, process.indicators,
            process.actions,
            sorted((m.body, m.date, m.papers_due, m.source) for m in process.meetings))


PRIORITY = ["priority", "add", "not", "jeugd", "--veld", "2", "--theme", "Jeugd", "--title", "T"]
# Each: the commands before the one to undo (at 3 March), and the one (at 4 March).
CASES = {
    "done": ([], ["done", "not", "werkgroep-samenstellen", "--note", "klaar"]),
    "decided": ([], ["decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld"]),
    "decided-again": (
        [["decide", "not", "verlenging-ivp-losser", "--outcome", "aangehouden", "--date",
          "2026-03-02", "--note", "meer info"]],
        ["decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld"]),
    "corrected": (
        [["decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld"]],
        ["decide", "not", "verlenging-ivp-losser", "--outcome", "verworpen", "--date",
         "2026-03-01", "--correct"]),
    "forced": ([], ["advance", "not", "--force", "--reason", "haast"]),
    "forced-to": ([], ["advance", "not", "--to", "ivp", "--force", "--reason", "haast"]),
    "reopened": ([["advance", "not", "--to", "prioritering", "--force", "--reason", "r"]],
                 ["reopen", "not", "--to", "opstart", "--reason", "terug"]),
    "assigned": ([], ["assign", "not", "griffie", "--name", "G", "--email", "g@not.example"]),
    "renamed": ([["assign", "not", "griffie", "--name", "G", "--email", "g@not.example"]],
                ["assign", "not", "griffie", "--name", "Greet", "--email", "g@not.example"]),
    "assigned-gemeente": ([], ["assign", "not", "griffie", "--name", "G", "--email",
                               "g@not.example", "--municipality", "Losser"]),
    "unassigned": ([["assign", "not", "griffie", "--name", "G", "--email", "g@not.example",
                     "--municipality", "Losser"]],
                   ["unassign", "not", "griffie", "--email", "g@not.example",
                    "--municipality", "Losser"]),
    "meeting": ([], ["meeting", "add", "not", "gemeenteraad Losser", "2026-06-30"]),
    "meeting-removed": ([["meeting", "add", "not", "gemeenteraad Losser", "2026-06-30"]],
                        ["meeting", "remove", "not", "gemeenteraad Losser", "2026-06-30"]),
    "suspended": ([], ["suspend", "not", "--reason", "verkiezingen"]),
    "resumed": ([["suspend", "not", "--reason", "verkiezingen"]], ["resume", "not"]),
    "value-set": ([], ["set", "not", "zaaknummer", "Z-1"]),
    "value-changed": ([["set", "not", "zaaknummer", "Z-1"]], ["set", "not", "zaaknummer", "Z-2"]),
    "indicator-added": ([PRIORITY], ["indicator", "add", "not", "i1", "--title", "Aantal",
                                     "--priority", "jeugd"]),
    "action-added": ([PRIORITY], ["action", "add", "not", "a1", "--title", "Doen",
                                  "--priority", "jeugd"]),
    "value-unset": ([["set", "not", "zaaknummer", "Z-1"]], ["set", "not", "zaaknummer",
                                                           "--unset"]),
}


@pytest.mark.parametrize(("before", "command"), list(CASES.values()), ids=list(CASES))
def test_undo_puts_the_rows_back_as_they_were(ivpflow: Invoke, store: Store, started: str,
                                              before: list[list[str]],
                                              command: list[str]) -> None:
    for args in before:
        assert ivpflow(*args, now="2026-03-03T09:00").exit_code == 0
    was = state(store)
    result = ivpflow(*command, now="2026-03-04T09:00")
    assert result.exit_code == 0, result.output
    assert state(store) != was
    result = ivpflow("undo", "not", "--reason", "vergissing", now="2026-03-05T09:00")
    assert result.exit_code == 0, result.output
    assert state(store) == was
    last = history_of(ivpflow)[-1]
    assert (last["event"], last["actor"]) == ("undone", "coordinator")
    assert " of 4 maart 2026 09:00" in last["note"] and last["note"].endswith("; vergissing")


def test_undo_says_what_it_took_back(ivpflow: Invoke, started: str) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-04T09:00")
    result = ivpflow("undo", "not", now="2026-03-05T09:00")
    assert result.stdout == "not: undone done werkgroep-samenstellen of 2026-03-04 09:00\n"
    last = history_of(ivpflow)[-1]
    assert last == {"at": "2026-03-05T09:00:00+01:00", "actor": "coordinator",
                    "event": "undone", "from": "done", "to": None,
                    "item": "werkgroep-samenstellen",
                    "note": "done werkgroep-samenstellen (open → done) of 4 maart 2026 09:00"}


def test_undo_twice_takes_back_the_event_before(ivpflow: Invoke, store: Store,
                                                started: str) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-03T09:00")
    ivpflow("done", "not", "startnotitie-opstellen", now="2026-03-04T09:00")
    first = ivpflow("undo", "not", now="2026-03-05T09:00")
    second = ivpflow("undo", "not", now="2026-03-05T10:00")
    assert "startnotitie-opstellen" in first.stdout
    assert "werkgroep-samenstellen" in second.stdout
    items = {i.item_id: i.status for i in read(store).items}
    assert (items["werkgroep-samenstellen"], items["startnotitie-opstellen"]) == ("open", "open")
    assert [e["event"] for e in history_of(ivpflow)] == ["started", "done", "done", "undone",
                                                         "undone"]


def test_undo_of_everything_stops_at_the_start(ivpflow: Invoke, started: str) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-03T09:00")
    assert ivpflow("undo", "not", now="2026-03-04T09:00").exit_code == 0
    result = ivpflow("undo", "not", now="2026-03-04T10:00")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Cannot undo 'started' of 2026-03-02 09:00 in 'not': the "
                             "start of a process cannot be undone; remove the process with "
                             "'ivpflow delete not --yes'; nothing changed\n")
    assert [e["event"] for e in history_of(ivpflow)] == ["started", "done", "undone"]


def test_an_upgrade_is_not_undone(store: Store, not_definition: Definition) -> None:
    from ivpflow.store.writer import change

    start_process(store, not_definition, now=parse_moment("2026-03-02T09:00"), actor="t",
                  process_id="not")
    with change(store, "not", now=parse_moment("2026-03-03T09:00"), actor="t") as work:
        work.record("upgraded", source="aaa", dest="bbb")
    with pytest.raises(UndoRefusedError, match=r"^Cannot undo 'upgraded' of 2026-03-03 "
                                               r"09:00 in 'not': an upgrade cannot be undone"):
        undo(store, "not", now=parse_moment("2026-03-04T09:00"), actor="t")


def test_a_draft_rendered_since_is_looked_past(store: Store, not_definition: Definition) -> None:
    from ivpflow.store.writer import change

    start_process(store, not_definition, now=parse_moment("2026-03-02T09:00"), actor="t",
                  process_id="not")
    complete(store, "not", "werkgroep-samenstellen", now=parse_moment("2026-03-03T09:00"),
             actor="t")
    with change(store, "not", now=parse_moment("2026-03-03T10:00"), actor="t",
                touch=False) as work:
        work.record("drafted", item="startnotitie", note="md versie 1 (due)")
    done = undo(store, "not", now=parse_moment("2026-03-04T09:00"), actor="t")
    assert (done.event, done.item) == ("done", "werkgroep-samenstellen")


def test_undo_of_an_unknown_process_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("undo", "nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: Unknown process 'nope'; known: not\n"


# --------------------------------------------------------------------------- decide --correct


def test_correct_a_settled_decision_to_held_over_opens_it(ivpflow: Invoke, store: Store,
                                                          started: str) -> None:
    ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
            "--date", "2026-03-02", now="2026-03-03T09:00")
    result = ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "aangehouden",
                     "--correct", "--reason", "verkeerd genoteerd", now="2026-03-04T09:00")
    assert result.stdout == ("not: verlenging-ivp-losser (gemeenteraad Losser) corrected from "
                             "vastgesteld on 2026-03-02 to aangehouden on 2026-03-02\n")
    row = read(store).item("verlenging-ivp-losser")
    assert (row.status, row.outcome, row.decided_on.isoformat()) == ("open", "aangehouden",
                                                                      "2026-03-02")
    last = history_of(ivpflow)[-1]
    assert (last["event"], last["from"], last["to"], last["note"]) == (
        "decision-corrected", "vastgesteld", "aangehouden",
        "besluit van 2 maart 2026; verkeerd genoteerd")


def test_correct_the_date_only(ivpflow: Invoke, store: Store, started: str) -> None:
    ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
            now="2026-03-03T09:00")
    result = ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
                     "--date", "2026-02-26", "--correct", now="2026-03-04T09:00")
    assert result.exit_code == 0, result.output
    row = read(store).item("verlenging-ivp-losser")
    assert (row.status, row.decided_on.isoformat()) == ("done", "2026-02-26")
    assert history_of(ivpflow)[-1]["note"] == "besluit van 26 februari 2026 (was 3 maart 2026)"


@pytest.mark.parametrize(
    ("before", "args", "message"),
    [([], ["--outcome", "vastgesteld"],
      "Cannot correct decision 'verlenging-ivp-losser' of 'not': no outcome is recorded yet; "
      "record it with 'ivpflow decide not verlenging-ivp-losser --outcome …'; nothing changed"),
     (["--outcome", "vastgesteld"], ["--outcome", "vastgesteld"],
      "Cannot correct decision 'verlenging-ivp-losser' of 'not': it is recorded as "
      "vastgesteld on 2026-03-03 already; nothing changed"),
     (["--outcome", "vastgesteld"], ["--outcome", "aangenomen"],
      "Unknown outcome 'aangenomen'; outcomes: vastgesteld, gewijzigd-vastgesteld, "
      "aangehouden, verworpen"),
     (["--outcome", "vastgesteld"], ["--outcome", "verworpen", "--date", "2026-03-20"],
      "Decision date 2026-03-20 lies after today (2026-03-04); a decision is recorded once "
      "taken")],
    ids=["never-recorded", "unchanged", "unknown-outcome", "future-date"],
)
def test_correct_refusals(ivpflow: Invoke, started: str, before: list[str], args: list[str],
                          message: str) -> None:
    if before:
        ivpflow("decide", "not", "verlenging-ivp-losser", *before, now="2026-03-03T09:00")
    events = len(history_of(ivpflow))
    result = ivpflow("decide", "not", "verlenging-ivp-losser", *args, "--correct",
                     now="2026-03-04T09:00")
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert len(history_of(ivpflow)) == events


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--reason", "x"], "--reason is only used with --correct"),
     (["--correct", "--note", "x"], "--correct takes --reason TEXT, not --note")],
    ids=["reason-without-correct", "note-with-correct"])
def test_correct_usage_errors(ivpflow: Invoke, started: str, args: list[str],
                              message: str) -> None:
    result = ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
                     *args)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.stderr


def test_undo_of_a_correction_brings_back_the_decision(store: Store,
                                                      not_definition: Definition) -> None:
    start_process(store, not_definition, now=parse_moment("2026-03-02T09:00"), actor="t",
                  process_id="not")
    decide(store, "not", "verlenging-ivp-losser", outcome="vastgesteld",
           now=parse_moment("2026-03-03T09:00"), actor="a", note="raad")
    was = read(store).item("verlenging-ivp-losser")
    correct_decision(store, "not", "verlenging-ivp-losser", outcome="verworpen",
                     now=parse_moment("2026-03-04T09:00"), actor="b")
    undo(store, "not", now=parse_moment("2026-03-05T09:00"), actor="c")
    assert read(store).item("verlenging-ivp-losser") == was
    with pytest.raises(CorrectionRefusedError, match="it is recorded as vastgesteld"):
        correct_decision(store, "not", "verlenging-ivp-losser", outcome="vastgesteld",
                         now=parse_moment("2026-03-05T10:00"), actor="b")


# --------------------------------------------------------------------------- reminders


@pytest.fixture
def analyse(store: Store, not_definition: Definition) -> None:
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    assign(store, "not", "projectmanager", name="P", email="p@not.example",
           now=parse_moment("2026-02-27T09:00"), actor="t")
    advance(store, "not", now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
            reason="r")
    settle_skipped(store, "not", parse_moment("2026-02-27T17:10"))  # opstart ran outside ivpflow


def reminders_of(store: Store, item: str) -> list[tuple[str, str, str]]:
    return [(m["kind"], m["moment"], m["status"]) for m in outbox_messages(store)
            if m["item"] == item]


def test_undone_done_arms_the_cancelled_reminder_again(store: Store, analyse: None) -> None:
    queue_reminders(store, parse_moment("2026-04-15T08:00"), SENDER)
    complete(store, "not", "veiligheidsmonitor", now=parse_moment("2026-04-15T12:00"),
             actor="t")
    assert reminders_of(store, "veiligheidsmonitor") == [("upcoming", "2026-04-15",
                                                          "cancelled")]
    undo(store, "not", now=parse_moment("2026-04-16T09:00"), actor="t")
    report = queue_reminders(store, parse_moment("2026-04-16T10:00"), SENDER)
    assert report.queued == ["upcoming not/veiligheidsmonitor → p@not.example"]
    assert reminders_of(store, "veiligheidsmonitor") == [("upcoming", "2026-04-15", "queued")]


def test_undone_done_does_not_send_a_sent_reminder_twice(ivpflow: Invoke, store: Store,
                                                         analyse: None) -> None:
    assert ivpflow("tick", now="2026-04-15T08:00").exit_code == 0  # sent to the Maildir
    complete(store, "not", "veiligheidsmonitor", now=parse_moment("2026-04-15T12:00"),
             actor="t")
    undo(store, "not", now=parse_moment("2026-04-16T09:00"), actor="t")
    queue_reminders(store, parse_moment("2026-04-16T10:00"), SENDER)
    assert reminders_of(store, "veiligheidsmonitor") == [("upcoming", "2026-04-15", "sent")]
    # The next moment is armed: two working days before the deadline of 30 April.
    queue_reminders(store, parse_moment("2026-04-28T08:00"), SENDER)
    assert reminders_of(store, "veiligheidsmonitor")[-1] == ("upcoming", "2026-04-28",
                                                             "queued")


def test_a_positive_outcome_corrected_to_rejected_is_reminded_again(
        store: Store, not_definition: Definition) -> None:
    start_process(store, not_definition, now=parse_moment("2026-03-02T07:00"), actor="t",
                  process_id="not")
    assign(store, "not", "portefeuillehouder", name="B", email="b@not.example",
           now=parse_moment("2026-03-02T07:00"), actor="t")
    # The first phase's decision, overdue since 31 December 2025.
    queue_reminders(store, parse_moment("2026-03-02T08:00"), SENDER)
    before = reminders_of(store, "verlenging-ivp-losser")
    assert before and {status for _, _, status in before} == {"queued"}
    decide(store, "not", "verlenging-ivp-losser", outcome="vastgesteld",
           now=parse_moment("2026-03-02T09:00"), actor="t")
    assert {s for _, _, s in reminders_of(store, "verlenging-ivp-losser")} == {"cancelled"}
    correct_decision(store, "not", "verlenging-ivp-losser", outcome="verworpen",
                     now=parse_moment("2026-03-02T10:00"), actor="t")
    assert read(store).item("verlenging-ivp-losser").status == "open"
    queue_reminders(store, parse_moment("2026-03-02T11:00"), SENDER)
    assert reminders_of(store, "verlenging-ivp-losser") == before


# --------------------------------------------------------------------------- drafts


def test_an_undone_document_is_due_for_drafting_again(ivpflow: Invoke, store: Store,
                                                      started: str) -> None:
    from ivpflow.documents.drafts import due_drafts

    assert ivpflow("done", "not", "startnotitie", now="2026-03-03T09:00").exit_code == 0
    due = [d.document for d in due_drafts(store, parse_moment("2026-03-03T10:00"))]
    assert "startnotitie" not in due
    assert ivpflow("undo", "not", now="2026-03-04T09:00").exit_code == 0
    assert [d.document for d in due_drafts(store, parse_moment("2026-03-04T10:00"))] == [
        "startnotitie", *due]


def test_the_stored_summary_follows_an_undo(ivpflow: Invoke, started: str) -> None:
    def overdue() -> int:
        result = ivpflow("processes", "--json", now="2026-03-05T12:00")
        return int(json.loads(result.stdout)[0]["overdue"])

    was = overdue()
    ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-04T09:00")  # overdue since 2025
    assert overdue() == was - 1
    ivpflow("undo", "not", now="2026-03-05T09:00")
    assert overdue() == was


# --------------------------------------------------------------------------- how it is shown


def test_history_shows_what_an_undo_took_back(ivpflow: Invoke, started: str) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-04T09:00")
    ivpflow("undo", "not", "--reason", "te vroeg", now="2026-03-05T09:00")
    line = ivpflow("history", "not", now=LATER).stdout.splitlines()[-1]
    assert line.split("  ")[0] == "2026-03-05 09:00"
    assert " undone " in line and "takes back done" in line
    assert line.endswith("done werkgroep-samenstellen (open → done) of 4 maart 2026 09:00; "
                         "te vroeg")


def test_the_report_names_corrections_in_dutch(ivpflow: Invoke, store: Store,
                                               started: str) -> None:
    from ivpflow.views.report import report_context

    ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
            now="2026-03-03T09:00")
    ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "verworpen", "--correct",
            now="2026-03-04T09:00")
    ivpflow("undo", "not", now="2026-03-05T09:00")
    shown = report_context(store, "not", now=parse_moment(LATER))["history"][-2:]
    assert [(e["event"], e["change"]) for e in shown] == [
        ("besluit gecorrigeerd", "vastgesteld → verworpen"),
        ("ongedaan gemaakt", "neemt terug: besluit gecorrigeerd")]


# --------------------------------------------------------------------------- content


def test_an_added_priority_is_undone_a_removed_one_is_refused(ivpflow: Invoke, store: Store,
                                                              started: str) -> None:
    add = ["priority", "add", "not", "jeugd", "--veld", "2", "--theme", "Jeugd", "--title", "T"]
    assert ivpflow(*add, now="2026-03-03T09:00").exit_code == 0
    assert ivpflow("undo", "not", now="2026-03-03T10:00").exit_code == 0
    assert read(store, parts=PEOPLE | {"priorities"}).priorities == ()
    ivpflow(*add, now="2026-03-04T09:00")
    ivpflow("priority", "remove", "not", "jeugd", now="2026-03-04T10:00")
    result = ivpflow("undo", "not", now="2026-03-04T11:00")
    assert (result.exit_code, result.stderr) == (1, (
        "Error: Cannot undo 'priority-removed' of 2026-03-04 10:00 in 'not': a removed "
        "priority is not kept in the history; add it again with 'ivpflow priority add not "
        "jeugd …'; nothing changed\n"))


def test_a_removed_meeting_comes_back_with_its_papers_date(ivpflow: Invoke, store: Store,
                                                         started: str) -> None:
    ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-06-30", "--papers-due",
            "2026-06-10", now="2026-03-03T09:00")
    ivpflow("meeting", "remove", "not", "gemeenteraad Losser", "2026-06-30",
            now="2026-03-04T09:00")
    assert history_of(ivpflow)[-1]["from"] == "cli, papers due 2026-06-10"
    assert ivpflow("undo", "not", now="2026-03-05T09:00").exit_code == 0
    back = [m for m in read(store).meetings if m.body == "gemeenteraad Losser"
            and m.date.isoformat() == "2026-06-30"]
    assert [(m.papers_due, m.source) for m in back] == [(date(2026, 6, 10), "cli")]
    assert history_of(ivpflow)[-1]["note"] == (
        "meeting-removed (cli, papers due 2026-06-10 → —) of 4 maart 2026 09:00")


def test_an_occurrence_cancelled_in_its_schedule_comes_back_in_it(
        ivpflow: Invoke, store: Store, started: str) -> None:
    raad = "gemeenteraad Losser"
    rule = ["meeting", "schedule", "not", raad, "elke tweede dinsdag", "--from", "2026-09-01",
            "--until", "2026-11-30"]
    assert ivpflow(*rule, now="2026-03-03T09:00").exit_code == 0
    ivpflow("meeting", "cancel", "not", raad, "2026-11-10", now="2026-03-04T09:00")
    assert ivpflow("undo", "not", now="2026-03-05T09:00").exit_code == 0
    back = [(m.date.isoformat(), m.source) for m in read(store).meetings if m.body == raad]
    assert ("2026-11-10", "schedule") in back
    schedules = json.loads(ivpflow("meeting", "schedules", "not", "--json").stdout)
    assert schedules[0]["except"] == []


def test_a_removal_recorded_without_its_papers_date_is_undone_by_the_body_s_term(
        ivpflow: Invoke, store: Store, started: str) -> None:
    from sqlalchemy import delete, insert

    from ivpflow.store import tables

    ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-06-30", "--papers-due",
            "2026-06-10", now="2026-03-03T09:00")
    with store.engine.begin() as conn:  # removed as a release before 0014 recorded it
        conn.execute(delete(tables.meetings).where(tables.meetings.c.date == date(2026, 6, 30)))
        conn.execute(insert(tables.events).values(
            process_id="not", at=datetime(2026, 3, 4, 8), actor="tester",
            event="meeting-removed", note="gemeenteraad Losser 30 juni 2026"))
    assert ivpflow("undo", "not", now="2026-03-05T09:00").exit_code == 0
    back = [m for m in read(store).meetings if m.date.isoformat() == "2026-06-30"]
    assert [(m.papers_due, m.source) for m in back] == [(None, "cli")]
    assert history_of(ivpflow)[-1]["note"] == (
        "meeting-removed of 4 maart 2026 09:00 (its papers date is not in the history: "
        "planned by the body's term)")


def test_rows_changed_behind_the_history_are_not_undone(ivpflow: Invoke, store: Store,
                                                        started: str) -> None:
    from sqlalchemy import update

    from ivpflow.store import tables

    ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-04T09:00")
    with store.connect() as conn:  # as a hand-made repair would
        conn.execute(update(tables.items).where(tables.items.c.item_id ==
                                                "werkgroep-samenstellen").values(status="open"))
    result = ivpflow("undo", "not", now="2026-03-05T09:00")
    assert (result.exit_code, result.stderr) == (1, (
        "Error: Cannot undo 'done' of 2026-03-04 09:00 in 'not': the process no longer is "
        "as it left it (werkgroep-samenstellen is open); nothing changed\n"))
