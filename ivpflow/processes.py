"""What a coordinator does to a process: start, advance, reopen, complete, decide, assign."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .dates import dutch_date, local, to_utc_naive
from .errors import (
    AlreadyDoneError,
    BlockedError,
    ConflictError,
    InvalidValueError,
    ProcessExistsError,
    SuspendedError,
    TransitionError,
    UnknownItemError,
    UnknownPhaseError,
    UnknownProcessError,
)
from .planning.deadlines import plan_deadlines
from .records import (
    ProcessRow,
    blockers,
    facts_of,
    open_suspension,
    process_ids,
    read_definition,
    read_process,
    row_of,
    which_process,
)
from .store import Store, tables
from .store.models import (
    Assignment,
    DefinitionRecord,
    Event,
    ItemState,
    MeetingRecord,
    OutboxMessage,
    PhaseState,
    Process,
    Suspension,
)
from .workflow.loader import compile_definition
from .workflow.machine import PhaseModel, fire
from .workflow.model import OUTCOMES, POSITIVE_OUTCOMES, Definition, Item, Meeting, Phase

_PROCESS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
DIGEST_TIME = time(8, 0)  # the weekly digest goes out on Monday at 08:00


@dataclass(frozen=True)
class Transition:
    """The outcome of a phase change."""

    process: str
    source: str
    dest: str
    forced: bool = False


# --------------------------------------------------------------------------- loading


def definition_of(session: Session, process: Process) -> Definition:
    """The definition a process was started from, as stored with it (parsed once per run)."""
    return read_definition(session.connection(), process.definition_digest)


def load_process(session: Session, process_id: str | None) -> Process:
    """The process with this id, or the only one when no id is given."""
    process_id = which_process(session.connection(), process_id)
    process = session.get(Process, process_id)
    if process is None:
        raise UnknownProcessError(process_id, process_ids(session.connection()))
    return process


def _item(process: Process, definition: Definition, item_id: str, *kinds: str) -> ItemState:
    item = definition.items.get(item_id)
    if item is None or item.kind not in kinds:
        if item is not None and item.kind == "decision":
            raise InvalidValueError(f"'{item_id}' is a decision; record it with "
                                    f"'ivpflow decide {process.id} {item_id} --outcome …'")
        if item is not None:
            raise InvalidValueError(f"'{item_id}' is a {item.kind}, not a decision")
        label = "/".join(kinds)
        available = [i.id for i in definition.items.values() if i.kind in kinds]
        raise UnknownItemError(process.id, label, item_id, available)
    for state in process.items:
        if state.item_id == item_id:
            return state
    raise AssertionError(f"item {item_id} of {process.id} has no row")


def _phase_states(process: Process) -> dict[str, PhaseState]:
    return {state.phase: state for state in process.phases}


def _event(process_id: str, now: datetime, actor: str, event: str, *,
           source: str | None = None, dest: str | None = None, item: str | None = None,
           note: str | None = None) -> dict[str, Any]:
    return {"process_id": process_id, "at": to_utc_naive(now), "actor": actor, "event": event,
            "from_state": source, "to_state": dest, "item": item, "note": note}


def _record(session: Session, process: Process, now: datetime, actor: str, event: str,
            **details: str | None) -> None:
    session.add(Event(**_event(process.id, now, actor, event, **details)))


def cancel_for_item(session: Session, process_id: str, item_id: str) -> None:
    """Cancel the queued reminders of an item settled in this same transaction."""
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.process_id == process_id,
                           OutboxMessage.item == item_id, OutboxMessage.status == "queued")
                    .values(status="cancelled", error="item settled"))


def digest_week(now: datetime) -> tuple[str, date]:
    """The ISO week whose weekly digest is due at `now` (Monday 08:00), and its Monday."""
    monday = now.date() - timedelta(days=now.weekday())
    if now.weekday() == 0 and now.time() < DIGEST_TIME:
        monday -= timedelta(days=7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday


def _touch(process: Process, now: datetime) -> None:
    # Every change bumps the version, so a change made from stale data is a conflict.
    process.updated_at = to_utc_naive(now)
    process.version += 1


def refresh_deadlines(process: Process, definition: Definition, today: date) -> None:
    """Recompute and store every due date: definition, real phase starts and meetings."""
    planned = plan_deadlines(definition, facts_of(row_of(process), today))
    for phase_state in process.phases:
        phase_state.due = planned.phase_due.get(phase_state.phase)
    for item_state in process.items:
        item_state.due = planned.item_due.get(item_state.item_id)


# --------------------------------------------------------------------------- actions


def start_process(store: Store, definition: Definition, *, now: datetime, actor: str,
                  process_id: str | None = None, start: date | None = None) -> str:
    """Create a process from a definition at its first phase; returns its id."""
    if process_id is not None and not _PROCESS_ID.match(process_id):
        raise InvalidValueError(f"Process id '{process_id}' must be letters, digits, '.', '_' "
                                "or '-' (at most 100)")
    start_date = start or definition.start or now.date()
    with store.transaction(process_id or definition.id) as session:
        if session.get(DefinitionRecord, definition.digest) is None:
            session.add(DefinitionRecord(digest=definition.digest, workflow=definition.id,
                                         path=definition.path, source=definition.source,
                                         compiled=compile_definition(definition),
                                         stored_at=to_utc_naive(now)))
        if process_id is None:
            process_id = _free_id(session, definition.id)
        elif session.get(Process, process_id) is not None:
            raise ProcessExistsError(process_id)
        stamp = to_utc_naive(now)
        # A process started for an earlier (or later) date began on that day.
        began = stamp if start_date == now.date() else to_utc_naive(
            datetime.combine(start_date, time(), tzinfo=now.tzinfo))
        process = Process(id=process_id, workflow=definition.id,
                          definition_digest=definition.digest, phase=definition.phase_ids[0],
                          start_date=start_date, created_at=stamp, updated_at=stamp,
                          version=1, digest_week=digest_week(now)[0])
        process.phases = [
            PhaseState(phase=phase.id, position=phase.index,
                       status="active" if phase.index == 0 else "pending",
                       started_at=began if phase.index == 0 else None)
            for phase in definition.phases
        ]
        process.items = [
            ItemState(item_id=item.id, kind=item.kind, phase=item.phase, position=position,
                      status="open")
            for position, item in enumerate(definition.items.values())
        ]
        process.meetings = [
            MeetingRecord(body=m.body, date=m.date, papers_due=m.papers_due, source="definition",
                          created_at=stamp)
            for m in definition.meetings
        ]
        refresh_deadlines(process, definition, now.date())
        session.add(process)
        _record(session, process, now, actor, "started", dest=process.phase,
                note=f"{definition.title}; start {dutch_date(start_date)}")
        try:
            session.flush()
        except IntegrityError:
            raise ProcessExistsError(process_id) from None
    return process_id


def _free_id(session: Session, base: str) -> str:
    taken = set(session.scalars(select(Process.id).where(Process.id.startswith(base))))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def advance(store: Store, process_id: str, *, now: datetime, actor: str, to: str | None = None,
            note: str | None = None, force: bool = False, reason: str | None = None) -> Transition:
    """Move a process to its next phase (or a later one); refused while required work is open.

    With `force` (and a reason, which is recorded together with what was overridden) the
    guard is skipped. The busiest change there is, so it reads the process whole in one
    query per table and writes only the rows that change (SQLAlchemy Core, no ORM).
    """
    if force and not (reason and reason.strip()):
        raise InvalidValueError("--force needs --reason TEXT: the reason is recorded")
    with store.connect(process_id) as conn:
        process = read_process(conn, process_id, people=False)
        definition = read_definition(conn, process.definition_digest)
        current = definition.phase(process.phase)
        suspension = open_suspension(process)
        if suspension is not None:
            raise SuspendedError(
                f"Process '{process_id}' is suspended since "
                f"{dutch_date(local(suspension.started_at).date())} ({suspension.reason}); "
                f"resume it first with 'ivpflow resume {process_id}'")
        if current.final:
            raise TransitionError(f"Process '{process_id}' is at its final phase "
                                  f"'{current.id}'; there is nothing to advance to")
        target = _target_phase(process_id, definition, to, current.index + 1)
        if target.index <= current.index:
            raise TransitionError(f"'{target.id}' is not after '{current.id}'; use 'ivpflow "
                                  "reopen' to go back")
        leaving = definition.phase_ids[current.index:target.index]
        model = PhaseModel(process.phase,
                           lambda phase: blockers(process.items, definition, phase))
        overridden = {label: ids for phase in leaving
                      for label, ids in blockers(process.items, definition, phase).items()}
        if not fire(definition, model, f"to_{target.id}", force=force, leaving=leaving):
            raise BlockedError(process_id, current.id, model.blocked)
        stamp = to_utc_naive(now)
        phases = []
        for state in process.phases:
            if state.phase in leaving:
                state = state._replace(status="done", started_at=state.started_at or stamp,
                                       completed_at=stamp)
            elif state.phase == target.id:
                state = state._replace(status="active", started_at=stamp, completed_at=None)
            phases.append(state)
        _save(conn, process, process._replace(phase=model.phase, phases=tuple(phases)),
              definition, now)
        if force:
            what = "; ".join(f"{label}: {', '.join(ids)}" for label, ids in overridden.items())
            text = (reason or "") + (f" (overridden: {what})" if what else "")
            event = _event(process_id, now, actor, "forced", source=current.id, dest=target.id,
                           note=text + (f"; {note}" if note else ""))
        else:
            event = _event(process_id, now, actor, "advanced", source=current.id,
                           dest=target.id, note=note)
        conn.execute(_RECORD, event)
        return Transition(process_id, current.id, target.id, forced=force)


_RECORD = insert(tables.events)
_SAVE_PROCESS = (
    update(tables.processes)
    .where(tables.processes.c.id == bindparam("pid"),
           tables.processes.c.version == bindparam("was"))
    .values(phase=bindparam("phase"), updated_at=bindparam("updated_at"),
            version=bindparam("version"))
)
_SAVE_PHASE = (
    update(tables.phase_states)
    .where(tables.phase_states.c.process_id == bindparam("pid"),
           tables.phase_states.c.phase == bindparam("key"))
    .values(status=bindparam("status"), due=bindparam("due"),
            started_at=bindparam("started_at"), completed_at=bindparam("completed_at"))
)
_SAVE_DUE = (
    update(tables.items)
    .where(tables.items.c.process_id == bindparam("pid"),
           tables.items.c.item_id == bindparam("key"))
    .values(due=bindparam("due"))
)


def _save(conn: Connection, before: ProcessRow, after: ProcessRow, definition: Definition,
          now: datetime) -> None:
    """Store a changed phase and phase rows of a process with fresh deadlines.

    The version in the WHERE clause makes a change made from stale data a ConflictError,
    as the ORM's version counter does for the other changes.
    """
    done = conn.execute(_SAVE_PROCESS, {"pid": before.id, "was": before.version,
                                        "phase": after.phase, "updated_at": to_utc_naive(now),
                                        "version": before.version + 1})
    if done.rowcount != 1:
        raise ConflictError(before.id)
    planned = plan_deadlines(definition, facts_of(after, now.date()))
    was = {state.phase: state for state in before.phases}
    phases = [{"pid": before.id, "key": state.phase, "status": state.status,
               "due": planned.phase_due.get(state.phase), "started_at": state.started_at,
               "completed_at": state.completed_at}
              for state in after.phases
              if state._replace(due=planned.phase_due.get(state.phase)) != was[state.phase]]
    items = [{"pid": before.id, "key": state.item_id, "due": planned.item_due.get(state.item_id)}
             for state in after.items if planned.item_due.get(state.item_id) != state.due]
    if phases:
        conn.execute(_SAVE_PHASE, phases)
    if items:
        conn.execute(_SAVE_DUE, items)


def reopen(store: Store, process_id: str, *, to: str, reason: str, now: datetime,
           actor: str) -> Transition:
    """Go back to an earlier phase; the later phases become pending again."""
    if not reason.strip():
        raise InvalidValueError("reopen needs --reason TEXT: the reason is recorded")
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        current = definition.phase(process.phase)
        target = _target_phase(process_id, definition, to, None)
        if target.index >= current.index:
            raise TransitionError(f"'{target.id}' is not before '{current.id}'; reopen goes back "
                                  "to an earlier phase")
        model = PhaseModel(process.phase, lambda phase: {})
        fire(definition, model, f"reopen_{target.id}")
        for state in process.phases:
            if state.position == target.index:
                state.status, state.completed_at = "active", None
            elif state.position > target.index:
                state.status, state.started_at, state.completed_at = "pending", None, None
        process.phase = model.phase
        _touch(process, now)
        refresh_deadlines(process, definition, now.date())
        _record(session, process, now, actor, "reopened", source=current.id, dest=target.id,
                note=reason)
        return Transition(process_id, current.id, target.id)


def _target_phase(process_id: str, definition: Definition, to: str | None,
                  default_index: int | None) -> Phase:
    if to is None:
        assert default_index is not None
        return definition.phases[default_index]
    if to not in definition.phase_ids:
        raise UnknownPhaseError(process_id, to, definition.phase_ids)
    return definition.phase(to)


def complete(store: Store, process_id: str, item_id: str, *, now: datetime, actor: str,
             note: str | None = None) -> Item:
    """Mark a task (or a document) done; doing it twice is refused, nothing is overwritten."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        state = _item(process, definition, item_id, "task", "document")
        item = definition.items[item_id]
        if state.status == "done":
            raise AlreadyDoneError(
                f"{item.kind.capitalize()} '{item_id}' of '{process_id}' was done on "
                f"{dutch_date(local(state.completed_at).date() if state.completed_at else None)}"
                f" by {state.completed_by}; nothing changed"
            )
        state.status = "done"
        state.completed_at = to_utc_naive(now)
        state.completed_by = actor
        state.note = note
        _touch(process, now)
        cancel_for_item(session, process_id, item_id)
        _record(session, process, now, actor, "done", source="open", dest="done", item=item_id,
                note=note)
        return item


