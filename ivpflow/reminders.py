"""Reminders: which are due at a moment, queued once each in the outbox, stale ones cancelled.

Per open item there are two tracks. The reminder track goes to the people holding the item's
role: some working days before the deadline, on the day, and once overdue every few working
days. The escalation track goes once to the policy's role when the item is long overdue. Each
tick queues, per item and track, only the latest moment that has come: a scheduler that was
down for weeks sends one catch-up reminder per item, marked late, not one per missed tick.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from .dates import dutch_date, to_utc_naive
from .processes import definition_of, digest_week
from .store import Store
from .store.models import Assignment, ItemState, OutboxMessage, PhaseState, Process
from .workdays import WorkingCalendar
from .workflow.model import Definition, Item, ReminderPolicy

KIND_NL = {"task": "taak", "decision": "besluit", "document": "document"}
# Open items due this many calendar days ahead are looked at; reminders.before allows at
# most 40 working days, which is less.
HORIZON_DAYS = 62


@dataclass(frozen=True)
class Moment:
    """One reminder moment of an item: its kind, step and day."""

    kind: str  # upcoming | due | overdue | escalation
    step: int  # working days before (upcoming), the nth overdue reminder, 1 for the others
    day: date


@dataclass
class QueueReport:
    """What one pass of queueing did."""

    queued: list[str] = field(default_factory=list)
    late: int = 0
    cancelled: int = 0
    digests: int = 0
    unassigned: set[str] = field(default_factory=set)


def latest_moments(due: date, policy: ReminderPolicy, days: WorkingCalendar,
                   today: date) -> dict[str, Moment]:
    """Per track ('remind', 'escalate'), the latest reminder moment on or before today."""
    moments = [Moment("upcoming", n, days.add_working_days(due, -n)) for n in policy.before]
    moments.append(Moment("due", 1, due))
    found: dict[str, Moment] = {}
    if today > due:
        over = days.working_days_between(due, today)
        if over >= 1:
            repeat = (over - 1) // policy.overdue_every
            moments.append(Moment("overdue", repeat + 1, days.add_working_days(
                due, 1 + repeat * policy.overdue_every)))
        if policy.escalate_after and policy.escalate_to and over >= policy.escalate_after:
            found["escalate"] = Moment("escalation", 1,
                                       days.add_working_days(due, policy.escalate_after))
    passed = [m for m in moments if m.day <= today]
    if passed:
        found["remind"] = max(passed, key=lambda m: (m.day, m.kind == "overdue"))
    return found


def dedupe_key(process: str, item: str, kind: str, step: int, due: date | None,
               recipient: str) -> str:
    """The unique key of a reminder: computing it twice queues nothing twice."""
    return f"{process}|{item}|{kind}|{step}|{due.isoformat() if due else '-'}|{recipient.lower()}"


def message_id(key: str, sender: str) -> str:
    """A Message-ID that is the same every time the same reminder is sent."""
    domain = sender.rsplit("@", 1)[-1].strip(">").strip() or "ivpflow.invalid"
    return f"<ivpflow.{sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def one_line(text: str | None) -> str:
    """Text for a header or a list line: line breaks and tabs become spaces."""
    return " ".join((text or "").split())


def queue_reminders(store: Store, now: datetime, sender: str) -> QueueReport:
    """Queue every reminder and digest due at `now` and cancel the stale ones.

    The work grows with what is due, not with the number of processes: the open items due
    soon come from an index, and processes, people and known keys are read in a few queries.
    """
    report = QueueReport()
    today = now.date()
    # One writer at a time on SQLite (BEGIN IMMEDIATE): two schedulers must not both
    # compute from the same snapshot and then collide.
    with store.transaction(immediate=True) as session:
        report.cancelled += cancel_stale(session)
        rows = session.execute(
            select(ItemState)
            .join(PhaseState, and_(PhaseState.process_id == ItemState.process_id,
                                   PhaseState.phase == ItemState.phase))
            .where(ItemState.status == "open", ItemState.due.is_not(None),
                   ItemState.due <= today + timedelta(days=HORIZON_DAYS),
                   PhaseState.status != "done")
        ).scalars().all()
        by_process: dict[str, list[ItemState]] = defaultdict(list)
        for state in rows:
            by_process[state.process_id].append(state)
        ids = sorted(by_process)
        processes = {p.id: p for chunk in _chunks(ids)
                     for p in session.scalars(select(Process).where(Process.id.in_(chunk)))}
        people = _People(session, ids)
        wanted: list[_Wanted] = []
        for process_id in ids:
            _wanted_for_process(session, processes[process_id], by_process[process_id],
                                people, today, wanted, report)
        _queue_wanted(session, store, wanted, people, now, sender, report)
        _queue_digests(session, store, now, sender, report)
    return report


def cancel_stale(session: Session) -> int:
    """Cancel queued reminders whose item was settled or whose deadline moved."""
    stale = session.execute(
        select(OutboxMessage.id)
        .join(ItemState, and_(ItemState.process_id == OutboxMessage.process_id,
                              ItemState.item_id == OutboxMessage.item))
        .where(OutboxMessage.status == "queued", OutboxMessage.kind != "digest",
               (ItemState.status != "open") | (ItemState.due.is_(None))
               | (ItemState.due != OutboxMessage.due))
    ).scalars().all()
    if stale:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(stale))
                        .values(status="cancelled", error="item settled or deadline moved"))
    return len(stale)


CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on parameters


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


class _People:
    """Who holds which role in a set of processes, read in one query per chunk."""

    def __init__(self, session: Session, process_ids: list[str]) -> None:
        self.holders: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for chunk in _chunks(process_ids):
            for person in session.scalars(select(Assignment)
                                          .where(Assignment.process_id.in_(chunk))
                                          .order_by(Assignment.role, Assignment.email)):
                self.holders[(person.process_id, person.role)].append((person.name,
                                                                       person.email))

    def of(self, process_id: str, role: str | None) -> list[tuple[str, str]]:
        """The (name, e-mail) of everyone in a role of a process."""
        return self.holders.get((process_id, role or ""), [])


@dataclass(frozen=True)
class _Wanted:
    """A reminder that is due: to whom, about what, and its key."""

    key: str
    process: Process
    definition: Definition
    item: Item
    due: date
    moment: Moment
    days: WorkingCalendar
    role: str
    name: str
    email: str


def _wanted_for_process(session: Session, process: Process, states: list[ItemState],
                        people: _People, today: date, wanted: list[_Wanted],
                        report: QueueReport) -> None:
    definition = definition_of(session, process)
    policy = definition.reminders
    for state in states:
        item = definition.items[state.item_id]
        assert state.due is not None
        days = definition.calendar_for(item.municipality).working
        for track, moment in latest_moments(state.due, policy, days, today).items():
            role = policy.escalate_to if track == "escalate" else item.role
            holders = people.of(process.id, role) or (
                people.of(process.id, "coordinator") if track == "remind" else [])
            if not holders:
                report.unassigned.add(f"{process.id}/{item.id} ({role or 'no role'})")
                continue
            for name, email in holders:
                key = dedupe_key(process.id, item.id, moment.kind, moment.step, state.due, email)
                wanted.append(_Wanted(key, process, definition, item, state.due, moment, days,
                                      role or "", name, email))


def _queue_wanted(session: Session, store: Store, wanted: list[_Wanted], people: _People,
                  now: datetime, sender: str, report: QueueReport) -> None:
    """Render and insert the wanted reminders that are not in the outbox yet."""
    today = now.date()
    # Only what is not in the outbox yet is rendered: a tick that finds everything queued
    # already costs a query, not a template per reminder.
    known = {key for chunk in _chunks([w.key for w in wanted])
             for key in session.scalars(select(OutboxMessage.dedupe_key)
                                        .where(OutboxMessage.dedupe_key.in_(chunk)))}
    rows, labels = [], {}
    for w in wanted:
        if w.key in known or w.key in labels:
            continue
        context = _item_context(w, people, today, now)
        rows.append(_row(sender, w.key, w.process.id, w.moment, w.item.id, w.due, w.name,
                         w.email, context, now))
        labels[w.key] = (f"{w.moment.kind} {w.process.id}/{w.item.id} → {w.email}",
                         w.moment.day < today)
    inserted = set()
    for start in range(0, len(rows), CHUNK):
        inserted |= _insert(session, store, rows[start:start + CHUNK])
    for key in [k for k in labels if k in inserted]:
        report.queued.append(labels[key][0])
        report.late += labels[key][1]


def _item_context(wanted: _Wanted, people: _People, today: date,
                  now: datetime) -> dict[str, Any]:
    process, definition, item, due = (wanted.process, wanted.definition, wanted.item,
                                      wanted.due)
    moment, days, name, role = wanted.moment, wanted.days, wanted.name, wanted.role
    phase = definition.phase(item.phase)
    holders = ", ".join(n for n, _ in people.of(process.id, item.role)) or (
        f"nog niemand ({definition.roles.get(item.role or '', item.role or '')})")
    if item.kind == "decision":
        command = f"ivpflow decide {process.id} {item.id} --outcome vastgesteld --date DATUM"
    else:
        command = f"ivpflow done {process.id} {item.id}"
    working_days = (days.working_days_between(today, due) if moment.kind == "upcoming"
                    else days.working_days_between(due, today))
    blocks = (f"het afronden van de fase {phase.title}" if item.required else None)
    title = one_line(item.title)
    when = dutch_date(due)
    subject = {
        "upcoming": f"Herinnering: {title} — uiterlijk {when}",
        "due": f"Vandaag: {title} — uiterlijk vandaag, {when}",
        "overdue": f"Verlopen: {title} — was uiterlijk {when}",
        "escalation": f"Escalatie: {title} — termijn {when} verstreken",
    }[moment.kind]
    return {
        "subject": f"{subject} ({one_line(definition.title)})",
        "recipient_name": one_line(name),
        "recipient_role": definition.roles.get(role, role),
        "kind": moment.kind,
        "late": moment.day < today,
        "moment": moment.day,
        "working_days": working_days,
        "holders": holders,
        "command": command,
        "process": {"id": process.id, "title": definition.title, "workflow": process.workflow},
        "item": {"id": item.id, "kind_nl": KIND_NL[item.kind], "title": item.title,
                 "body": item.body, "phase_title": phase.title, "due": due, "blocks": blocks},
        "ics": _ics(process.id, item, definition.title, due, now),
    }


def _ics(process_id: str, item: Item, process_title: str, due: date, now: datetime) -> str:
    """An iCalendar file with the deadline as an all-day event and an alarm the day before.

    The UID is stable per item, so a second reminder updates the agenda entry instead of
    adding one.
    """
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ivpflow//NL", "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{ics_text(f'{process_id}.{item.id}@ivpflow')}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
        f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_text('Uiterlijk: ' + one_line(item.title))}",
        f"DESCRIPTION:{ics_text(f'{process_title} — {item.body or item.title}')}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM", "ACTION:DISPLAY",
        f"DESCRIPTION:{ics_text('Termijn: ' + one_line(item.title))}",
        "TRIGGER:-P1D", "END:VALARM",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(ics_fold(line) for line in lines)


def ics_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 asks (backslash, semicolon, comma, newline)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def ics_fold(line: str) -> str:
    """A content line folded at 75 octets without splitting a UTF-8 character, with CRLF."""
    data = line.encode("utf-8")
    parts: list[bytes] = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return "\r\n ".join(part.decode("utf-8") for part in parts) + "\r\n"


def _row(store_sender: str, key: str, process_id: str, moment: Moment, item: str | None,
         due: date | None, name: str, email: str, context: dict[str, Any],
         now: datetime) -> dict[str, Any]:
    """The outbox row of one reminder or digest, rendered."""
    from .documents.rendering import render

    template = "digest" if moment.kind == "digest" else "reminder"
    stamp = to_utc_naive(now)
    return {
        "dedupe_key": key, "process_id": process_id, "kind": moment.kind, "item": item,
        "due": due, "moment": moment.day, "recipient": email, "recipient_name": one_line(name),
        "subject": one_line(context["subject"]),
        "body_text": render(f"mail/{template}.txt.j2", context),
        "body_html": render(f"mail/{template}.html.j2", context),
        "ics": context.get("ics"), "message_id": message_id(key, store_sender),
        "status": "queued", "attempts": 0, "next_attempt_at": stamp, "queued_at": stamp,
    }


def _insert(session: Session, store: Store, rows: list[dict[str, Any]]) -> set[str]:
    """Insert outbox rows whose keys are not there yet; the keys that went in."""
    if not rows:
        return set()
    if store.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    # RETURNING names the rows that went in (a conflicting one returns nothing); rowcount is
    # not reliable across drivers.
    statement = (insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(OutboxMessage.dedupe_key))
    return set(session.scalars(statement, rows).all())


# --------------------------------------------------------------------------- digest


def _queue_digests(session: Session, store: Store, now: datetime, sender: str,
                   report: QueueReport) -> None:
    week, monday = digest_week(now)
    owed = session.scalars(
        select(Process).where((Process.digest_week.is_(None)) | (Process.digest_week < week))
    ).all()
    people = _People(session, [process.id for process in owed])
    rows = []
    for process in owed:
        process.digest_week = week
        definition = definition_of(session, process)
        role = definition.reminders.digest_to
        if definition.phase(process.phase).final or role is None:
            continue
        holders = people.of(process.id, role)
        if not holders:
            report.unassigned.add(f"{process.id}/digest ({role})")
            continue
        context = _digest_context(process, definition, people, now.date(), week, monday)
        for name, email in holders:
            key = dedupe_key(process.id, "digest", "digest", 1, monday, email)
            rows.append(_row(sender, key, process.id, Moment("digest", 1, monday), None, monday,
                             name, email, {**context, "recipient_name": one_line(name)}, now))
    inserted = 0
    for start in range(0, len(rows), CHUNK):
        inserted += len(_insert(session, store, rows[start:start + CHUNK]))
    report.digests += inserted
    report.late += inserted if monday < now.date() else 0


def _digest_context(process: Process, definition: Definition, people: _People, today: date,
                    week: str, monday: date) -> dict[str, Any]:
    days = definition.calendar.working
    horizon = days.add_working_days(today, definition.reminders.digest_horizon)
    settled_phases = {p.phase for p in process.phases if p.status == "done"}
    overdue: list[dict[str, Any]] = []
    upcoming: list[dict[str, Any]] = []
    for state in process.items:
        if state.status != "open" or state.due is None or state.phase in settled_phases:
            continue
        item = definition.items[state.item_id]
        who = ", ".join(n for n, _ in people.of(process.id, item.role)) or (item.role or "")
        entry = {"due": state.due, "title": one_line(item.title), "who": who}
        if state.due < today:
            overdue.append(entry)
        elif state.due <= horizon:
            upcoming.append(entry)
    overdue.sort(key=lambda e: e["due"])
    upcoming.sort(key=lambda e: e["due"])
    subject = (f"Weekoverzicht {week}: {len(overdue)} verlopen, {len(upcoming)} binnen twee "
               f"weken ({one_line(definition.title)})")
    return {"subject": subject, "late": monday < today, "moment": monday, "week": week,
            "process": {"id": process.id, "title": definition.title,
                        "phase_title": definition.phase(process.phase).title},
            "overdue": overdue, "upcoming": upcoming}
