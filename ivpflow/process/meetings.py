"""The meetings of a process's decision bodies, entered by hand or from a file."""

from __future__ import annotations

from datetime import date, datetime

from ..dates import dutch_date
from ..errors import (
    AlreadyDoneError,
    InvalidValueError,
    OutOfOrderError,
    UnknownChoiceError,
    UnknownItemError,
)
from ..store import Store
from ..store.rows import MeetingRow
from ..store.writer import change
from ..text import check_text
from ..workflow.model import Meeting

SOURCES = ("definition", "cli", "file")


def add_meetings(store: Store, process_id: str, meetings: list[Meeting], *, now: datetime,
                 actor: str, source: str = "cli") -> int:
    """Add meetings of decision bodies to a process; refused whole if one is wrong."""
    if source not in SOURCES:
        raise UnknownChoiceError("meeting source", source, SOURCES)
    for meeting in meetings:
        check_text("Body", meeting.body, one_line=True)
    with change(store, process_id, now=now, actor=actor) as work:
        process, definition = work.process, work.definition
        known = {(m.body, m.date) for m in process.meetings}
        for meeting in meetings:
            if meeting.body not in definition.bodies:
                raise InvalidValueError("", meeting.body, f"decides nothing in '{process.id}'; "
                                        f"bodies: {', '.join(definition.bodies)}")
            if (meeting.body, meeting.date) in known:
                raise AlreadyDoneError(f"A meeting of {meeting.body} on "
                                       f"{dutch_date(meeting.date)}", "is known already")
            if meeting.papers_due is not None and meeting.papers_due > meeting.date:
                raise OutOfOrderError("Papers due", meeting.papers_due, "after",
                                      meeting.date, label="the meeting")
            known.add((meeting.body, meeting.date))
            work.add("meetings", MeetingRow(None, meeting.body, meeting.date,
                                            meeting.papers_due, source, work.stamp))
        note = (f"{meetings[0].body} {dutch_date(meetings[0].date)}" if len(meetings) == 1
                else f"{len(meetings)} meetings ({source})")
        work.record("meeting", note=note)
        return len(meetings)


def remove_meeting(store: Store, process_id: str, body: str, day: date, *, now: datetime,
                   actor: str) -> None:
    """Remove a meeting that will not take place."""
    with change(store, process_id, now=now, actor=actor) as work:
        found = next((m for m in work.process.meetings if m.body == body and m.date == day),
                     None)
        if found is None:
            known = [f"{m.body} {m.date.isoformat()}" for m in work.process.meetings]
            raise UnknownItemError(work.process.id, "meeting", f"{body} {day.isoformat()}",
                                   known)
        work.remove("meetings", found.id)
        work.record("meeting-removed", note=f"{body} {dutch_date(day)}")
