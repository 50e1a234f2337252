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
from email.utils import formataddr, parseaddr
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, and_, select, update

from ..dates import AMSTERDAM, DIGEST_TIME, digest_week, dutch_date, to_utc_naive
from ..documents.failures import draft_failures
from ..errors import error_line
from ..i18n import _
from ..planning.holders import (
    Holders,
    holders_of,
    holders_of_item,
    item_municipality,
    merge_people,
)
from ..planning.meetings import last_meeting_by, merge_meetings, papers_due
from ..store import Store, tables
from ..store.reader import read_definition, read_processes, read_shared
from ..store.rows import ProcessRow
from ..workdays import WorkingCalendar
from ..workflow.model import Definition, Item, Meeting, ReminderPolicy
from .clockmail import adopted_processes, clock_mails, digest_clock
from .mail import one_line
from .troubles import Undelivered, undelivered

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
    clock: int = 0  # of `queued`, the four-year clock's mails
    late: int = 0
    cancelled: int = 0
    digests: int = 0
    unassigned: set[str] = field(default_factory=set)
    # "<process>: <error>" per process whose reminders could not be rendered this pass;
    # they are tried again on the next tick, and every other process's go out meanwhile.
    failures: list[str] = field(default_factory=list)

    def fail(self, process_id: str, exc: BaseException) -> None:
        """Record that a process's reminders could not be rendered."""
        line = f"{process_id}: {error_line(exc)}"
        if not any(entry.startswith(f"{process_id}: ") for entry in self.failures):
            self.failures.append(line)


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
    """A Message-ID in the sender's domain that is the same every time the same reminder is
    sent."""
    address = parseaddr(sender)[1]
    domain = address.rsplit("@", 1)[-1].strip() if "@" in address else ""
    domain = domain or "ivpflow.invalid"
    return f"<ivpflow.{sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def queue_reminders(store: Store, now: datetime, sender: str) -> QueueReport:
    """Queue every reminder and digest due at `now` and cancel the stale ones.

    The work grows with what is due, not with the number of processes: the open items due
    soon come from an index, and processes, people and known keys are read in a few queries.
    """
    report = QueueReport()
    today = now.date()
    # One writer at a time on SQLite (BEGIN IMMEDIATE): two schedulers must not both
    # compute from the same snapshot and then collide.
    items, phases = tables.items, tables.phase_states
    with store.connect(immediate=True) as conn:
        report.cancelled += cancel_stale(conn)
        # Open items of a phase that is done are read too: a forced advance left them open,
        # and the required ones are reminded of like any other (see `reminded`).
        rows = conn.execute(
            select(items.c.process_id, items.c.item_id, items.c.due,
                   phases.c.status == "done")
            .join(phases, and_(phases.c.process_id == items.c.process_id,
                               phases.c.phase == items.c.phase))
            .where(items.c.status == "open", items.c.due.is_not(None),
                   items.c.due <= today + timedelta(days=HORIZON_DAYS))
        ).all()
        by_process: dict[str, list[tuple[str, date, bool]]] = defaultdict(list)
        for process_id, item_id, due, left in rows:
            by_process[process_id].append((item_id, due, bool(left)))
        ids = sorted(by_process)
        heads = {head.id: head for chunk in _chunks(ids) for head in conn.execute(
            select(*_HEAD).where(tables.processes.c.id.in_(chunk)))}
        people = _People(conn, ids)
        wanted: list[_Wanted] = []
        for process_id in ids:
            _wanted_for_process(conn, heads[process_id], by_process[process_id],
                                people, today, wanted, report)
        meetings = _Meetings(conn, sorted({w.process.id for w in wanted
                                           if w.item.kind == "decision"}))
        _queue_wanted(conn, store, wanted, people, meetings, now, sender, report)
        _queue_digests(conn, store, now, sender, report)
        _queue_clock_mails(conn, store, now, sender, report)
    return report


_HEAD = [tables.processes.c[name] for name in ("id", "workflow", "definition_digest", "phase",
                                               "digest_week")]


