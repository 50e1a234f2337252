"""Meeting calendars in files, as a definition names them or `meeting import` reads them:
a YAML list, a CSV file (',' or ';' as Excel writes it, ISO or Dutch dates), or an iCalendar
file exported from a council information system's vergaderkalender."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..dates import FIRST_DAY, LAST_DAY
from ..i18n import _, say_date
from .model import Meeting

# The column names a CSV may use, English or Dutch, by the field they fill.
_COLUMNS = {"body": ("body", "orgaan", "bestuursorgaan", "vergadering"),
            "date": ("date", "datum"),
            "papers_due": ("papers_due", "papers due", "stukken", "aanleveren",
                           "aanleverdatum", "inleverdatum")}
# 10-11-2026, 1-9-2026, 10/11/2026 or 10.11.2026 (as Excel writes a date in Dutch), perhaps
# with a time of day after it.
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"
                         r"(?:\s+\d{1,2}[:.]\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class MeetingsFile:
    """The meetings a file holds. `papers` says whether the file has a papers-due column (a
    file without one leaves papers-due dates alone); `calendar` that the bodies are an
    iCalendar file's summaries, still to be matched to decision bodies (`resolve_bodies`)."""

    name: str
    meetings: tuple[Meeting, ...]
    papers: bool = True
    calendar: bool = False


def read_meetings_file(path: str | Path) -> list[Meeting]:
    """Meetings from a YAML list, a CSV file with columns body, date[, papers_due] or an
    iCalendar file (bodies as its summaries say).

    ValueError names the first row that cannot be read.
    """
    return list(read_meetings(path).meetings)


def read_meetings(path: str | Path) -> MeetingsFile:
    """The meetings of a YAML, CSV or iCalendar (.ics) file; ValueError names the first row
    that cannot be read."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in (".ics", ".ical", ".ifb"):
        return MeetingsFile(file.name, tuple(_calendar_meetings(file.read_bytes())),
                            papers=False, calendar=True)
    text = _text(file.read_bytes())
    rows: list[Any]
    papers = True
    if suffix == ".csv":
        rows, papers = _csv_rows(text)
    else:
        import yaml

        from .yamlsource import alias_lines

        refused = alias_lines(text)
        if refused:
            raise ValueError(_("line {line}: aliases ('*name') are not supported; write the "
                               "value out").format(line=refused[0]))
        try:
            # Every value as text, so a wrong date is reported with its row, not by YAML.
            loaded = yaml.load(text, Loader=yaml.BaseLoader) or []
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = getattr(exc, "problem", exc)
            if mark is None:
                raise ValueError(_("not valid YAML: {reason}").format(reason=reason)) from None
            raise ValueError(_("not valid YAML (line {line}): {reason}").format(
                line=mark.line + 1, reason=reason)) from None
        if not isinstance(loaded, list):
            raise ValueError(_("a meetings YAML file is a list of {{body, date, papers_due}}")
                             .format())
        rows = loaded
        # Only a file that names papers-due dates says anything about them.
        papers = any(isinstance(row, dict) and "papers_due" in row for row in rows)
    meetings = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not row.get("body") or not row.get("date"):
            raise ValueError(_("row {row} needs a body and a date").format(row=number))
        papers_text = row.get("papers_due") or None
        meetings.append(Meeting(body=" ".join(str(row["body"]).split()),
                                date=_day(row["date"], number),
                                papers_due=_day(papers_text, number) if papers_text else None))
    return MeetingsFile(file.name, tuple(meetings), papers=papers)


def _text(data: bytes) -> str:
    """A file's text: UTF-8 (with or without Excel's BOM), else Windows-1252, the encoding
    Excel's plain 'CSV (gescheiden door lijstscheidingsteken)' is written in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def _csv_rows(text: str) -> tuple[list[dict[str, str]], bool]:
    """The rows of a CSV file under the field names, and whether it has a papers-due column.
    Excel in Dutch separates with ';' (the comma is the decimal sign there)."""
    lines = text.splitlines()
    header = lines[0] if lines else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    names = [" ".join(name.split()).casefold() for name in next(reader, [])]
    fields = {}
    for field, aliases in _COLUMNS.items():
        found = next((i for i, name in enumerate(names) if name in aliases), None)
        if found is not None:
            fields[field] = found
    if not {"body", "date"} <= set(fields):
        raise ValueError(_("a meetings CSV needs the columns body and date (and papers_due), "
                           "or orgaan and datum (and stukken)"))
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # Excel writes empty rows (';;') after the last one
        rows.append({field: values[i].strip() if i < len(values) else ""
                     for field, i in fields.items()})
    return rows, "papers_due" in fields


