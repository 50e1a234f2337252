"""Taking back what was recorded: undo the last event, correct a decision; both as new events.

The history is never rewritten. An undo is an event of its own (`undone`) that names what it
takes back; the rows are put back as they were before that event, worked out from the event
and the events in force before it. Which events an undo took back follows from the history
alone: each undo took back the last event in force at its moment that was not passive, so
replaying the log gives the events still in force.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..dates import MONTHS_NL, dutch_date, dutch_moment, local
from ..errors import (
    CorrectionRefusedError,
    OutOfOrderError,
    UndoRefusedError,
    UnknownChoiceError,
    kind_name,
)
from ..i18n import _, say_date, say_moment
from ..store import Store
from ..store.rows import CONTENT, PEOPLE, AssignmentRow, EventRow, ItemRow, MeetingRow, ValueRow
from ..store.writer import Change, change
from ..text import check_text
from ..workflow.model import OUTCOMES, POSITIVE_OUTCOMES, Item
from .items import item_of
from .meetings import CANCELLED_IN_SCHEDULE

UNDONE = "undone"
CORRECTED = "decision-corrected"
# Records of what was rendered or sent, and changes of the store's shared calendar: they
# change nothing of the process that an undo could put back, so an undo looks past them.
# Figures fetched (`ivpflow cijfers`) are what CBS publishes: fetching again updates them.
PASSIVE = frozenset({"drafted", "mail-requeued", "figures-imported"})
# Why an event that cannot be taken back cannot, and what to do instead.


def _refused(event: str) -> str:
    """Why an event cannot be undone, in the language in use; {process} and {item} are left
    to fill in."""
    return {
        "started": _("the start of a process cannot be undone; remove the process with "
                     "'ivpflow delete {process} --yes'"),
        "upgraded": _("an upgrade cannot be undone; upgrade again with the earlier definition"),
        "priority-removed": _("a removed priority is not kept in the history; add it again "
                              "with 'ivpflow priority add {process} {item} …'"),
        "indicator-removed": _("a removed indicator is not kept in the history; add it again "
                               "with 'ivpflow indicator add {process} {item} …'"),
        "action-removed": _("a removed action is not kept in the history; add it again with "
                            "'ivpflow action add {process} {item} …'"),
    }.get(event, _("this event cannot be undone"))

# The content parts by the names their events carry: an added one is undone by removing it.
_CONTENT_PARTS = {"priority": "priorities", "indicator": "indicators", "action": "actions"}
_DECIDED_ON = re.compile(r"besluit van (\d{1,2}) ([a-z]+) (\d{4})")
_WHERE = re.compile(r"(?P<role>.+) \((?P<municipality>.+)\)")
# What a removed meeting was (process.meetings.meeting_state): its source and papers date.
_REMOVED_MEETING = re.compile(r"(?P<source>[a-z]+), (?:papers due (?P<papers>\d{4}-\d{2}-\d{2})"
                              r"|no papers date)")


@dataclass(frozen=True)
class Undone:
    """What an undo took back."""

    process: str
    event: str
    item: str | None
    at: datetime  # when the event that was taken back was recorded (Europe/Amsterdam)


@dataclass(frozen=True)
class Corrected:
    """A decision as it was recorded and as corrected."""

    item: Item
    was: str
    was_on: date
    outcome: str
    on: date


def _passive(event: EventRow) -> bool:
    return event.event in PASSIVE or (
        event.event in ("meeting", "meeting-removed") and (event.note or "").startswith("shared:"))


def in_force(events: Sequence[EventRow]) -> list[EventRow]:
    """The events of a history still in force: all but the undo events and what they took
    back, oldest first."""
    kept: list[EventRow] = []
    for event in events:
        if event.event != UNDONE:
            kept.append(event)
            continue
        for index in range(len(kept) - 1, -1, -1):
            if not _passive(kept[index]):
                del kept[index]
                break
    return kept


def undo(store: Store, process_id: str, *, now: datetime, actor: str,
         reason: str | None = None) -> Undone:
    """Take back the last event of a process that is still in force, as a new `undone`
    event; what cannot be taken back (a start, an upgrade, …) is refused by name."""
    reason = check_text(_("Reason"), reason)
    with change(store, process_id, now=now, actor=actor,
                parts=PEOPLE | CONTENT | {"schedules"}, history=True) as work:
        events = in_force(work.history)
        target = next((e for e in reversed(events) if not _passive(e)), None)
        if target is None:  # a history whose start lies before a deletion's
            raise UndoRefusedError(work.process.id, "started", _("the start"),
                                   _("nothing is left to undo"))
        when = dutch_moment(target.at)
        undoer = _UNDO.get(target.event)
        if undoer is None:
            raise UndoRefusedError(work.process.id, target.event, say_moment(target.at),
                                   _refused(target.event).format(process=work.process.id,
                                                                 item=target.item))
        earlier = events[:events.index(target)]
        try:
            remark = undoer(work, target, earlier)
        except _Changed as exc:
            raise UndoRefusedError(work.process.id, target.event, say_moment(target.at), _(
                "the process no longer is as it left it ({reason})").format(reason=exc)) \
                from None
        # Deadlines an undo moves back may meet reminders cancelled when they moved away:
        # every open item's never-sent reminders are free to be queued again.
        for row in work.process.items:
            if row.status == "open" and row.item_id not in work.rearmed:
                work.rearm_reminders(row.item_id)
        what = " ".join(part for part in (target.event, target.item) if part)
        if target.from_state or target.to_state:
            what += f" ({target.from_state or '—'} → {target.to_state or '—'})"
        work.record(UNDONE, source=target.event, item=target.item,
                    note=f"{what} of {when}" + (f" ({remark})" if remark else "")
                    + (f"; {reason}" if reason else ""))
        return Undone(work.process.id, target.event, target.item, local(target.at))


class _Changed(Exception):
    """The rows do not stand as the event to undo left them (a bug, or a hand-made edit)."""


# --------------------------------------------------------------------------- items


def _item_row(work: Change, item_id: str | None) -> ItemRow:
    try:
        return work.process.item(item_id or "")
    except KeyError:
        raise _Changed(_("it has no item '{item}'").format(item=item_id)) from None


def _reopened(work: Change, row: ItemRow, status: str) -> None:
    """Reminders follow an item's status: open again, they are armed again; settled, the
    queued ones are cancelled."""
    if row.status == "done" and status == "open":
        work.rearm_reminders(row.item_id)
    elif row.status != "done" and status == "done":
        work.cancel_reminders(row.item_id)


def _undo_done(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    row = _item_row(work, event.item)
    if row.status != "done":
        raise _Changed(_("{item} is {status}").format(item=row.item_id, status=row.status))
    work.update("items", row.item_id, status="open", completed_at=None, completed_by=None,
                note=None)
    work.rearm_reminders(row.item_id)


def _decided_on(event: EventRow) -> date:
    found = _DECIDED_ON.match(event.note or "")
    if found is None or found[2] not in MONTHS_NL:
        raise _Changed(_("the date of its decision cannot be read from '{note}'").format(
            note=event.note))
    return date(int(found[3]), MONTHS_NL.index(found[2]) + 1, int(found[1]))


def decision_state(events: Sequence[EventRow], item_id: str) -> dict[str, object]:
    """A decision's row fields as the events in force left them (open and empty before the
    first)."""
    state: dict[str, object] = {"status": "open", "outcome": None, "decided_on": None,
                                "completed_at": None, "completed_by": None, "note": None}
    for event in events:
        if event.item != item_id or event.event not in ("decided", CORRECTED):
            continue
        state.update(outcome=event.to_state, decided_on=_decided_on(event),
                     status="done" if event.to_state in POSITIVE_OUTCOMES else "open",
                     completed_at=event.at, completed_by=event.actor)
        if event.event == "decided":  # its note: "besluit van <date>[; <the decide's note>]"
            parts = (event.note or "").split("; ", 1)
            state["note"] = parts[1] if len(parts) > 1 else None
    return state


def _undo_decision(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    row = _item_row(work, event.item)
    if row.outcome != event.to_state:
        raise _Changed(_("{item} is {outcome}").format(item=row.item_id, outcome=row.outcome)
                       if row.outcome else _("{item} is not decided").format(item=row.item_id))
    state = decision_state(earlier, row.item_id)
    _reopened(work, row, str(state["status"]))
    work.update("items", row.item_id, **state)


# --------------------------------------------------------------------------- phases


def _phase_index(work: Change, phase: str | None) -> int:
    if phase not in work.definition.phase_ids:
        raise _Changed(_("it has no phase '{phase}'").format(phase=phase))
    return work.definition.phase_ids.index(phase)


def _advances(work: Change, earlier: list[EventRow]) -> list[tuple[datetime, int, int]]:
    """When each advance in force moved, from which phase index to which."""
    ids = work.definition.phase_ids
    return [(e.at, ids.index(e.from_state or ""), ids.index(e.to_state or ""))
            for e in earlier if e.event in ("advanced", "forced")
            and e.from_state in ids and e.to_state in ids]


def _undo_advance(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    source, dest = _phase_index(work, event.from_state), _phase_index(work, event.to_state)
    if work.process.phase != event.to_state:
        raise _Changed(_("it is at '{phase}'").format(phase=work.process.phase))
    for row in work.process.phases:
        if row.position == source:
            work.update("phases", row.phase, status="active", completed_at=None)
        elif source < row.position <= dest:
            work.update("phases", row.phase, status="pending", started_at=None,
                        completed_at=None)
    work.set(phase=event.from_state)


def _undo_reopen(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    current, target = _phase_index(work, event.from_state), _phase_index(work, event.to_state)
    if work.process.phase != event.to_state:
        raise _Changed(_("it is at '{phase}'").format(phase=work.process.phase))
    moves = _advances(work, earlier)
    for row in work.process.phases:
        index = row.position
        if not target <= index <= current:
            continue
        # The last advance in force that left a phase completed it; the last that reached one
        # started it (reopen keeps the start of the phase it goes back to).
        left = next((at for at, a, b in reversed(moves) if a <= index < b), None)
        reached = next((at for at, a, b in reversed(moves) if a < index <= b), None)
        started = row.started_at if index == target else reached or row.started_at
        if index == current:
            work.update("phases", row.phase, status="active", started_at=started,
                        completed_at=None)
        else:
            work.update("phases", row.phase, status="done", started_at=started,
                        completed_at=left or event.at)
    work.set(phase=event.from_state)


# --------------------------------------------------------------------------- suspensions


def _undo_suspend(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    found = next((s for s in work.process.suspensions
                  if s.started_at == event.at and s.ended_at is None), None)
    if found is None:
        raise _Changed(_("the suspension is not open"))
    work.remove("suspensions", found.id)


def _undo_resume(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    found = next((s for s in work.process.suspensions if s.ended_at == event.at), None)
    if found is None:
        raise _Changed(_("no suspension ended then"))
    work.update("suspensions", found.id, ended_at=None)


# --------------------------------------------------------------------------- meetings


def _meeting_of(note: str | None) -> tuple[str, date] | None:
    """The body and date of a meeting as its event's note names it: 'college Losser 3 juni
    2026'."""
    words = (note or "").split(" ")
    if len(words) < 4 or words[-2] not in MONTHS_NL or not (words[-3] + words[-1]).isdigit():
        return None
    day = date(int(words[-1]), MONTHS_NL.index(words[-2]) + 1, int(words[-3]))
    return " ".join(words[:-3]), day