def cancel_stale(conn: Connection) -> int:
    """Cancel queued reminders whose item was settled or whose deadline moved."""
    outbox, items = tables.outbox, tables.items
    stale = list(conn.scalars(
        select(outbox.c.id)
        .join(items, and_(items.c.process_id == outbox.c.process_id,
                          items.c.item_id == outbox.c.item))
        .where(outbox.c.status == "queued", outbox.c.kind != "digest",
               (items.c.status != "open") | (items.c.due.is_(None))
               | (items.c.due != outbox.c.due))))
    for chunk in _chunks(stale):
        conn.execute(update(outbox).where(outbox.c.id.in_(chunk))
                     .values(status="cancelled", error="item settled or deadline moved"))
    return len(stale)


CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on parameters


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


class _People:
    """Who holds which role in a set of processes, read in one query per chunk, and the
    store's shared people once; who a matter goes to follows the one rule of
    `planning.holders` (a process's own holders of a role and gemeente, else the shared)."""

    def __init__(self, conn: Connection, process_ids: list[str]) -> None:
        own: dict[str, list[Any]] = defaultdict(list)
        people = tables.assignments
        for chunk in _chunks(process_ids):
            for person in conn.execute(select(people.c.process_id, people.c.role,
                                              people.c.name, people.c.email,
                                              people.c.municipality)
                                       .where(people.c.process_id.in_(chunk))):
                own[person.process_id].append(person)
        shared = (read_shared(conn, ["shared_assignments"])["shared_assignments"]
                  if process_ids else [])
        self.assignments: dict[str, tuple[Any, ...]] = {
            pid: merge_people(own.get(pid, ()), shared) for pid in process_ids}

    def of(self, process_id: str, role: str | None,
           municipality: str | None = None) -> Holders:
        """Who a matter of a role (in one gemeente, or shared) of a process goes to, with
        nobody standing in for the role (an escalation, the digest)."""
        return holders_of(self.assignments.get(process_id, ()), role, municipality,
                          fallback=False)

    def of_item(self, process_id: str, definition: Definition, item: Item) -> Holders:
        """Who an item's reminders go to (the coordinator when its role is not held)."""
        return holders_of_item(self.assignments.get(process_id, ()), definition, item)


@dataclass(frozen=True)
class _Wanted:
    """A reminder that is due: to whom, about what, and its key."""

    key: str
    process: Any  # the head of the process: id, workflow, definition_digest, phase
    definition: Definition
    item: Item
    due: date
    moment: Moment
    days: WorkingCalendar
    role: str
    name: str
    email: str


def reminded(definition: Definition, item: Item, current_phase: str, left: bool) -> bool:
    """Whether an open item is reminded of: always in a phase not done; in a phase a forced
    advance left (`left`), when it is required and the process has not reached its end, as
    the status counts it overdue until it is done or decided."""
    return not left or (item.required and not definition.phase(current_phase).final)


def _wanted_for_process(conn: Connection, process: Any, states: list[tuple[str, date, bool]],
                        people: _People, today: date, wanted: list[_Wanted],
                        report: QueueReport) -> None:
    definition = read_definition(conn, process.definition_digest)
    policy = definition.reminders
    for item_id, due, left in states:
        item = definition.items[item_id]
        if not reminded(definition, item, process.phase, left):
            continue
        days = definition.calendar_for(item.municipality).working
        for track, moment in latest_moments(due, policy, days, today).items():
            # An escalation goes to the policy's role for the item's gemeente, and to nobody
            # in its stead: the coordinator had the reminders already.
            holders = (people.of(process.id, policy.escalate_to,
                                 item_municipality(definition, item))
                       if track == "escalate" else people.of_item(process.id, definition, item))
            if not holders.people:
                report.unassigned.add(f"{process.id}/{item.id} ({holders.asked or _('no role')})")
                continue
            for person in holders.people:
                key = dedupe_key(process.id, item.id, moment.kind, moment.step, due,
                                 person.email)
                wanted.append(_Wanted(key, process, definition, item, due, moment, days,
                                      holders.role, person.name, person.email))


