"""The meetings of a process's decision bodies, entered by hand or from a file.

A meeting on a day its body cannot meet (a weekend, feestdag or closing day of its gemeente, a
council recess, outside the days the process plans on) is refused unless forced, and a forced
one says so in the history. Importing a file again adds what is new, updates what changed and
leaves the rest: the griffie's calendar is kept up to date by importing its newest export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..dates import dutch_date
from ..errors import (
    AlreadyDoneError,
    InvalidValueError,
    MeetingDayError,
    OutOfOrderError,
    UnknownChoiceError,
    UnknownItemError,
    listing,
)
from ..i18n import _, say_date
from ..planning.deadlines import COUNCIL_BODIES
from ..store import Store
from ..store.rows import MeetingRow, ProcessRow
from ..store.writer import Change, change
from ..text import check_text
from ..workflow.meeting_files import MeetingsFile, resolve_bodies
from ..workflow.model import Definition, LocalCalendar, Meeting

SOURCES = ("definition", "cli", "file", "schedule")
# A forced meeting's history note names this many of them, then counts the rest.
_NOTED = 3


@dataclass(frozen=True)
class Imported:
    """What an import did: meetings added, updated (papers due changed), unchanged, and the
    calendar entries that name no decision body of the process (left out)."""

    added: int
    updated: int
    unchanged: int
    skipped: tuple[str, ...] = ()


def meeting_span(process: ProcessRow, today: date) -> tuple[date, date]:
    """The days a process plans on meetings: from its start to the end of the year after its
    last deadline (or today, when that is later), so that a plan that slips still finds its
    meetings while a year typed wrong does not."""
    dues = [p.due for p in process.phases if p.due] + [i.due for i in process.items if i.due]
    last = max([*dues, today, process.start_date])
    return process.start_date, date(last.year + 1, 12, 31)


def calendar_of(definition: Definition, body: str) -> LocalCalendar:
    """The calendar of the gemeente a body belongs to ('gemeenteraad Losser'), or the
    process's own."""
    municipality = next((m for m in definition.municipalities if body.endswith(" " + m)), None)
    return definition.calendar_for(municipality)


def why_not_on(definition: Definition, span: tuple[date, date], body: str,
               day: date, *, recorded: bool = False) -> str | None:
    """Why a body cannot meet on a day, or None when it can: in the language of the command
    line, or (`recorded`) the one way the history keeps it."""
    local = calendar_of(definition, body)
    closed = local.working.why_closed(day)
    if closed is not None:
        return (f"not a working day ({closed})" if recorded
                else _("not a working day ({why})").format(why=closed))
    recess = local.in_recess(day) if body.startswith(COUNCIL_BODIES) else None
    if recess is not None:
        if recorded:
            return (f"councils do not meet in the {recess.why} ({dutch_date(recess.start)} to "
                    f"{dutch_date(recess.end)})")
        return _("councils do not meet in the {recess} ({first} to {last})").format(
            recess=recess.why, first=say_date(recess.start), last=say_date(recess.end))
    return outside_span(span, day, recorded=recorded)


def outside_span(span: tuple[date, date], day: date, *, recorded: bool = False) -> str | None:
    """Why a day lies outside the days a process plans on meetings, or None (in the language
    of the command line, or as the history keeps it)."""
    first, last = span
    if day < first:
        return (f"the process starts on {dutch_date(first)}" if recorded
                else _("the process starts on {day}").format(day=say_date(first)))
    if day > last:
        return (f"the process plans on meetings until {dutch_date(last)}" if recorded
                else _("the process plans on meetings until {day}").format(day=say_date(last)))
    return None


def check_day(work: Change, meeting: Meeting, *, force: bool, forced: list[str]) -> None:
    """Refuse a meeting on a day its body cannot meet, or note it among the forced ones."""
    span = meeting_span(work.process, work.now.date())
    why = why_not_on(work.definition, span, meeting.body, meeting.date)
    if why is None:
        return
    if not force:
        raise MeetingDayError(_("A meeting of {body} on {day}").format(
            body=meeting.body, day=say_date(meeting.date, weekday=True)), why)
    recorded = why_not_on(work.definition, span, meeting.body, meeting.date, recorded=True)
    forced.append(f"{meeting.body} {dutch_date(meeting.date)} ({recorded})")


def forced_note(forced: Sequence[str]) -> str:
    """The part of a history note that says which meetings were forced."""
    if not forced:
        return ""
    more = len(forced) - _NOTED
    return "; forced: " + "; ".join(forced[:_NOTED]) + (f"; and {more} more" if more > 0 else "")


def _check_meeting(process: ProcessRow, definition: Definition, meeting: Meeting) -> None:
    if meeting.body not in definition.bodies:
        raise InvalidValueError("", meeting.body, _(
            "decides nothing in '{process_id}'; bodies: {bodies}").format(
            process_id=process.id, bodies=listing(definition.bodies)))
    if meeting.papers_due is not None and meeting.papers_due > meeting.date:
        raise OutOfOrderError(_("Papers due"), meeting.papers_due, "after",
                              meeting.date, label=_("the meeting"))


