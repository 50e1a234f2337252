"""A process's way through its phases: start, advance, reopen, suspend and resume."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..dates import digest_week, dutch_date, local, to_utc_naive
from ..errors import (
    AlreadyDoneError,
    BlockedError,
    InvalidValueError,
    MissingReasonError,
    OutOfOrderError,
    SuspendedError,
    TransitionError,
    UnknownPhaseError,
)
from ..i18n import _, say_date
from ..store import Store
from ..store.rows import (
    ItemRow,
    MeetingRow,
    PhaseRow,
    ProcessRow,
    SuspensionRow,
    blockers,
    open_suspension,
)
from ..store.writer import change, create
from ..text import check_text
from ..workflow.model import Definition, Phase

PROCESS_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # whole: fullmatch


@dataclass(frozen=True)
class Transition:
    """The outcome of a phase change."""

    process: str
    source: str
    dest: str
    forced: bool = False


def start_process(store: Store, definition: Definition, *, now: datetime, actor: str,
                  process_id: str | None = None, start: date | None = None) -> str:
    """Create a process from a definition at its first phase; returns its id.

    Without an id the process is named after the workflow (with '-2', '-3', … when taken).
    """
    if process_id is not None and not PROCESS_ID.fullmatch(
            check_text(_("Process id"), process_id, one_line=True)):
        raise InvalidValueError(_("Process id"), process_id, _(
            "must be letters, digits, '.', '_' or '-' (at most 100)"))
    start_date = start or definition.start or now.date()
    stamp = to_utc_naive(now)
    # A process started for an earlier (or later) date began on that day.
    began = stamp if start_date == now.date() else to_utc_naive(
        datetime.combine(start_date, time(), tzinfo=now.tzinfo))
    chosen = process_id or _free_id(store, definition.id)
    process = ProcessRow(
        id=chosen, workflow=definition.id, definition_digest=definition.digest,
        phase=definition.phase_ids[0], start_date=start_date, created_at=stamp,
        updated_at=stamp, version=1, digest_week=digest_week(now)[0],
        phases=tuple(PhaseRow(phase.id, phase.index,
                              "active" if phase.index == 0 else "pending", None,
                              began if phase.index == 0 else None, None)
                     for phase in definition.phases),
        items=tuple(ItemRow(item.id, item.kind, item.phase, position, "open", None, None, None,
                            None, None, None)
                    for position, item in enumerate(definition.items.values())),
        meetings=tuple(MeetingRow(None, m.body, m.date, m.papers_due, "definition", stamp)
                       for m in definition.meetings),
    )
    create(store, process, definition, now=now, actor=actor,
           note=f"{definition.title}; start {dutch_date(start_date)}")
    return chosen


def _free_id(store: Store, base: str) -> str:
    from ..store.reader import process_ids

    with store.transaction() as tx:
        taken = {pid for pid in process_ids(tx) if pid.startswith(base)}
    candidate, number = base[:100], 1
    while candidate in taken:
        number += 1
        candidate = f"{base[:100 - len(str(number)) - 1]}-{number}"
    return candidate


def advance(store: Store, process_id: str, *, now: datetime, actor: str, to: str | None = None,
            note: str | None = None, force: bool = False, reason: str | None = None) -> Transition:
    """Move a process to its next phase (or a later one); refused while required work is open.

    With `force` (and a reason, which is recorded together with what was overridden) the
    guard is skipped.
    """
    from ..workflow.machine import PhaseModel, fire

    note, reason = check_text(_("Note"), note), check_text("Reason", reason)
    if force and not (reason and reason.strip()):
        raise MissingReasonError("--force")
    with change(store, process_id, now=now, actor=actor) as work:
        process, definition = work.process, work.definition
        current = definition.phase(process.phase)
        _not_suspended(process, current.id)
        if current.final:
            raise TransitionError(process.id, current.id, _(
                "Process '{process_id}' is at its final phase '{phase}'; there is nothing to "
                "advance to").format(process_id=process.id, phase=current.id))
        target = _target_phase(process.id, definition, to, current.index + 1)
        if target.index <= current.index:
            raise TransitionError(process.id, current.id, _(
                "'{target}' is not after '{phase}'; use 'ivpflow reopen' to go back").format(
                target=target.id, phase=current.id))
        leaving = definition.phase_ids[current.index:target.index]
        model = PhaseModel(process.phase,
                           lambda phase: blockers(process.items, definition, phase))
        overridden = {label: ids for phase in leaving
                      for label, ids in blockers(process.items, definition, phase).items()}
        if not fire(definition, model, f"to_{target.id}", force=force, leaving=leaving):
            raise BlockedError(process.id, current.id, model.blocked)
        for state in process.phases:
            if state.phase in leaving:
                work.update("phases", state.phase, status="done",
                            started_at=state.started_at or work.stamp, completed_at=work.stamp)
            elif state.phase == target.id:
                work.update("phases", state.phase, status="active", started_at=work.stamp,
                            completed_at=None)
        work.set(phase=model.phase)
        if force:
            what = "; ".join(f"{label}: {', '.join(ids)}" for label, ids in overridden.items())
            text = (reason or "") + (f" (overridden: {what})" if what else "")
            work.record("forced", source=current.id, dest=target.id,
                        note=text + (f"; {note}" if note else ""))
        else:
            work.record("advanced", source=current.id, dest=target.id, note=note)
        return Transition(process.id, current.id, target.id, forced=force)


def _not_suspended(process: ProcessRow, phase: str) -> None:
    suspension = open_suspension(process)
    if suspension is not None:
        raise SuspendedError(process.id, phase, say_date(local(suspension.started_at).date()),
                             suspension.reason)


def reopen(store: Store, process_id: str, *, to: str, reason: str, now: datetime,
           actor: str) -> Transition:
    """Go back to an earlier phase; the later phases become pending again."""
    from ..workflow.machine import PhaseModel, fire

    reason = check_text(_("Reason"), reason)
    if not reason.strip():
        raise MissingReasonError("reopen")
    with change(store, process_id, now=now, actor=actor) as work:
        process, definition = work.process, work.definition
        current = definition.phase(process.phase)
        target = _target_phase(process.id, definition, to, None)
        if target.index >= current.index:
            raise TransitionError(process.id, current.id, _(
                "'{target}' is not before '{phase}'; reopen goes back to an earlier phase")
                .format(target=target.id, phase=current.id))
        model = PhaseModel(process.phase, lambda phase: {})
        fire(definition, model, f"reopen_{target.id}")
        for state in process.phases:
            if state.position == target.index:
                work.update("phases", state.phase, status="active", completed_at=None)
            elif state.position > target.index:
                work.update("phases", state.phase, status="pending", started_at=None,
                            completed_at=None)
        work.set(phase=model.phase)
        work.record("reopened", source=current.id, dest=target.id, note=reason)
        return Transition(process.id, current.id, target.id)


def _target_phase(process_id: str, definition: Definition, to: str | None,
                  default_index: int | None) -> Phase:
    if to is None:
        assert default_index is not None
        return definition.phases[default_index]
    if to not in definition.phase_ids:
        raise UnknownPhaseError(process_id, to, definition.phase_ids)
    return definition.phase(to)


def suspend(store: Store, process_id: str, *, reason: str, now: datetime, actor: str) -> None:
    """Stop the clock of a process: it cannot advance until it is resumed."""
    reason = check_text(_("Reason"), reason)
    if not reason.strip():
        raise MissingReasonError("suspend")
    with change(store, process_id, now=now, actor=actor) as work:
        current = open_suspension(work.process)
        if current is not None:
            raise AlreadyDoneError(_(
                "Process '{process_id}' is suspended already since {day}").format(
                process_id=work.process.id, day=say_date(local(current.started_at).date())),
                "", unchanged=False)
        work.add("suspensions", SuspensionRow(None, work.stamp, None, reason))
        work.record("suspended", note=reason)


def resume(store: Store, process_id: str, *, now: datetime, actor: str,
           note: str | None = None) -> int:
    """Resume a suspended process; returns the working days it stood still."""
    note = check_text(_("Note"), note)
    with change(store, process_id, now=now, actor=actor) as work:
        current = open_suspension(work.process)
        if current is None:
            raise InvalidValueError(_("Process"), work.process.id, _("is not suspended"))
        began = local(current.started_at)
        if now < began:
            raise OutOfOrderError(_("The resume date"), now.date(), "before", began.date(),
                                  label=_("the start of the suspension"))
        work.update("suspensions", current.id, ended_at=work.stamp)
        days = work.definition.calendar.working
        # The days from the suspension up to (not including) the day it is resumed.
        lost = days.working_days_between(began.date() - timedelta(days=1),
                                         now.date() - timedelta(days=1))
        work.record("resumed",
                    note=f"{lost} working days suspended" + (f"; {note}" if note else ""))
        return lost