def _queue_wanted(conn: Connection, store: Store, wanted: list[_Wanted], people: _People,
                  meetings: _Meetings, now: datetime, sender: str,
                  report: QueueReport) -> None:
    """Render and insert the wanted reminders that are not in the outbox yet."""
    today = now.date()
    # Only what is not in the outbox yet is rendered: a tick that finds everything queued
    # already costs a query, not a template per reminder.
    outbox = tables.outbox
    known = {key for chunk in _chunks([w.key for w in wanted])
             for key in conn.scalars(select(outbox.c.dedupe_key)
                                     .where(outbox.c.dedupe_key.in_(chunk)))}
    rows, labels = [], {}
    broken: set[str] = set()
    for w in wanted:
        if w.key in known or w.key in labels or w.process.id in broken:
            continue
        try:
            context = _item_context(w, people, meetings, today, now)
            rows.append(_row(sender, w.key, w.process.id, w.moment, w.item.id, w.due, w.name,
                             w.email, context, now))
        except Exception as exc:  # noqa: BLE001 - e.g. a user template that fails here
            broken.add(w.process.id)
            report.fail(w.process.id, exc)
            continue
        labels[w.key] = (f"{w.moment.kind} {w.process.id}/{w.item.id} → {w.email}",
                         w.moment.day < today)
    inserted = set()
    for start in range(0, len(rows), CHUNK):
        inserted |= _insert(conn, store, rows[start:start + CHUNK])
    for key in [k for k in labels if k in inserted]:
        report.queued.append(labels[key][0])
        report.late += labels[key][1]


def _item_context(wanted: _Wanted, people: _People, meetings: _Meetings, today: date,
                  now: datetime) -> dict[str, Any]:
    """What a reminder says, for its reader: the coordinator is told the command that records
    it; everyone else whom to tell (and a reply reaches the coordinator)."""
    process, definition, item, due = (wanted.process, wanted.definition, wanted.item,
                                      wanted.due)
    moment, days, name, role = wanted.moment, wanted.days, wanted.name, wanted.role
    phase = definition.phase(item.phase)
    holders = people.of_item(process.id, definition, item).said("nl")
    coordinators = people.of(process.id, "coordinator",
                             item_municipality(definition, item)).people
    for_coordinator = role == "coordinator" or wanted.email.lower() in {
        c.email.lower() for c in coordinators}
    coordinator = ({"name": one_line(coordinators[0].name), "email": coordinators[0].email}
                   if coordinators else None)
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
    # A deadline still ahead goes into the agenda; a passed one does not.
    ahead = moment.kind in ("upcoming", "due")
    return {
        "subject": f"{subject} ({one_line(definition.title)})",
        "recipient_name": one_line(name),
        "recipient_role": definition.roles.get(role, role),
        "kind": moment.kind,
        "late": moment.day < today,
        "moment": moment.day,
        "working_days": working_days,
        "holders": holders,
        "for_coordinator": for_coordinator,
        "coordinator": coordinator,
        "reply_to": (None if for_coordinator or coordinator is None
                     else formataddr((coordinator["name"], coordinator["email"]), "utf-8")),
        "command": command,
        "meeting": meetings.of(process.id, definition, item, due),
        "process": {"id": process.id, "title": definition.title, "workflow": process.workflow},
        "item": {"id": item.id, "kind_nl": KIND_NL[item.kind], "title": item.title,
                 "body": item.body, "phase_title": phase.title, "due": due, "blocks": blocks},
        "ics": _ics(process.id, item, definition.title, due, now) if ahead else None,
    }


