"""Taking a process's meetings from the council information systems (`meeting sync`).

Each gemeente's calendar is read (OpenBesluitvorming, Notubiz or an iCalendar feed, as the
definition's `meeting_sources` or `--source` says) before anything is written, so a source
that is down changes nothing. The meetings whose body name belongs to a decision body of
the process are then compared with the process's meetings by the id the source gives them:
a new one is added, one on another day is moved, one the source marks cancelled is removed.
A meeting the source no longer lists is left alone: only the source's own word cancels it
(an export that is partial, or a meeting archived, says nothing). A meeting already known
on that day (typed by hand, imported, from a schedule) is linked to the source, not doubled.
Only the days from today to the end of the days the process plans on are compared: a meeting
in the past is history. Running it again changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..store import Store
from ..store.rows import PLANNING, MeetingRow
from ..store.writer import change
from ..workflow.meetingsources import SOURCES, is_calendar_url
from ..workflow.model import Definition, MeetingSource
from .meetings import meeting_span, why_not_on

if TYPE_CHECKING:
    from ..opendata.calendars import SourceCalendar

DEFAULT_SOURCE = "openbesluitvorming"
CHOICES = (*SOURCES, "URL")
# Calendar names that contain 'commissie' or 'raad' but are not the raadscommissie or the
# raad a plan's decisions go to.
_NOT_A_BODY = ("rekenkamer", "audit", "agendacommissie", "presidium", "werkgroep",
               "jongerenraad", "adviesraad", "cliëntenraad", "clientenraad", "seniorenraad",
               "raadsinformatie", "informatiebijeenkomst")
_RAAD = re.compile(r"\b(gemeente)?raad(svergadering)?\b|\braad van\b", re.IGNORECASE)
_COLLEGE = re.compile(r"\bcollege\b|\bb\s*&\s*w\b|\bburgemeester en wethouders\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Synced:
    """What a sync did and found: meetings added, moved, cancelled and unchanged; per body of
    the process the days the sources list it on (in the days it plans on), what each source
    was, the names no body was found for (with how often), and the meetings taken in on a
    day the definition says their body does not meet."""

    added: int
    moved: int
    cancelled: int
    unchanged: int
    found: tuple[tuple[str, tuple[date, ...]], ...]
    read: tuple[tuple[str, str, int], ...]  # (gemeente or '', source label, meetings read)
    unmatched: tuple[tuple[str, int], ...] = ()
    irregular: tuple[tuple[str, date, str], ...] = field(default=())  # body, day, why


def body_for(name: str, municipality: str | None, definition: Definition,
             mapping: Mapping[str, str]) -> str | None:
    """The decision body a calendar's name stands for, or None.

    The mapping first (a key the name is, else the longest key it contains), then a body's
    own name in it ('Gemeenteraad Losser'), then, for the gemeente whose name it contains (or
    else whose calendar it is), 'raad' for its gemeenteraad, 'commissie' for its
    raadscommissie and 'college' or 'B&W' for its college, when the process has that body.
    """
    folded = " ".join(name.split()).casefold()
    if not folded:
        return None
    keys = {key.casefold(): body for key, body in mapping.items()}
    if folded in keys:
        return keys[folded]
    for key in sorted(keys, key=len, reverse=True):
        if key in folded:
            return keys[key]
    bodies = definition.bodies
    for body in sorted(bodies, key=len, reverse=True):
        if body.casefold() in folded:
            return body
    # A gemeente the name itself mentions wins over the one whose calendar it is in: a
    # regional feed lists 'Raadsvergadering Losser' beside 'Raadsvergadering Dinkelland'.
    gemeente = next((m for m in sorted(definition.municipalities, key=len, reverse=True)
                     if m.casefold() in folded), municipality)
    if gemeente is None or any(word in folded for word in _NOT_A_BODY):
        return None
    if "commissie" in folded:
        word = "raadscommissie"
    elif _COLLEGE.search(folded):
        word = "college"
    elif _RAAD.search(folded):
        word = "gemeenteraad"
    else:
        return None
    body = f"{word} {gemeente}"
    return body if body in bodies else None


def plan_sources(definition: Definition, source: str | None) -> list[MeetingSource]:
    """Where each gemeente's meetings are read: its `meeting_sources` entry, OpenBesluitvorming
    by its name without one; `source` (a source's name) overrides the system for all of them.
    An iCalendar address as `source` is one feed for every gemeente (municipality '')."""
    if source is not None and is_calendar_url_or_file(source):
        return [MeetingSource("", source)]
    planned = []
    for municipality in definition.municipalities:
        own = definition.meeting_sources.get(municipality, MeetingSource(municipality))
        if source is not None and source != own.source:
            own = MeetingSource(municipality, source, mapping=own.mapping)
        planned.append(own)
    return planned


def is_calendar_url_or_file(source: str) -> bool:
    """Whether `--source` names a feed (an address or an .ics file) rather than a system."""
    return is_calendar_url(source) or source.lower().endswith((".ics", ".ical"))


def read_sources(definition: Definition, process_id: str, span: tuple[date, date], *,
                 source: str | None, urls: Mapping[str, str]) -> list[SourceCalendar]:
    """The calendars of every gemeente, read before anything is written."""
    from ..opendata.calendars import Fetcher, feed, notubiz, openbesluitvorming

    fetcher = Fetcher(process_id)
    caches: dict[str, dict[str, Any]] = {"openbesluitvorming": {}, "notubiz": {}}
    calendars: list[SourceCalendar] = []
    for planned in plan_sources(definition, source):
        municipality = planned.municipality or None
        if planned.source == "openbesluitvorming":
            calendars.append(openbesluitvorming.read_calendar(
                fetcher, urls["openbesluitvorming"], planned.municipality, planned.key,
                caches["openbesluitvorming"]))
        elif planned.source == "notubiz":
            calendars.append(notubiz.read_calendar(
                fetcher, urls["notubiz"], planned.municipality, planned.organisation, *span,
                caches["notubiz"]))
        else:
            calendars.append(feed.read_calendar(fetcher, planned.source, municipality))
    return calendars


def sync_meetings(store: Store, process_id: str, *, now: datetime, actor: str,
                  source: str | None = None, mapping: Mapping[str, str] | None = None,
                  urls: Mapping[str, str]) -> Synced:
    """Add, move and cancel the meetings of a process's bodies as its gemeenten's council
    information systems list them (see the module's docstring); `mapping` adds calendar
    names for bodies to the definition's, `urls` are the systems' base addresses."""
    from ..errors import UnknownChoiceError
    from ..store.reader import read_definition, read_process

    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=PLANNING)
        definition = read_definition(tx, process.definition_digest)
    for named in (mapping or {}).values():
        if named not in definition.bodies:
            raise UnknownChoiceError("body", named, definition.bodies, plural="bodies")
    if source is not None and source not in SOURCES and not is_calendar_url_or_file(source):
        raise UnknownChoiceError("meeting source", source, CHOICES)
    first, last = meeting_span(process, now.date())
    span = (max(first, now.date()), last)
    calendars = read_sources(definition, process.id, span, source=source, urls=urls)
    extra = dict(mapping or {})
    wanted: dict[tuple[str, str], tuple[str, date]] = {}
    cancelled: dict[tuple[str, str], tuple[str, date]] = {}
    unmatched: Counter[str] = Counter()
    for calendar in calendars:
        own = definition.meeting_sources.get(calendar.municipality or "")
        names = {**(own.mapping if own else {}), **extra}
        if calendar.municipality is None:
            names = {k: v for s in definition.meeting_sources.values()
                     for k, v in s.mapping.items()} | extra
        for meeting in calendar.meetings:
            if not span[0] <= meeting.day <= span[1]:
                continue
            body = body_for(meeting.name, calendar.municipality, definition, names) or (
                body_for(meeting.title, calendar.municipality, definition, names)
                if meeting.title and meeting.title != meeting.name else None)
            if body is None:
                unmatched[meeting.name or meeting.title] += 1
                continue
            target = cancelled if meeting.cancelled else wanted
            target.setdefault((calendar.origin, meeting.uid), (body, meeting.day))
    with change(store, process.id, now=now, actor=actor, parts=["schedules"]) as work:
        counts, irregular = _apply(work, wanted, cancelled, span)
        added, moved, gone, unchanged, linked = counts
        if added or moved or gone or linked:
            label = ", ".join(dict.fromkeys(c.system for c in calendars))
            work.record("meetings-synced", note=f"{label}: {added} added, {moved} moved, "
                                                f"{gone} cancelled, {unchanged} unchanged")
        else:
            work.touch = False  # nothing new: no version, no event
    days: dict[str, list[date]] = {body: [] for body in _covered(definition, calendars,
                                                                  wanted.values())}
    for body, day in wanted.values():
        days[body].append(day)
    return Synced(added, moved, gone, unchanged,
                  tuple((body, tuple(sorted(set(found)))) for body, found in days.items()),
                  tuple((c.municipality or "", c.label, len(c.meetings)) for c in calendars),
                  tuple(sorted(unmatched.items())), tuple(irregular))


def _covered(definition: Definition, calendars: Sequence[SourceCalendar],
             found: Iterable[tuple[str, date]]) -> list[str]:
    """The bodies a sync reports on, by gemeente (raad, commissie, college): those of the
    gemeenten it read, and for a feed of any gemeente those of the gemeenten it names."""
    bodies = {body for body, _day in found}
    read = {c.municipality for c in calendars}
    if None in read:
        read |= {m for m in definition.municipalities
                 if any(body.endswith(" " + m) for body in bodies)}
    order = ("gemeenteraad", "raadscommissie", "college")
    covered = [body for m in definition.municipalities if m in read for word in order
               if (body := f"{word} {m}") in definition.bodies]
    return covered + [body for body in definition.bodies
                      if body not in covered and (body in bodies or any(
                          body.endswith(" " + m) for m in read if m))]


def _apply(work: Any, wanted: Mapping[tuple[str, str], tuple[str, date]],
           cancelled: Mapping[tuple[str, str], tuple[str, date]],
           span: tuple[date, date]
           ) -> tuple[tuple[int, int, int, int, int], list[tuple[str, date, str]]]:
    """Change the process's meetings to what the sources say; the counts (added, moved,
    cancelled, unchanged, linked) and the meetings on days their body does not meet."""
    rows = list(work.process.meetings)
    by_uid = {(m.origin, m.uid): m for m in rows if m.uid is not None}
    by_day = {(m.body, m.date): m for m in rows}
    added = moved = gone = unchanged = linked = 0
    irregular: list[tuple[str, date, str]] = []
    for key, (body, day) in cancelled.items():
        row = by_uid.get(key)
        if row is None:
            # The meeting of that body on that day, unless this same source lists it under
            # another id: of two sessions on one day, cancelling one leaves the other.
            same_day = by_day.get((body, day))
            row = same_day if same_day is not None and (
                same_day.uid is None or same_day.origin != key[0]) else None
        if row is None or row.id not in {m.id for m in work.process.meetings}:
            continue
        _remove(work, row)
        by_day.pop((row.body, row.date), None)
        gone += 1
    # A meeting one calendar says is cancelled is not planned on, even if another still
    # lists it (a griffie's feed is often behind its own system).
    called_off = {(body, day): origin for (origin, _uid), (body, day) in cancelled.items()}
    for (origin, uid), (body, day) in wanted.items():
        if called_off.get((body, day), origin) != origin:
            continue
        row = by_uid.get((origin, uid))
        if row is not None and row.id not in {m.id for m in work.process.meetings}:
            row = None  # the cancelled meeting of another calendar: gone
        if row is not None and (row.body, row.date) == (body, day):
            unchanged += 1
            continue
        if row is not None:
            _remove(work, row)
            by_day.pop((row.body, row.date), None)
            moved += 1
        held = by_day.get((body, day))
        if held is not None:
            # Linked to another calendar that lists it too in this sync: it stays with that
            # one, so that two sources of one gemeente do not take it from each other.
            claimed = held.uid is not None and (held.origin, held.uid) in wanted
            if held.id is not None and not claimed and (held.uid is None
                                                        or held.origin != origin):
                # Known already (by hand, a file, a schedule or another source): linked.
                work.update("meetings", held.id, origin=origin, uid=uid)
                linked += 1
            unchanged += row is None
            continue
        why = why_not_on(work.definition, span, body, day)
        if why is not None:
            irregular.append((body, day, why))
        new = MeetingRow(None, body, day, None, "sync", work.stamp, origin, uid)
        work.add("meetings", new)
        by_day[(body, day)] = new
        added += row is None
    return (added, moved, gone, unchanged, linked), irregular


def _remove(work: Any, row: MeetingRow) -> None:
    """Remove a meeting; a schedule's occurrence stays cancelled when it is expanded again."""
    work.remove("meetings", row.id)
    schedule = next((s for s in work.process.schedules if s.body == row.body), None)
    if row.source == "schedule" and schedule is not None:
        days = sorted({*filter(None, schedule.exceptions.split(",")), row.date.isoformat()})
        work.update("schedules", row.body, exceptions=",".join(days))

