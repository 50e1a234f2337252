"""Meetings and people shared by the processes of a store: entered once, seen by every process
(its own win), and a shared meeting re-plans every process with a decision of its body."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ivpflow.dates import parse_moment
from ivpflow.outbox.reminders import queue_reminders
from ivpflow.store import Store, tables
from ivpflow.store.reader import with_shared
from ivpflow.store.rows import SharedAssignmentRow, SharedMeetingRow
from ivpflow.views.outbox import outbox_messages
from ivpflow.workflow.loader import find_definition

from .conftest import Invoke, read

NOT = "noordoost-twente-2027-2030"
RAAD = "gemeenteraad Losser"
SENDER = "ivpflow <ivpflow@not.example>"


@pytest.fixture
def two(ivpflow: Invoke) -> tuple[str, str]:
    """Two processes of the reference workflow in one store."""
    for pid in ("a", "b"):
        result = ivpflow("start", NOT, "--id", pid)
        assert result.exit_code == 0, result.output
    return "a", "b"


def ok(ivpflow: Invoke, *args: str, now: str = "2026-03-02T09:00") -> str:
    result = ivpflow(*args, now=now)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def refused(ivpflow: Invoke, *args: str) -> str:
    """A refusal: exit 1, one line on stderr, nothing on stdout."""
    result = ivpflow(*args)
    assert result.exit_code == 1 and result.stdout == "", result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    return result.stderr


def plan_of(ivpflow: Invoke, pid: str) -> dict[str, Any]:
    return {(r["kind"], r["id"]): r for r in json.loads(ok(ivpflow, "plan", pid, "--json"))}


def history_of(ivpflow: Invoke, pid: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(ivpflow, "history", pid, "--json")))


def test_shared_rows_have_the_tables_column_names() -> None:
    for row, table in ((SharedMeetingRow, tables.shared_meetings),
                       (SharedAssignmentRow, tables.shared_assignments)):
        assert set(row._fields) == set(table.c.keys())


def test_a_shared_raad_meeting_moves_both_processes_deadlines_and_back(
        ivpflow: Invoke, two: tuple[str, str]) -> None:
    before = {pid: plan_of(ivpflow, pid)[("decision", "vaststelling-ivp-losser")]
              for pid in two}
    assert {r["planned"] for r in before.values()} == {"2026-11-30"}
    assert ok(ivpflow, "shared", "meeting", "add", RAAD, "2026-11-24") == (
        "shared: gemeenteraad Losser meets on Tue 2026-11-24; 2 processes re-planned\n")
    for pid in two:
        plan = plan_of(ivpflow, pid)
        assert plan[("decision", "vaststelling-ivp-losser")]["planned"] == "2026-11-24"
        # The raad's overdue decision is now forecast on that meeting.
        assert plan[("decision", "verlenging-ivp-losser")]["meeting"] == "2026-11-24"
        assert plan[("meeting", RAAD)]["shared"] is True
        # Another gemeente's raad plans as before.
        assert plan[("decision", "vaststelling-ivp-dinkelland")]["planned"] == "2026-11-30"
        status = json.loads(ok(ivpflow, "status", pid, "--json"))
        assert next(d for d in status["decisions"]
                    if d["id"] == "vaststelling-ivp-losser")["due"] == "2026-11-24"
        last = history_of(ivpflow, pid)[-1]
        assert (last["event"], last["note"]) == ("meeting",
                                                 "shared: gemeenteraad Losser 24 november 2026")
        assert json.loads(ok(ivpflow, "meeting", "list", pid, "--json")) == [
            {"body": RAAD, "date": "2026-11-24", "papers_due": "2026-11-03", "shared": True}]
    assert "shared" in ok(ivpflow, "meeting", "list", "a")
    listed = json.loads(ok(ivpflow, "shared", "meeting", "list", "--json"))
    assert [(m["body"], m["date"], m["papers_due"]) for m in listed] == [
        (RAAD, "2026-11-24", None)]

    assert ok(ivpflow, "shared", "meeting", "remove", RAAD, "2026-11-24") == (
        "shared: meeting of gemeenteraad Losser on 2026-11-24 removed; "
        "2 processes re-planned\n")
    for pid in two:
        after = plan_of(ivpflow, pid)
        assert after[("decision", "vaststelling-ivp-losser")] == before[pid]
        assert ("meeting", RAAD) not in after
        last = history_of(ivpflow, pid)[-1]
        assert last["event"] == "meeting-removed"
    assert ok(ivpflow, "shared", "meeting", "list") == (
        "No shared meetings; add them with 'ivpflow shared meeting add'.\n")


def test_a_process_s_own_meeting_of_the_same_body_and_date_is_not_doubled(
        ivpflow: Invoke, two: tuple[str, str]) -> None:
    ok(ivpflow, "meeting", "add", "a", RAAD, "2026-11-24", "--papers-due", "2026-11-02")
    events = len(history_of(ivpflow, "a"))
    assert ok(ivpflow, "shared", "meeting", "add", RAAD, "2026-11-24").endswith(
        "; 1 process re-planned\n")
    assert len(history_of(ivpflow, "a")) == events  # nothing changed for a
    assert json.loads(ok(ivpflow, "meeting", "list", "a", "--json")) == [
        {"body": RAAD, "date": "2026-11-24", "papers_due": "2026-11-02"}]
    assert json.loads(ok(ivpflow, "meeting", "list", "b", "--json")) == [
        {"body": RAAD, "date": "2026-11-24", "papers_due": "2026-11-03", "shared": True}]
    rows = [r for r in json.loads(ok(ivpflow, "plan", "a", "--json")) if r["kind"] == "meeting"]
    assert len(rows) == 1
    # The shared meeting does for b what a's own does for a (but for a's own papers date).

    def decisions(pid: str) -> dict[Any, Any]:
        return {key: {k: v for k, v in row.items() if k != "papers_due"}
                for key, row in plan_of(ivpflow, pid).items() if key[0] == "decision"}

    assert decisions("a") == decisions("b")


def test_shared_meetings_import_from_a_file(ivpflow: Invoke, two: tuple[str, str],
                                            tmp_path: Path) -> None:
    path = tmp_path / "raad.csv"
    path.write_text("body,date,papers_due\ngemeenteraad Losser,2026-11-24,\n"
                    "gemeenteraad Tubbergen,2026-11-23,2026-11-02\n", encoding="utf-8")
    assert ok(ivpflow, "shared", "meeting", "import", str(path)) == (
        "shared: 2 meetings added; 2 processes re-planned\n")
    plan = plan_of(ivpflow, "b")
    assert plan[("decision", "vaststelling-ivp-tubbergen")]["planned"] == "2026-11-23"
    assert plan[("meeting", "gemeenteraad Tubbergen")]["papers_due"] == "2026-11-02"
    # Refused whole when one is wrong: the first line is new, the second known already.
    path.write_text("body,date\ngemeenteraad Oldenzaal,2026-11-25\n"
                    "gemeenteraad Losser,2026-11-24\n", encoding="utf-8")
    assert "is known already" in refused(ivpflow, "shared", "meeting", "import", str(path))
    assert len(json.loads(ok(ivpflow, "shared", "meeting", "list", "--json"))) == 2


def test_a_shared_coordinator_receives_both_processes_reminders_unless_one_has_its_own(
        ivpflow: Invoke, two: tuple[str, str], store: Store) -> None:
    assert ok(ivpflow, "shared", "assign", "coordinator", "--name", "Marieke Jansen",
              "--email", "m.jansen@losser.nl") == (
        "shared: coordinator — Marieke Jansen <m.jansen@losser.nl>\n")
    for pid in two:
        status = json.loads(ok(ivpflow, "status", pid, "--json"))
        coordinator = next(r for r in status["roles"] if r["role"] == "coordinator")
        assert coordinator["people"] == [{"name": "Marieke Jansen",
                                          "email": "m.jansen@losser.nl",
                                          "municipality": None, "shared": True}]
    assert "Marieke Jansen (shared)" in ok(ivpflow, "status", "a")
    queue_reminders(store, parse_moment("2026-03-16T08:00"), SENDER)
    to = {m["process"] for m in outbox_messages(store, recipient="m.jansen@losser.nl")
          if m["kind"] != "digest"}
    assert to == {"a", "b"}

    # A process's own holder of the role wins over the shared one.
    ok(ivpflow, "assign", "a", "coordinator", "--name", "Jan Bakker", "--email",
       "j.bakker@dinkelland.nl")
    status = json.loads(ok(ivpflow, "status", "a", "--json"))
    assert next(r for r in status["roles"] if r["role"] == "coordinator")["people"] == [
        {"name": "Jan Bakker", "email": "j.bakker@dinkelland.nl", "municipality": None}]
    queue_reminders(store, parse_moment("2026-03-30T08:00"), SENDER)
    later = [m for m in outbox_messages(store) if m["queued_at"] >= "2026-03-30"
             and m["kind"] != "digest"]
    assert later, "reminders fall due on 30 March"
    assert {m["to"] for m in later if m["process"] == "a"} == {"j.bakker@dinkelland.nl"}
    assert {m["to"] for m in later if m["process"] == "b"} == {"m.jansen@losser.nl"}


def test_a_shared_holder_for_one_gemeente_stands_in_only_there(
        ivpflow: Invoke, two: tuple[str, str]) -> None:
    assert ok(ivpflow, "shared", "assign", "griffie", "--name", "Griffie Losser", "--email",
              "griffie@losser.nl", "--municipality", "losser") == (
        "shared: griffie (Losser) — Griffie Losser <griffie@losser.nl>\n")
    ok(ivpflow, "assign", "b", "griffie", "--name", "Eigen Griffier", "--email",
       "griffier@losser.nl", "--municipality", "Losser")
    people = {pid: next(r for r in json.loads(ok(ivpflow, "status", pid, "--json"))["roles"]
                        if r["role"] == "griffie")["people"] for pid in two}
    assert people == {
        "a": [{"name": "Griffie Losser", "email": "griffie@losser.nl",
               "municipality": "Losser", "shared": True}],
        "b": [{"name": "Eigen Griffier", "email": "griffier@losser.nl",
               "municipality": "Losser"}]}


def test_unassign_a_shared_person(ivpflow: Invoke, two: tuple[str, str]) -> None:
    ok(ivpflow, "shared", "assign", "coordinator", "--name", "Marieke Jansen", "--email",
       "m.jansen@losser.nl")
    assert json.loads(ok(ivpflow, "shared", "list", "--json"))[0]["email"] == (
        "m.jansen@losser.nl")
    assert ok(ivpflow, "shared", "unassign", "coordinator", "--email", "M.Jansen@losser.nl") == (
        "shared: coordinator — M.Jansen@losser.nl removed\n")
    assert json.loads(ok(ivpflow, "shared", "list", "--json")) == []
    status = json.loads(ok(ivpflow, "status", "a", "--json"))
    assert next(r for r in status["roles"] if r["role"] == "coordinator")["people"] == []
    assert refused(ivpflow, "shared", "unassign", "coordinator", "--email",
                   "m.jansen@losser.nl") == (
        "Error: Nobody with e-mail 'm.jansen@losser.nl' fills shared role 'coordinator'; "
        "holders: none\n")


@pytest.mark.parametrize(("args", "says"), [
    (["shared", "meeting", "add", RAAD, "2026-11-24", "--papers-due", "2026-11-25"],
     "Papers due"),
    (["shared", "meeting", "add", "gemeenteraad\x07Losser", "2026-11-24"],
     "control character"),
    (["shared", "meeting", "add", "gemeenteraad Loser", "2026-11-24"],
     "decides nothing in any process of the store (did you mean gemeenteraad Losser?)"),
    (["shared", "meeting", "remove", RAAD, "2026-11-24"], "is not known"),
    (["shared", "assign", "coordinator", "--name", "M\x1bJansen", "--email", "m@losser.nl"],
     "control character"),
    (["shared", "assign", "coordinator", "--name", "M", "--email", "geen-adres"],
     "is not an e-mail address"),
    (["shared", "assign", "burgemeester", "--name", "M", "--email", "m@losser.nl"],
     "Role 'burgemeester' is a role of no process in the store"),
    (["shared", "assign", "griffie", "--name", "M", "--email", "m@losser.nl",
      "--municipality", "Enschede"], "Municipality 'Enschede' has no process with role"),
], ids=["papers-after", "control-body", "unknown-body", "remove-unknown",
        "control-name", "email", "role", "municipality"])
def test_bad_input_gives_one_line_and_changes_nothing(ivpflow: Invoke, two: tuple[str, str],
                                                      args: list[str], says: str) -> None:
    histories = {pid: history_of(ivpflow, pid) for pid in two}
    assert says in refused(ivpflow, *args)
    assert json.loads(ok(ivpflow, "shared", "meeting", "list", "--json")) == []
    assert json.loads(ok(ivpflow, "shared", "list", "--json")) == []
    assert {pid: history_of(ivpflow, pid) for pid in two} == histories


def test_a_shared_meeting_needs_a_process_with_a_decision_of_its_body(ivpflow: Invoke) -> None:
    ok(ivpflow, "start", "vng-kernbeleid-veiligheid", "--id", "vng")
    assert "decides nothing in any process of the store" in refused(
        ivpflow, "shared", "meeting", "add", RAAD, "2026-11-24")


def test_a_shared_body_or_role_the_definition_lacks_is_ignored() -> None:
    definition = find_definition(NOT)
    stamp = parse_moment("2026-03-02T09:00").replace(tzinfo=None)
    from ivpflow.store.rows import ProcessRow
    process = ProcessRow("p", NOT, definition.digest, "opstart", stamp.date(), stamp, stamp,
                         1, None)
    found = with_shared(process, definition, {
        "shared_meetings": [SharedMeetingRow(1, RAAD, stamp.date(), None, stamp),
                            SharedMeetingRow(2, "gemeenteraad Enschede", stamp.date(), None,
                                             stamp)],
        "shared_assignments": [SharedAssignmentRow("coordinator", "", "c@x.nl", "C", stamp),
                               SharedAssignmentRow("burgemeester", "", "b@x.nl", "B", stamp)]})
    assert [m.body for m in found.shared_meetings] == [RAAD]
    assert [a.role for a in found.shared_assignments] == ["coordinator"]


def test_a_change_of_a_process_keeps_planning_on_the_shared_meetings(
        ivpflow: Invoke, two: tuple[str, str], store: Store) -> None:
    ok(ivpflow, "shared", "meeting", "add", RAAD, "2026-11-24")
    ok(ivpflow, "done", "a", "werkgroep-samenstellen")
    process = read(store, "a")
    assert process.item("vaststelling-ivp-losser").due.isoformat() == "2026-11-24"
    assert [m.body for m in process.shared_meetings] == [RAAD]
    assert process.meetings == ()