class _Meetings:
    """The meetings of the processes with decisions to remind of, read in one query a chunk;
    a decision's reminder names its meeting and when the papers are due."""

    def __init__(self, conn: Connection, process_ids: list[str]) -> None:
        own: dict[str, list[Meeting]] = defaultdict(list)
        meetings = tables.meetings
        for chunk in _chunks(process_ids):
            for row in conn.execute(select(meetings.c.process_id, meetings.c.body,
                                           meetings.c.date, meetings.c.papers_due)
                                    .where(meetings.c.process_id.in_(chunk))):
                own[row.process_id].append(Meeting(row.body, row.date, row.papers_due))
        shared = ([Meeting(m.body, m.date, m.papers_due, shared=True)
                   for m in read_shared(conn, ["shared_meetings"])["shared_meetings"]]
                  if process_ids else [])
        # The rule of `store.rows.meetings_of`: a process's own, then the shared it lacks.
        self.known: dict[str, tuple[Meeting, ...]] = {
            pid: merge_meetings(own.get(pid, ()), shared) for pid in process_ids}

    def of(self, process_id: str, definition: Definition, item: Item,
           due: date) -> dict[str, Any] | None:
        """The meeting a decision is planned on (the last of its body by its deadline)."""
        if item.kind != "decision" or not item.body:
            return None
        meeting = last_meeting_by(self.known.get(process_id, ()), item.body, due)
        if meeting is None:
            return None
        return {"body": meeting.body, "date": meeting.date,
                "papers_due": papers_due(definition, meeting)}


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
    from ..documents.rendering import render

    template = moment.kind if moment.kind in ("digest", "clock") else "reminder"
    stamp = to_utc_naive(now)
    return {
        "dedupe_key": key, "process_id": process_id, "kind": moment.kind, "item": item,
        "due": due, "moment": moment.day, "recipient": email, "recipient_name": one_line(name),
        "subject": one_line(context["subject"]),
        "body_text": render(f"mail/{template}.txt.j2", context),
        "body_html": render(f"mail/{template}.html.j2", context),
        "ics": context.get("ics"), "reply_to": context.get("reply_to"),
        "message_id": message_id(key, store_sender),
        "status": "queued", "attempts": 0, "next_attempt_at": stamp, "queued_at": stamp,
    }


def _insert(conn: Connection, store: Store, rows: list[dict[str, Any]]) -> set[str]:
    """Insert outbox rows whose keys are not there yet; the keys that went in."""
    if not rows:
        return set()
    if store.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    # RETURNING names the rows that went in (a conflicting one returns nothing); rowcount is
    # not reliable across drivers.
    outbox = tables.outbox
    statement = (insert(outbox).on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(outbox.c.dedupe_key))
    return set(conn.scalars(statement, rows).all())


# --------------------------------------------------------------------------- digest


# A digest that is late is sent only when the next regular one is further off than this:
# a scheduler first started on Monday at 07:59 does not send last week's and then this week's.
CATCH_UP_BEFORE_NEXT = timedelta(days=1)


def _queue_digests(conn: Connection, store: Store, now: datetime, sender: str,
                   report: QueueReport) -> None:
    """At most one weekly digest per process and holder: the week's, at Monday 08:00, or a
    catch-up later in the week when it was really missed."""
    week, monday = digest_week(now)
    next_regular = datetime.combine(monday + timedelta(days=7), DIGEST_TIME, tzinfo=AMSTERDAM)
    if monday < now.date() and next_regular - now < CATCH_UP_BEFORE_NEXT:
        return
    processes = tables.processes
    ids = list(conn.scalars(select(processes.c.id).where(
        (processes.c.digest_week.is_(None)) | (processes.c.digest_week < week))))
    if not ids:
        return
    people = _People(conn, ids)
    rows, done = [], []
    # Only an adopted plan's clock is read and planned here: a few processes, not all.
    adopted = set(adopted_processes(conn))
    for process in read_processes(conn, ids, parts={"phases", "items"}):
        definition = read_definition(conn, process.definition_digest)
        role = definition.reminders.digest_to
        # A completed process has a digest only while its four-year clock warns.
        clock = (digest_clock(conn, process.id, definition, now.date())
                 if role and process.id in adopted else [])
        if role is None or (definition.phase(process.phase).final and not clock):
            done.append(process.id)
            continue
        holders = [(p.name, p.email) for p in people.of(process.id, role).people]
        if not holders:
            report.unassigned.add(f"{process.id}/digest ({role})")
            done.append(process.id)
            continue
        try:
            context = _digest_context(conn, process, definition, people, now, week, monday)
            context["clock"] = clock
            mails = [_row(sender, dedupe_key(process.id, "digest", "digest", 1, monday, email),
                          process.id, Moment("digest", 1, monday), None, monday, name, email,
                          {**context, "recipient_name": one_line(name)}, now)
                     for name, email in holders]
        except Exception as exc:  # noqa: BLE001 - one process's digest must not stop others
            report.fail(process.id, exc)
            continue
        rows += mails
        done.append(process.id)
    # Only what went in (or needs none) is marked: a digest that failed is tried next tick.
    for chunk in _chunks(done):
        conn.execute(update(processes).where(processes.c.id.in_(chunk))
                     .values(digest_week=week))
    inserted = 0
    for start in range(0, len(rows), CHUNK):
        inserted += len(_insert(conn, store, rows[start:start + CHUNK]))
    report.digests += inserted
    report.late += inserted if monday < now.date() else 0


