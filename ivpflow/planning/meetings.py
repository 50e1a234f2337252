"""Meetings of decision bodies: when papers are due, and which meeting a decision lands on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import pairwise

from ..workflow.model import Definition, Meeting


def papers_due(definition: Definition, meeting: Meeting) -> date:
    """When the papers for a meeting must be with the griffie or secretariat."""
    if meeting.papers_due is not None:
        return meeting.papers_due
    municipality = next((m for m in definition.municipalities
                         if meeting.body.endswith(" " + m)), None)
    working = definition.calendar_for(municipality).working
    return working.add_working_days(meeting.date, -definition.lead_time(meeting.body))


def merge_meetings(own: Iterable[Meeting], shared: Iterable[Meeting]) -> tuple[Meeting, ...]:
    """A process's own meetings and the shared ones it has none of its own of on that body and
    date: the one rule by which every view and the planner see the store's shared calendar."""
    mine = tuple(own)
    known = {(m.body, m.date) for m in mine}
    return mine + tuple(m for m in shared if (m.body, m.date) not in known)


# A body's known meetings speak for a deadline up to this long after the last of them (or
# their longest gap, when that is longer): a deadline years past a synced or imported
# calendar is not pulled back onto that calendar's last meeting.
CALENDAR_REACH = timedelta(days=92)


def calendar_reach(meetings: Iterable[Meeting]) -> dict[str, date]:
    """Per body, the last day its known meetings speak for (see CALENDAR_REACH)."""
    days: dict[str, list[date]] = {}
    for meeting in meetings:
        days.setdefault(meeting.body, []).append(meeting.date)
    reach = {}
    for body, known in days.items():
        known.sort()
        gap = max((later - earlier for earlier, later in pairwise(known)),
                  default=CALENDAR_REACH)
        reach[body] = known[-1] + max(CALENDAR_REACH, gap)
    return reach


def last_meeting_by(meetings: Iterable[Meeting], body: str, day: date) -> Meeting | None:
    """The last meeting of a body on or before a day."""
    found = [m for m in meetings if m.body == body and m.date <= day]
    return max(found, key=lambda m: m.date) if found else None


def first_meeting_on(meetings: Iterable[Meeting], body: str, day: date) -> Meeting | None:
    """The first meeting of a body on or after a day."""
    found = [m for m in meetings if m.body == body and m.date >= day]
    return min(found, key=lambda m: m.date) if found else None


def first_meeting_from(definition: Definition, meetings: Iterable[Meeting], body: str,
                       ready: date, today: date) -> Meeting | None:
    """The first meeting of a body whose papers can still be in when they are ready."""
    found = [m for m in meetings if m.body == body and m.date >= today
             and papers_due(definition, m) >= ready]
    return min(found, key=lambda m: m.date) if found else None
