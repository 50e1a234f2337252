"""An iCalendar feed a griffie publishes (a vergaderkalender's .ics address, or a file), read
with the parser `meeting import` uses; each event's UID keeps a moved meeting the same one."""

from __future__ import annotations

from pathlib import Path

from ...errors import FileAccessError
from ...workflow.meeting_files import calendar_events
from ...workflow.meetingsources import is_calendar_url
from . import Fetcher, SourceAnswerError, SourceCalendar, SourceMeeting

NAME = "iCalendar feed"


def read_calendar(fetcher: Fetcher, address: str, municipality: str | None) -> SourceCalendar:
    """The meetings of an iCalendar feed (an http(s) address or a file's path)."""
    if is_calendar_url(address):
        body, _headers = fetcher.get(NAME, address)
    else:
        try:
            body = Path(address).read_bytes()
        except OSError as exc:
            raise FileAccessError("read meetings from", address,
                                  exc.strerror or str(exc)) from None
    try:
        events = calendar_events(body)
    except ValueError as exc:
        raise SourceAnswerError(NAME, address, str(exc)) from None
    meetings = tuple(SourceMeeting(uid=event.uid or f"{event.summary}|{event.day}",
                                   name=event.summary, day=event.day,
                                   cancelled=event.cancelled, title=event.summary)
                     for event in events)
    return SourceCalendar(address, NAME, f"{NAME} {address}", municipality, meetings)