def _digest_context(conn: Connection, process: ProcessRow, definition: Definition,
                    people: _People, now: datetime, week: str, monday: date) -> dict[str, Any]:
    today = now.date()
    days = definition.calendar.working
    horizon = days.add_working_days(today, definition.reminders.digest_horizon)
    settled_phases = {p.phase for p in process.phases if p.status == "done"}
    overdue: list[dict[str, Any]] = []
    upcoming: list[dict[str, Any]] = []
    for state in process.items:
        if state.status != "open" or state.due is None:
            continue
        item = definition.items[state.item_id]
        if not reminded(definition, item, process.phase, state.phase in settled_phases):
            continue
        who = people.of_item(process.id, definition, item).said("nl")
        entry = {"due": state.due, "title": one_line(item.title), "who": who}
        if state.due < today:
            overdue.append(entry)
        elif state.due <= horizon:
            upcoming.append(entry)
    overdue.sort(key=lambda e: e["due"])
    upcoming.sort(key=lambda e: e["due"])
    week_number = int(week.rsplit("W", 1)[1])
    subject = (f"Weekoverzicht week {week_number}: {len(overdue)} verlopen, {len(upcoming)} "
               f"binnen twee weken ({one_line(definition.title)})")
    return {"subject": subject, "late": monday < today, "moment": monday,
            "week": week_number, "year": monday.isocalendar()[0],
            "process": {"id": process.id, "title": definition.title,
                        "phase_title": definition.phase(process.phase).title},
            "overdue": overdue, "upcoming": upcoming,
            "undelivered": [_undelivered_entry(m) for m in undelivered(conn, [process.id], now)],
            "draft_failures": [{"document": f.document, "error": one_line(f.error),
                                "since": f.first_failed_at}
                               for f in draft_failures(conn, [process.id])]}


def _undelivered_entry(message: Undelivered) -> dict[str, Any]:
    what = "niet verstuurd" if message.status == "failed" else "nog niet verstuurd"
    return {"id": message.id, "to": f"{one_line(message.recipient_name)} <{message.recipient}>",
            "what": what, "kind": message.kind, "item": message.item,
            "error": one_line(message.error) or None}


# --------------------------------------------------------------------------- the clock


def _queue_clock_mails(conn: Connection, store: Store, now: datetime, sender: str,
                       report: QueueReport) -> None:
    """The four-year clock's mail per warning moment and recipient, each once."""
    today = now.date()
    mails = [{**mail, "key": dedupe_key(mail["process"], "clock", mail["code"], mail["step"],
                                        mail["moment"], mail["email"])}
             for mail in clock_mails(conn, now)]
    outbox = tables.outbox
    known = {key for chunk in _chunks([m["key"] for m in mails])
             for key in conn.scalars(select(outbox.c.dedupe_key)
                                     .where(outbox.c.dedupe_key.in_(chunk)))}
    rows, labels, broken = [], {}, set()
    for mail in mails:
        if mail["key"] in known or mail["key"] in labels or mail["process"] in broken:
            continue
        try:
            rows.append(_row(sender, mail["key"], mail["process"],
                             Moment("clock", 1, mail["moment"]), None, mail["due"],
                             mail["name"], mail["email"], mail["context"], now))
        except Exception as exc:  # noqa: BLE001 - e.g. a user template that fails here
            broken.add(mail["process"])
            report.fail(mail["process"], exc)
            continue
        labels[mail["key"]] = (f"clock {mail['process']} ({mail['context']['code']}) → "
                               f"{mail['email']}", mail["moment"] < today)
    inserted = set()
    for start in range(0, len(rows), CHUNK):
        inserted |= _insert(conn, store, rows[start:start + CHUNK])
    for key in [k for k in labels if k in inserted]:
        report.queued.append(labels[key][0])
        report.clock += 1
        report.late += labels[key][1]
