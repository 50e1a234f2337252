"""Reminders: the right ones, once each, replayed day by day over a whole schedule."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ivpflow.dates import parse_moment
from ivpflow.outbox.reminders import latest_moments, queue_reminders
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.views.outbox import outbox_messages
from ivpflow.views.status import process_status
from ivpflow.workdays import DEFAULT_CALENDAR as DAYS
from ivpflow.workflow.model import Definition, ReminderPolicy

from .conftest import Invoke, outbox_row, settle_skipped

SENDER = "ivpflow <ivpflow@not.example>"
POLICY = ReminderPolicy(before=(10, 2), overdue_every=5, escalate_after=10,
                        escalate_to="projectmanager", digest_to="coordinator")


def at(text: str) -> object:
    return parse_moment(text)


def people(store: Store, process: str, definition: Definition) -> dict[str, str]:
    emails = {role: f"{role}@not.example" for role in definition.roles}
    for role, email in emails.items():
        assign(store, process, role, name=role.capitalize(), email=email,
               now=parse_moment("2026-02-27T09:00"), actor="t")
    return emails


# --------------------------------------------------------------------------- moments


@pytest.mark.parametrize(
    ("today", "expected"),
    [("2026-04-14", {}),
     ("2026-04-15", {"remind": ("upcoming", 10, "2026-04-15")}),
     ("2026-04-28", {"remind": ("upcoming", 2, "2026-04-28")}),
     ("2026-04-30", {"remind": ("due", 1, "2026-04-30")}),
     ("2026-05-01", {"remind": ("overdue", 1, "2026-05-01")}),
     ("2026-05-08", {"remind": ("overdue", 1, "2026-05-01")}),
     ("2026-05-11", {"remind": ("overdue", 2, "2026-05-11")}),
     ("2026-05-18", {"remind": ("overdue", 2, "2026-05-11"),
                     "escalate": ("escalation", 1, "2026-05-18")})],
    ids=["too-early", "ten-days", "two-days", "on-the-day", "overdue", "four-days-later",
         "five-working-days-later", "escalation"],
)
def test_the_latest_moment_per_track(today: str, expected: dict[str, tuple[str, int, str]]
                                     ) -> None:
    # 30 April 2026; Koningsdag (27 April), 5 May and Hemelvaart (14 May) are days off.
    found = latest_moments(date(2026, 4, 30), POLICY, DAYS, date.fromisoformat(today))
    assert {track: (m.kind, m.step, m.day.isoformat()) for track, m in found.items()} == expected


# --------------------------------------------------------------------------- the replay


def expected_reminders(definition: Definition, store: Store, early: set[str],
                       emails: dict[str, str]) -> Counter[tuple[str, str, str, str]]:
    status = process_status(store, "not", now=parse_moment("2026-03-01"))
    expected: Counter[tuple[str, str, str, str]] = Counter()
    for entry in status["tasks"] + status["decisions"] + status["documents"]:
        # The plan's 2027-2030 cycle (looptijd) lies past the replay: tests/test_cycle.py.
        if entry["phase"] in ("opstart", "looptijd"):
            continue
        due = date.fromisoformat(entry["due"])
        to = emails[entry["role"]]
        moments = [("upcoming", DAYS.add_working_days(due, -10))]
        if entry["id"] not in early:
            moments += [("upcoming", DAYS.add_working_days(due, -2)), ("due", due)]
        for kind, day in moments:
            expected[(kind, entry["id"], day.isoformat(), to)] += 1
    return expected


def test_replay_of_noordoost_twente_sends_every_reminder_once(
        store: Store, not_definition: Definition, ivpflow: Invoke, store_dir: Path) -> None:
    definition = not_definition
    start_process(store, definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    emails = people(store, "not", definition)
    advance(store, "not", now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
            reason="opstart liep buiten ivpflow")
    # Its work is recorded afterwards, or what the advance left open would be reminded of.
    assert settle_skipped(store, "not", parse_moment("2026-02-27T17:10"))
    status = process_status(store, "not", now=parse_moment("2026-03-01"))
    dues = {e["id"]: date.fromisoformat(e["due"])
            for e in status["tasks"] + status["decisions"] + status["documents"]
            if e["phase"] != "opstart"}
    # Some work is done a week early: those items get no two-day or due-day reminder.
    early = {"veiligheidsmonitor", "concept-ivp", "vaststelling-ivp-losser"}
    expected = expected_reminders(definition, store, early, emails)
    finish_on = {item: DAYS.add_working_days(due, -5) if item in early else due
                 for item, due in dues.items()}
    day = date(2026, 3, 1)
    mondays = 0
    while day <= date(2026, 12, 31):
        result = ivpflow("tick", now=f"{day.isoformat()}T08:00")
        assert result.exit_code == 0, result.output
        mondays += day.weekday() == 0
        for item, when in finish_on.items():
            if when == day:
                kind = definition.items[item].kind
                evening = parse_moment(f"{day.isoformat()}T17:00")
                if kind == "decision":
                    decide(store, "not", item, outcome="vastgesteld", now=evening, actor="t")
                else:
                    complete(store, "not", item, now=evening, actor="t")
        phase = process_status(store, "not", now=parse_moment(day.isoformat()))
        active = next(p for p in phase["phases"] if p["status"] == "active")
        if active["due"] == day.isoformat():
            advance(store, "not", now=parse_moment(f"{day.isoformat()}T17:30"), actor="t")
        day += timedelta(days=1)
    sent = outbox_messages(store, "sent")
    reminders = Counter((m["kind"], m["item"], m["moment"], m["to"]) for m in sent
                        if m["kind"] != "digest")
    assert reminders == expected
    assert all(count == 1 for count in reminders.values())
    digests = [m for m in sent if m["kind"] == "digest"]
    assert len(digests) == mondays == 44
    assert {m["to"] for m in digests} == {emails["coordinator"]}
    assert outbox_messages(store, "failed") == [] and outbox_messages(store, "queued") == []
    assert len(list((store_dir / "outbox" / "new").iterdir())) == len(sent)
    # Adopted and its first uitvoeringsplan done: the plan is in force (the 2027-2030 cycle).
    assert process_status(store, "not", now=parse_moment("2026-12-31"))["phase"] == "looptijd"


# --------------------------------------------------------------------------- catch-up


@pytest.fixture
def analyse(store: Store, not_definition: Definition) -> dict[str, str]:
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    emails = people(store, "not", not_definition)
    advance(store, "not", now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
            reason="r")
    settle_skipped(store, "not", parse_moment("2026-02-27T17:10"))  # opstart ran outside ivpflow
    return emails


def test_after_three_weeks_down_one_catch_up_reminder_per_item(
        store: Store, analyse: dict[str, str]) -> None:
    queue_reminders(store, parse_moment("2026-04-10T08:00"), SENDER)  # nothing due yet
    report = queue_reminders(store, parse_moment("2026-05-04T08:00"), SENDER)
    rows = [m for m in outbox_messages(store) if m["kind"] != "digest"]
    per_item = Counter(m["item"] for m in rows)
    assert per_item == {"veiligheidsmonitor": 1, "cijfers-verzamelen": 1,
                        "evaluatie-huidig-beleid": 1, "veiligheidsanalyse": 1}
    moments = {m["item"]: (m["kind"], m["moment"]) for m in rows}
    assert moments == {"veiligheidsmonitor": ("overdue", "2026-05-01"),
                       "cijfers-verzamelen": ("overdue", "2026-05-01"),
                       "evaluatie-huidig-beleid": ("overdue", "2026-05-01"),
                       "veiligheidsanalyse": ("upcoming", "2026-04-29")}
    assert report.late == 4


def test_a_late_reminder_says_so(store: Store, analyse: dict[str, str]) -> None:
    queue_reminders(store, parse_moment("2026-05-04T08:00"), SENDER)
    row = next(m for m in outbox_messages(store) if m["item"] == "veiligheidsmonitor")
    assert row["subject"] == ("Verlopen: Oplevering resultaten veiligheidsmonitor door extern "
                              "bureau — was uiterlijk 30 april 2026 (Integraal Veiligheidsplan "
                              "Noordoost Twente 2027-2030)")
    body = outbox_row(store, row["id"]).body_text
    assert "Het had op 1 mei 2026 verstuurd moeten worden." in body


def test_ticking_twice_queues_nothing_twice(store: Store, analyse: dict[str, str]) -> None:
    first = queue_reminders(store, parse_moment("2026-04-28T08:00"), SENDER)
    second = queue_reminders(store, parse_moment("2026-04-28T08:15"), SENDER)
    assert (len(first.queued), len(second.queued)) == (3, 0)


def test_an_item_done_meanwhile_is_not_reminded(store: Store, analyse: dict[str, str]) -> None:
    queue_reminders(store, parse_moment("2026-04-15T08:00"), SENDER)
    complete(store, "not", "veiligheidsmonitor", now=parse_moment("2026-04-15T12:00"),
             actor="t")
    states = {m["item"]: m["status"] for m in outbox_messages(store) if m["kind"] == "upcoming"}
    assert states["veiligheidsmonitor"] == "cancelled"
    queue_reminders(store, parse_moment("2026-04-28T08:00"), SENDER)
    items = [m["item"] for m in outbox_messages(store, "queued")]
    assert "veiligheidsmonitor" not in items and "cijfers-verzamelen" in items


def test_the_escalation_goes_to_the_escalation_role(store: Store,
                                                    analyse: dict[str, str]) -> None:
    queue_reminders(store, parse_moment("2026-05-18T08:00"), SENDER)
    escalations = {(m["item"], m["to"]) for m in outbox_messages(store)
                   if m["kind"] == "escalation"}
    assert escalations == {(item, analyse["projectmanager"])
                           for item in ("veiligheidsmonitor", "cijfers-verzamelen",
                                        "evaluatie-huidig-beleid")}


def test_nobody_assigned_is_reported_not_sent(store: Store,
                                              not_definition: Definition) -> None:
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    report = queue_reminders(store, parse_moment("2026-04-15T08:00"), SENDER)
    assert report.queued == []
    assert "not/veiligheidsmonitor (projectmanager)" in report.unassigned


def test_a_moved_deadline_cancels_the_stale_reminder_and_rearms(
        store: Store, ivpflow: Invoke) -> None:
    ivpflow("start", "vng-kernbeleid-veiligheid", "--id", "h", "--start", "2026-03-02",
            now="2026-03-02")
    ivpflow("assign", "h", "coordinator", "--name", "C", "--email", "c@h.example",
            now="2026-03-02")
    queue_reminders(store, parse_moment("2026-04-07T08:00"), SENDER)
    queued = {m["item"]: m["due"] for m in outbox_messages(store, "queued")}
    assert queued["werkgroep-procesafspraken"] == "2026-04-20"
    # Analyse starts a week early, and its deadlines (relative to its start) move with it.
    ivpflow("advance", "h", "--force", "--reason", "vroeg", now="2026-04-07T09:00")
    report = queue_reminders(store, parse_moment("2026-04-07T10:00"), SENDER)
    cancelled = {m["item"]: m["due"] for m in outbox_messages(store, "cancelled")}
    rearmed = {m["item"]: m["due"] for m in outbox_messages(store, "queued")}
    assert cancelled["werkgroep-procesafspraken"] == "2026-04-20"
    assert rearmed["werkgroep-procesafspraken"] == "2026-04-14"
    assert report.cancelled == len(cancelled)


def test_tick_json_reports_what_it_did(ivpflow: Invoke, store: Store,
                                      analyse: dict[str, str]) -> None:
    result = ivpflow("tick", "--json", now="2026-04-15T08:00")
    report = json.loads(result.stdout)
    assert (report["sent"], report["digests"], report["failed"], report["late"]) == (4, 1, 0, 1)
    assert report["queued"][0] == "upcoming not/veiligheidsmonitor → projectmanager@not.example"


@pytest.fixture
def staffed(store: Store, not_definition: Definition) -> Store:
    """The store with 'not' started on 10 February 2026 and every role assigned
    (ROLE@not.example)."""
    start_process(store, not_definition, now=parse_moment("2026-02-10T09:00"), actor="t",
                  process_id="not")
    for role in not_definition.roles:
        assign(store, "not", role, name=role, email=f"{role}@not.example",
               now=parse_moment("2026-02-10T09:00"), actor="t")
    return store


def test_what_a_forced_advance_left_open_is_reminded_of_once_until_it_is_done(
        staffed: Store, ivpflow: Invoke) -> None:
    store = staffed
    advance(store, "not", now=parse_moment("2026-02-10T17:00"), actor="t", force=True,
            reason="de werkgroep start later")
    item = "startbijeenkomst-werkgroep"  # of opstart, due 27 February 2026
    for day in ("2026-02-13", "2026-02-25", "2026-02-27", "2026-03-02", "2026-03-02"):
        assert ivpflow("tick", now=f"{day}T08:00").exit_code == 0
    overdue = process_status(store, "not", now=parse_moment("2026-03-02T12:00"))["overdue"]
    assert {"kind": "task", "id": item, "due": "2026-02-27"} in overdue
    assert ivpflow("done", "not", item, now="2026-03-02T17:00").exit_code == 0
    assert ivpflow("tick", now="2026-03-09T08:00").exit_code == 0  # overdue 2 would be today
    sent = [(m["kind"], m["moment"], m["to"]) for m in outbox_messages(store, "sent")
            if m["item"] == item]
    assert sent == [(kind, day, "coordinator@not.example") for kind, day in (
        ("upcoming", "2026-02-13"), ("upcoming", "2026-02-25"), ("due", "2026-02-27"),
        ("overdue", "2026-03-02"))]
    later = process_status(store, "not", now=parse_moment("2026-03-09T12:00"))
    assert item not in {o["id"] for o in later["overdue"]}
    assert next(t for t in later["tasks"] if t["id"] == item)["overdue"] is False


def test_a_process_at_its_end_reminds_of_nothing_a_forced_advance_left_open(
        staffed: Store, ivpflow: Invoke) -> None:
    store = staffed
    advance(store, "not", now=parse_moment("2026-02-10T17:00"), actor="t", to="afgerond",
            force=True, reason="proces gestopt")
    assert ivpflow("tick", now="2026-03-02T08:00").exit_code == 0
    assert [m for m in outbox_messages(store, "sent") if m["kind"] != "digest"] == []