def decide(store: Store, process_id: str, decision_id: str, *, outcome: str, now: datetime,
           actor: str, on: date | None = None, note: str | None = None) -> Item:
    """Record the outcome of a decision; a positive one settles it for good."""
    if outcome not in OUTCOMES:
        raise InvalidValueError(f"Unknown outcome '{outcome}'; outcomes: {', '.join(OUTCOMES)}")
    on = on or now.date()
    if on > now.date():
        raise InvalidValueError(f"Decision date {on.isoformat()} lies after today "
                                f"({now.date().isoformat()}); a decision is recorded once taken")
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        state = _item(process, definition, decision_id, "decision")
        if state.outcome in POSITIVE_OUTCOMES:
            raise AlreadyDoneError(
                f"Decision '{decision_id}' of '{process_id}' was recorded as {state.outcome} on "
                f"{dutch_date(state.decided_on)}; nothing changed"
            )
        previous = state.outcome
        state.outcome = outcome
        state.decided_on = on
        state.status = "done" if outcome in POSITIVE_OUTCOMES else "open"
        state.completed_at = to_utc_naive(now)
        state.completed_by = actor
        state.note = note
        _touch(process, now)
        if state.status == "done":
            cancel_for_item(session, process_id, decision_id)
        text = f"besluit van {dutch_date(on)}" + (f"; {note}" if note else "")
        _record(session, process, now, actor, "decided", source=previous, dest=outcome,
                item=decision_id, note=text)
        return definition.items[decision_id]