def _day(value: object, row: int) -> date:
    text = str(value).strip()
    try:
        iso = _ISO_DATE.match(text)
        dutch = _DUTCH_DATE.match(text)
        if isinstance(value, date):
            day = value
        elif iso:
            day = date.fromisoformat(iso.group(1))
        elif dutch:
            number, month, year = (int(part) for part in dutch.groups())
            day = date(year, month, number)
        else:
            raise ValueError(text)
    except ValueError:
        raise ValueError(_("row {row}: '{value}' is not a date (YYYY-MM-DD or D-M-YYYY)")
                         .format(row=row, value=value)) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(_("row {row}: {day} lies outside the dates ivpflow plans with "
                           "({first} to {last})").format(
            row=row, day=say_date(day), first=say_date(FIRST_DAY), last=say_date(LAST_DAY)))
    return day


@dataclass(frozen=True)
class CalendarEvent:
    """One event of an iCalendar file: its UID (empty when it has none), summary, day, and
    whether it is cancelled (STATUS:CANCELLED)."""

    uid: str
    summary: str
    day: date
    cancelled: bool


def calendar_events(data: bytes) -> list[CalendarEvent]:
    """The events of an iCalendar file, cancelled ones too. A recurring event is refused: a
    vergaderkalender lists each meeting. ValueError names the first event that cannot be
    read."""
    import icalendar

    from ..dates import local

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise ValueError(_("not an iCalendar file: {reason}").format(
            reason=" ".join(str(exc).split()))) from None
    events = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        summary = " ".join(str(event.get("SUMMARY", "")).split())
        start = event.get("DTSTART")
        if not summary or start is None:
            raise ValueError(_("event {event} needs a SUMMARY and a DTSTART").format(
                event=number))
        if event.get("RRULE") is not None:
            raise ValueError(_("event {event} ('{summary}') repeats (RRULE); use 'ivpflow "
                               "meeting schedule' for a recurring meeting").format(
                event=number, summary=summary))
        moment = start.dt
        day = (local(moment).date() if isinstance(moment, datetime) and moment.tzinfo
               else moment.date() if isinstance(moment, datetime) else moment)
        events.append(CalendarEvent(str(event.get("UID", "")).strip(), summary, day,
                                    str(event.get("STATUS", "")).upper() == "CANCELLED"))
    return events


def _calendar_meetings(data: bytes) -> list[Meeting]:
    """The events of an iCalendar file as meetings named by their summaries; cancelled events
    are left out."""
    return [Meeting(body=event.summary, date=event.day) for event in calendar_events(data)
            if not event.cancelled]


def resolve_bodies(file: MeetingsFile, bodies: Sequence[str],
                   mapping: Mapping[str, str]) -> tuple[list[Meeting], list[str]]:
    """The file's meetings with their decision bodies, and the calendar entries left out
    because they name none.

    A body named in the file is taken as it is, or as `mapping` renames it. An iCalendar
    summary is matched to a body by `mapping` (a key the summary contains, the longest
    first), else by the body's name in it ('Vergadering gemeenteraad Losser'); an event that
    names no body is another meeting on the council's calendar and is left out.
    """
    folded = {key.casefold(): value for key, value in mapping.items()}
    by_length = sorted(folded, key=len, reverse=True)
    known = sorted(bodies, key=len, reverse=True)
    found: list[Meeting] = []
    skipped: list[str] = []
    for meeting in file.meetings:
        name = meeting.body.casefold()
        body = folded.get(name)
        if body is None and file.calendar:
            body = next((folded[key] for key in by_length if key in name), None)
            if body is None:
                body = next((b for b in bodies if b.casefold() == name), None) or next(
                    (b for b in known if b.casefold() in name), None)
            if body is None:
                skipped.append(meeting.body)
                continue
        found.append(Meeting(body or meeting.body, meeting.date, meeting.papers_due))
    return found, skipped