def add_meetings(store: Store, process_id: str, meetings: list[Meeting], *, now: datetime,
                 actor: str, source: str = "cli", force: bool = False) -> int:
    """Add meetings of decision bodies to a process; refused whole if one is wrong (a meeting
    on a day its body cannot meet too, unless `force`, which the history records)."""
    if source not in SOURCES:
        raise UnknownChoiceError("meeting source", source, SOURCES)
    for meeting in meetings:
        check_text(_("Body"), meeting.body, one_line=True)
    with change(store, process_id, now=now, actor=actor) as work:
        process, definition = work.process, work.definition
        known = {(m.body, m.date) for m in process.meetings}
        forced: list[str] = []
        for meeting in meetings:
            _check_meeting(process, definition, meeting)
            if (meeting.body, meeting.date) in known:
                raise AlreadyDoneError(_("A meeting of {body} on {day} is known already")
                                       .format(body=meeting.body,
                                               day=say_date(meeting.date)), "")
            check_day(work, meeting, force=force, forced=forced)
            known.add((meeting.body, meeting.date))
            work.add("meetings", MeetingRow(None, meeting.body, meeting.date,
                                            meeting.papers_due, source, work.stamp))
        if len(meetings) == 1:
            # The one forced meeting is the one the note names: only why is left to say.
            note = forced[0] + ", forced" if forced else (
                f"{meetings[0].body} {dutch_date(meetings[0].date)}")
        else:
            note = f"{len(meetings)} meetings ({source})" + forced_note(forced)
        work.record("meeting", note=note)
        return len(meetings)


def import_meetings(store: Store, process_id: str, file: MeetingsFile, *, now: datetime,
                    actor: str, mapping: Mapping[str, str] | None = None,
                    force: bool = False) -> Imported:
    """Take a meetings file into a process: new meetings are added, a known one whose papers
    due date the file changes is updated, the others are left as they are; a meeting the
    process has and the file lacks stays. Refused whole if one row is wrong."""
    with change(store, process_id, now=now, actor=actor) as work:
        process, definition = work.process, work.definition
        meetings, skipped = resolve_bodies(file, definition.bodies, mapping or {})
        for meeting in meetings:
            check_text(_("Body"), meeting.body, one_line=True)
        known = {(m.body, m.date): m for m in process.meetings}
        seen: set[tuple[str, date]] = set()
        forced: list[str] = []
        added = updated = unchanged = 0
        for meeting in meetings:
            key = (meeting.body, meeting.date)
            if key in seen:
                raise AlreadyDoneError(_("A meeting of {body} on {day} is in the file twice")
                                       .format(body=meeting.body,
                                               day=say_date(meeting.date)), "")
            seen.add(key)
            _check_meeting(process, definition, meeting)
            row = known.get(key)
            if row is None:
                check_day(work, meeting, force=force, forced=forced)
                work.add("meetings", MeetingRow(None, meeting.body, meeting.date,
                                                meeting.papers_due, "file", work.stamp))
                added += 1
            elif file.papers and row.papers_due != meeting.papers_due:
                # Only a file that has the column says when papers are due: one without it
                # leaves the dates typed by hand alone.
                work.update("meetings", row.id, papers_due=meeting.papers_due)
                updated += 1
            else:
                unchanged += 1
        result = Imported(added, updated, unchanged, tuple(skipped))
        if added or updated:
            work.record("meeting", note=f"{file.name}: {added} added, {updated} updated, "
                                        f"{unchanged} unchanged" + forced_note(forced))
        else:
            work.touch = False  # nothing new: no version, no event
        return result


# How the event of a removed occurrence of a schedule says so (its undo reads it back).
CANCELLED_IN_SCHEDULE = " (cancelled in its schedule)"


def remove_meeting(store: Store, process_id: str, body: str, day: date, *, now: datetime,
                   actor: str) -> None:
    """Remove a meeting that will not take place; an occurrence of a schedule stays cancelled
    when the schedule is expanded again."""
    with change(store, process_id, now=now, actor=actor, parts=["schedules"]) as work:
        found = next((m for m in work.process.meetings if m.body == body and m.date == day),
                     None)
        if found is None:
            known = [f"{m.body} {m.date.isoformat()}" for m in work.process.meetings]
            raise UnknownItemError(work.process.id, "meeting", f"{body} {day.isoformat()}",
                                   known)
        work.remove("meetings", found.id)
        schedule = next((s for s in work.process.schedules if s.body == body), None)
        note = f"{body} {dutch_date(day)}"
        if found.source == "schedule" and schedule is not None:
            days = sorted({*filter(None, schedule.exceptions.split(",")), day.isoformat()})
            work.update("schedules", body, exceptions=",".join(days))
            note += CANCELLED_IN_SCHEDULE
        work.record("meeting-removed", source=meeting_state(found.source, found.papers_due),
                    note=note)


def meeting_state(source: str, papers_due: date | None) -> str:
    """What a removed meeting was, as its event keeps it so that an undo restores it exactly:
    'cli, papers due 2026-06-10' or 'file, no papers date'."""
    papers = f"papers due {papers_due.isoformat()}" if papers_due else "no papers date"
    return f"{source}, {papers}"