def assign(store: Store, process_id: str, role: str, *, name: str, email: str, now: datetime,
           actor: str) -> None:
    """Record who fills a role of the workflow in a process (reminders will go to them)."""
    name, email = name.strip(), email.strip()
    if not name or any(ch in name for ch in "\r\n\t<>\"") or len(name) > 200:
        raise InvalidValueError(f"Name '{name}' must be one line without <, > or quotes")
    if not _EMAIL.match(email) or len(email) > 320:
        raise InvalidValueError(f"'{email}' is not an e-mail address")
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        if role not in definition.roles:
            raise UnknownItemError(process_id, "role", role, definition.roles)
        existing = next((a for a in process.assignments
                         if a.role == role and a.email.lower() == email.lower()), None)
        if existing is not None and existing.name == name:
            raise AlreadyDoneError(f"{name} <{email}> already fills role '{role}' of "
                                   f"'{process_id}'; nothing changed")
        previous = None
        if existing is None:
            process.assignments.append(Assignment(role=role, email=email, name=name,
                                                  assigned_at=to_utc_naive(now)))
        else:
            previous, existing.name = existing.name, name
        _touch(process, now)
        _record(session, process, now, actor, "assigned", source=previous, dest=email,
                item=role, note=f"{name} <{email}>")


def unassign(store: Store, process_id: str, role: str, *, email: str, now: datetime,
             actor: str) -> None:
    """Remove a person from a role of a process."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        existing = next((a for a in process.assignments
                         if a.role == role and a.email.lower() == email.strip().lower()), None)
        if existing is None:
            holders = [a.email for a in process.assignments if a.role == role]
            raise InvalidValueError(f"Nobody with e-mail '{email}' fills role '{role}' of "
                                    f"'{process_id}'; holders: {', '.join(holders) or 'none'}")
        process.assignments.remove(existing)
        _touch(process, now)
        _record(session, process, now, actor, "unassigned", source=existing.email, item=role,
                note=f"{existing.name} <{existing.email}>")


# --------------------------------------------------------------------------- suspension


def _current_suspension(process: Process) -> Suspension | None:
    """The suspension (ORM object) a process is in now, if any."""
    return next((s for s in process.suspensions if s.ended_at is None), None)


def suspend(store: Store, process_id: str, *, reason: str, now: datetime, actor: str) -> None:
    """Stop the clock of a process: it cannot advance until it is resumed."""
    if not reason.strip():
        raise InvalidValueError("suspend needs --reason TEXT: the reason is recorded")
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        current = _current_suspension(process)
        if current is not None:
            raise AlreadyDoneError(f"Process '{process_id}' is suspended already since "
                                   f"{dutch_date(local(current.started_at).date())}")
        process.suspensions.append(Suspension(started_at=to_utc_naive(now), reason=reason))
        _touch(process, now)
        _record(session, process, now, actor, "suspended", note=reason)


def resume(store: Store, process_id: str, *, now: datetime, actor: str,
           note: str | None = None) -> int:
    """Resume a suspended process; returns the working days it stood still."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        current = _current_suspension(process)
        if current is None:
            raise InvalidValueError(f"Process '{process_id}' is not suspended")
        began = local(current.started_at)
        if now < began:
            raise InvalidValueError(f"Cannot resume at {now.date()} before the suspension "
                                    f"began ({began.date()})")
        current.ended_at = to_utc_naive(now)
        _touch(process, now)
        days = definition.calendar.working
        # The days from the suspension up to (not including) the day it is resumed.
        lost = days.working_days_between(began.date() - timedelta(days=1),
                                         now.date() - timedelta(days=1))
        _record(session, process, now, actor, "resumed",
                note=f"{lost} working days suspended" + (f"; {note}" if note else ""))
        return lost