def _undo_meeting(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    named = _meeting_of(event.note)
    if named is not None:
        added = [m for m in work.process.meetings if (m.body, m.date) == named]
    else:  # several from one file: those it added carry its moment
        added = [m for m in work.process.meetings
                 if m.created_at == event.at and m.source != "definition"]
    if not added:
        raise _Changed(_("it has no meeting {meeting}").format(meeting=event.note))
    for meeting in added:
        work.remove("meetings", meeting.id)


def _undo_meeting_removed(work: Change, event: EventRow,
                          earlier: list[EventRow]) -> str | None:
    note = event.note or ""
    scheduled = note.endswith(CANCELLED_IN_SCHEDULE)
    named = _meeting_of(note.removesuffix(CANCELLED_IN_SCHEDULE))
    if named is None:
        raise _Changed(_("no meeting can be read from '{note}'").format(note=event.note))
    body, day = named
    if any((m.body, m.date) == named for m in work.process.meetings):
        raise _Changed(_("it has a meeting {meeting}").format(meeting=event.note))
    schedule = next((s for s in work.process.schedules if s.body == body), None)
    if scheduled and schedule is not None:
        # The occurrence is the schedule's again: expanding it keeps it from now on.
        days = [d for d in schedule.exceptions.split(",") if d and d != day.isoformat()]
        work.update("schedules", body, exceptions=",".join(days))
    kept = _REMOVED_MEETING.fullmatch(event.from_state or "")
    if kept is not None:
        papers = date.fromisoformat(kept["papers"]) if kept["papers"] else None
        work.add("meetings", MeetingRow(None, body, day, papers, kept["source"], work.stamp))
        return None
    # An event recorded before removals kept the papers date: the definition's, if it is one
    # of its meetings; else the body's usual term plans it.
    listed = next((m for m in work.definition.meetings if (m.body, m.date) == named), None)
    work.add("meetings", MeetingRow(None, body, day, listed.papers_due if listed else None,
                                    "definition" if listed else "cli", work.stamp))
    if listed is None:
        return "its papers date is not in the history: planned by the body's term"
    return None


# --------------------------------------------------------------------------- people


def _role_of(where: str | None) -> tuple[str, str]:
    """A role and gemeente as the history names them: 'portefeuillehouder (Tubbergen)'."""
    found = _WHERE.fullmatch(where or "")
    return (found["role"], found["municipality"]) if found else (where or "", "")


def _holder(work: Change, event: EventRow, email: str | None) -> AssignmentRow | None:
    role, municipality = _role_of(event.item)
    wanted = (email or "").lower()
    return next((a for a in work.process.assignments if a.role == role
                 and a.municipality == municipality and a.email.lower() == wanted), None)


def _undo_assign(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    existing = _holder(work, event, event.to_state)
    if existing is None:
        raise _Changed(_("{person} does not fill {role}").format(person=event.to_state,
                                                                 role=event.item))
    key = (existing.role, existing.municipality, existing.email)
    if event.from_state is None:
        work.remove("assignments", key)
    else:  # the assignment renamed a holder: the earlier name comes back
        work.update("assignments", key, name=event.from_state)


def _undo_unassign(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    if _holder(work, event, event.from_state) is not None:
        raise _Changed(_("{person} fills {role}").format(person=event.from_state,
                                                         role=event.item))
    role, municipality = _role_of(event.item)
    name = (event.note or "").rsplit(" <", 1)[0]
    wanted = (event.from_state or "").lower()
    assigned = next((e.at for e in reversed(earlier) if e.event == "assigned"
                     and e.item == event.item and (e.to_state or "").lower() == wanted
                     and e.from_state is None), event.at)
    work.add("assignments", AssignmentRow(role, event.from_state or "", name, assigned,
                                          municipality))


# --------------------------------------------------------------------------- values


def _value_before(earlier: list[EventRow], key: str | None) -> str | None:
    last = next((e for e in reversed(earlier)
                 if e.item == key and e.event in ("value-set", "value-unset")), None)
    return last.note if last is not None and last.event == "value-set" else None


def _undo_value_set(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    stored = next((v for v in work.process.values if v.key == event.item), None)
    if stored is None or stored.value != event.note:
        raise _Changed(_("{key} is not '{value}'").format(key=event.item, value=event.note))
    before = _value_before(earlier, event.item)
    if before is None:
        work.remove("values", stored.key)
    else:
        work.update("values", stored.key, value=before)


def _undo_value_unset(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    before = _value_before(earlier, event.item)
    if before is None or any(v.key == event.item for v in work.process.values):
        raise _Changed(_("the earlier value of {key} is not known").format(key=event.item))
    work.add("values", ValueRow(event.item or "", before))


# --------------------------------------------------------------------------- content


def _undo_added(work: Change, event: EventRow, earlier: list[EventRow]) -> None:
    kind = event.event.removesuffix("-added")
    part = _CONTENT_PARTS[kind]
    if not any(row.id == event.item for row in getattr(work.process, part)):
        raise _Changed(_("it has no {kind} '{item}'").format(kind=kind_name(kind),
                                                             item=event.item))
    held = [row.id for name in ("indicators", "actions") if kind == "priority"
            for row in getattr(work.process, name) if row.priority_id == event.item]
    if held:
        raise _Changed(_("{items} still belong to priority '{priority}'").format(
            items=", ".join(held), priority=event.item))
    work.remove(part, event.item)


_UNDO: dict[str, Callable[[Change, EventRow, list[EventRow]], str | None]] = {
    "done": _undo_done,
    "decided": _undo_decision,
    CORRECTED: _undo_decision,
    "advanced": _undo_advance,
    "forced": _undo_advance,
    "reopened": _undo_reopen,
    "suspended": _undo_suspend,
    "resumed": _undo_resume,
    "meeting": _undo_meeting,
    "meeting-removed": _undo_meeting_removed,
    "assigned": _undo_assign,
    "unassigned": _undo_unassign,
    "value-set": _undo_value_set,
    "value-unset": _undo_value_unset,
    **{f"{kind}-added": _undo_added for kind in _CONTENT_PARTS},
}
UNDOABLE = frozenset(_UNDO)


# --------------------------------------------------------------------------- decide --correct


def correct_decision(store: Store, process_id: str, decision_id: str, *, outcome: str,
                     now: datetime, actor: str, on: date | None = None,
                     reason: str | None = None) -> Corrected:
    """Change the recorded outcome and/or date of a decision, as a `decision-corrected`
    event; a positive outcome corrected to a negative one opens the decision again."""
    reason = check_text(_("Reason"), reason)
    if outcome not in OUTCOMES:
        raise UnknownChoiceError("outcome", outcome, OUTCOMES)
    if on is not None and on > now.date():
        raise OutOfOrderError(_("Decision date"), on, "after", now.date(), label=_("today"),
                              note=_("a decision is recorded once taken"))
    with change(store, process_id, now=now, actor=actor) as work:
        item, row = item_of(work, decision_id, "decision")
        subject = _("decision '{decision}' of '{process_id}'").format(
            decision=decision_id, process_id=work.process.id)
        if row.outcome is None or row.decided_on is None:
            raise CorrectionRefusedError(subject, _(
                "no outcome is recorded yet; record it with 'ivpflow decide {process_id} "
                "{decision} --outcome …'").format(process_id=work.process.id,
                                                 decision=decision_id))
        day = on or row.decided_on
        if (outcome, day) == (row.outcome, row.decided_on):
            raise CorrectionRefusedError(subject, _(
                "it is recorded as {outcome} on {day} already").format(outcome=outcome,
                                                                      day=say_date(day)))
        status = "done" if outcome in POSITIVE_OUTCOMES else "open"
        _reopened(work, row, status)
        work.update("items", decision_id, outcome=outcome, decided_on=day, status=status,
                    completed_at=work.stamp, completed_by=actor)
        # The note starts as a decision's does, so the date can be read back (decision_state).
        text = f"besluit van {dutch_date(day)}"
        if day != row.decided_on:
            text += f" (was {dutch_date(row.decided_on)})"
        work.record(CORRECTED, source=row.outcome, dest=outcome, item=decision_id,
                    note=text + (f"; {reason}" if reason else ""))
        return Corrected(item, row.outcome, row.decided_on, outcome, day)