# --------------------------------------------------------------------------- meetings


def add_meetings(store: Store, process_id: str, meetings: list[Meeting], *, now: datetime,
                 actor: str, source: str = "cli") -> int:
    """Add meetings of decision bodies to a process; refused whole if one is wrong."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        known = {(m.body, m.date) for m in process.meetings}
        for meeting in meetings:
            if meeting.body not in definition.bodies:
                raise InvalidValueError(f"'{meeting.body}' decides nothing in '{process_id}'; "
                                        f"bodies: {', '.join(definition.bodies)}")
            if (meeting.body, meeting.date) in known:
                raise AlreadyDoneError(f"A meeting of {meeting.body} on "
                                       f"{dutch_date(meeting.date)} is known already; nothing "
                                       "changed")
            if meeting.papers_due is not None and meeting.papers_due > meeting.date:
                raise InvalidValueError(f"Papers due {meeting.papers_due} lies after the "
                                        f"meeting on {meeting.date}")
            known.add((meeting.body, meeting.date))
            process.meetings.append(MeetingRecord(
                body=meeting.body, date=meeting.date, papers_due=meeting.papers_due,
                source=source, created_at=to_utc_naive(now)))
        _touch(process, now)
        refresh_deadlines(process, definition, now.date())
        note = (f"{meetings[0].body} {dutch_date(meetings[0].date)}" if len(meetings) == 1
                else f"{len(meetings)} meetings ({source})")
        _record(session, process, now, actor, "meeting", note=note)
        return len(meetings)


def remove_meeting(store: Store, process_id: str, body: str, day: date, *, now: datetime,
                   actor: str) -> None:
    """Remove a meeting that will not take place."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        found = next((m for m in process.meetings if m.body == body and m.date == day), None)
        if found is None:
            raise InvalidValueError(f"No meeting of {body} on {dutch_date(day)} is known for "
                                    f"'{process_id}'")
        process.meetings.remove(found)
        _touch(process, now)
        refresh_deadlines(process, definition, now.date())
        _record(session, process, now, actor, "meeting-removed",
                note=f"{body} {dutch_date(day)}")
