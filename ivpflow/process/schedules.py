"""Recurring meeting schedules: a body's vergaderschema as one rule instead of a row typed
per meeting.

A rule is an iCalendar RRULE (`FREQ=MONTHLY;BYDAY=+2TU`) or a friendlier form in English or
Dutch ('every second Tuesday', 'elke vier weken op donderdag'). It is expanded with
python-dateutil over the days the process plans on meetings (`meetings.meeting_span`) into
ordinary meeting rows with source 'schedule', so that planning reads them as any other
meeting; an occurrence on a day off or in a council recess is skipped, and one on a day given
as an exception (or cancelled later with `meeting remove`) is left out. A single meeting added
by hand sits beside the schedule's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from ..dates import dutch_date
from ..errors import (
    AlreadyDoneError,
    InvalidValueError,
    MeetingDayError,
    UnknownItemError,
    listing,
)
from ..i18n import _, say_date
from ..store import Store
from ..store.rows import MeetingRow, ScheduleRow
from ..store.writer import change
from ..text import check_text
from .meetings import forced_note, meeting_span, outside_span, why_not_on

# More occurrences than this in one schedule is a rule typed wrong (FREQ=DAILY), not a
# griffie's calendar.
MAX_OCCURRENCES = 400
MAX_RULE = 500  # meeting_schedules.rule

_WEEKDAYS = {"MO": ("monday", "maandag", "mon", "ma"), "TU": ("tuesday", "dinsdag", "tue", "di"),
             "WE": ("wednesday", "woensdag", "wed", "wo"),
             "TH": ("thursday", "donderdag", "thu", "do"),
             "FR": ("friday", "vrijdag", "fri", "vr"), "SA": ("saturday", "zaterdag", "sat", "za"),
             "SU": ("sunday", "zondag", "sun", "zo")}
_DAY_CODES = {name: code for code, names in _WEEKDAYS.items() for name in names}
_ORDINALS = {"first": 1, "1st": 1, "eerste": 1, "second": 2, "2nd": 2, "tweede": 2,
             "third": 3, "3rd": 3, "derde": 3, "fourth": 4, "4th": 4, "vierde": 4,
             "fifth": 5, "5th": 5, "vijfde": 5, "last": -1, "laatste": -1}
_NUMBERS = {"one": 1, "een": 1, "één": 1, "two": 2, "twee": 2, "other": 2, "three": 3,
            "drie": 3, "four": 4, "vier": 4, "five": 5, "vijf": 5, "six": 6, "zes": 6,
            "seven": 7, "zeven": 7, "eight": 8, "acht": 8, "nine": 9, "negen": 9, "ten": 10,
            "tien": 10}
_EVERY = r"(?:every|each|elke|iedere|ieder)"
# 'every 4 weeks on thursday', 'every other week on monday', 'elke vier weken op donderdag'
_WEEKS = re.compile(rf"^{_EVERY}\s+(?:(?P<n>\S+)\s+)?(?:weeks?|weken)\s+(?:on\s+|op\s+)?"
                    r"(?P<day>\S+?)s?$")
# 'om de week op maandag' (every other week), 'om de drie weken op dinsdag'
_OM_DE = re.compile(r"^om\s+de\s+(?:(?P<n>\S+)\s+)?(?:week|weken)\s+(?:op\s+)?(?P<day>\S+?)$")
# 'every second tuesday (of the month)', 'elke laatste donderdag (van de maand)', 'every monday'
_DAYS = re.compile(rf"^{_EVERY}\s+(?:(?P<ord>\S+)\s+)?(?P<day>\S+?)s?"
                   r"(?:\s+(?:of\s+the\s+month|of\s+each\s+month|van\s+de\s+maand))?$")



def _forms() -> str:
    """The forms a rule may take, for a refusal."""
    return _("an RRULE such as FREQ=MONTHLY;BYDAY=+2TU, or 'every second Tuesday', 'every 4 "
             "weeks on Thursday', 'elke tweede dinsdag', 'elke vier weken op donderdag'")


@dataclass(frozen=True)
class Scheduled:
    """What a schedule did: its rule and days, the meetings it added, the occurrences that
    were meetings already, those it skipped (with why) and the later ones a replaced schedule
    had that this one does not."""

    body: str
    rule: str
    starts: date
    ends: date
    added: tuple[date, ...]
    known: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...]
    removed: tuple[date, ...] = ()


def parse_rule(text: str) -> str:
    """The iCalendar RRULE a schedule's rule says, checked (InvalidValueError otherwise)."""
    cleaned = " ".join(text.split())
    if re.match(r"^(?:RRULE:)?FREQ=", cleaned, flags=re.IGNORECASE):
        rule = re.sub(r"^RRULE:", "", cleaned, flags=re.IGNORECASE).upper().replace(" ", "")
        if len(rule) > MAX_RULE:
            raise InvalidValueError(_("Rule"), rule[:40] + "…", _(
                "is longer than {count} characters").format(count=MAX_RULE))
        if "DTSTART" in rule:
            raise InvalidValueError(_("Rule"), rule, _(
                "holds a DTSTART; give the first day with --from"))
        _rrule(rule, date(2000, 1, 1), text)
        return rule
    words = cleaned.casefold()
    found = _WEEKS.match(words) or _OM_DE.match(words)
    if found:
        day = _day_code(found.group("day"), text)
        count = found.group("n")
        if found.re is _OM_DE:
            interval = 2 if count is None else _number(count, text)
        else:
            interval = 1 if count is None else _number(count, text)
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={day}" if interval > 1 else (
            f"FREQ=WEEKLY;BYDAY={day}")
    found = _DAYS.match(words)
    if found:
        day = _day_code(found.group("day"), text)
        ordinal = found.group("ord")
        if ordinal is None:
            return f"FREQ=WEEKLY;BYDAY={day}"
        if ordinal not in _ORDINALS:
            raise InvalidValueError(_("Rule"), text, _(
                "is not understood ('{word}'); use {forms}").format(word=ordinal,
                                                                   forms=_forms()))
        return f"FREQ=MONTHLY;BYDAY={_ORDINALS[ordinal]:+d}{day}"
    raise InvalidValueError(_("Rule"), text, _("is not understood; use {forms}").format(
        forms=_forms()))


def _day_code(word: str, text: str) -> str:
    code = _DAY_CODES.get(word) or _DAY_CODES.get(word.rstrip("s"))
    if code is None:
        raise InvalidValueError(_("Rule"), text, _(
            "names no weekday ('{word}'); use {forms}").format(word=word, forms=_forms()))
    return code


def _number(word: str, text: str) -> int:
    number = int(word) if word.isdigit() else _NUMBERS.get(word) or _ORDINALS.get(word)
    if not number or number < 1 or number > 52:
        raise InvalidValueError(_("Rule"), text, _(
            "has no number of weeks from 1 to 52 ('{word}')").format(word=word))
    return number


def _rrule(rule: str, starts: date, text: str) -> object:
    from dateutil.rrule import rrulestr

    try:
        return rrulestr(rule, dtstart=datetime.combine(starts, time()))
    except (ValueError, TypeError) as exc:
        raise InvalidValueError(_("Rule"), text, _("is not a valid RRULE: {reason}").format(
            reason=exc)) from None


def expand_rule(rule: str, starts: date, ends: date) -> list[date]:
    """The days from `starts` to `ends` (both included) a checked RRULE falls on."""
    days = []
    for moment in _rrule(rule, starts, rule):  # type: ignore[attr-defined]
        day = moment.date()
        if day > ends:
            break
        days.append(day)
        if len(days) > MAX_OCCURRENCES:
            raise InvalidValueError(_("Rule"), rule, _(
                "gives more than {count} meetings from {first} to {last}").format(
                count=MAX_OCCURRENCES, first=say_date(starts), last=say_date(ends)))
    return days


def schedule_meetings(store: Store, process_id: str, body: str, rule_text: str, *,
                      now: datetime, actor: str, starts: date | None = None,
                      ends: date | None = None, exceptions: Iterable[date] = (),
                      replace: bool = False, force: bool = False) -> Scheduled:
    """Give a decision body of a process a recurring schedule and add its meetings.

    The schedule runs from `starts` (default: today, or the process's start when later) to
    `ends` (default: the end of the days the process plans on); a day outside those is
    refused unless `force`. A body with a schedule gets a new one only with `replace`, which
    keeps the earlier occurrences and the cancelled days and removes the later occurrences
    the new rule does not have.
    """
    check_text(_("Body"), body, one_line=True)
    rule = parse_rule(rule_text)
    with change(store, process_id, now=now, actor=actor, parts=["schedules"]) as work:
        process, definition = work.process, work.definition
        if body not in definition.bodies:
            raise InvalidValueError("", body, _(
                "decides nothing in '{process_id}'; bodies: {bodies}").format(
                process_id=process.id, bodies=listing(definition.bodies)))
        today = now.date()
        span = meeting_span(process, today)
        first = starts or max(today, span[0])
        last = ends or span[1]
        if last < first:
            raise InvalidValueError(_("Schedule"), f"{body} {rule}", _(
                "ends ({last}) before it starts ({first})").format(last=say_date(last),
                                                                  first=say_date(first)))
        forced: list[str] = []
        # Only the span bounds a schedule's days: it may well start on a Sunday.
        for label, bound in (("from", starts), ("until", ends)):
            why = outside_span(span, bound) if bound is not None else None
            if bound is not None and why is not None:
                if not force:
                    subject = (_("A schedule of {body} from {day}") if label == "from"
                               else _("A schedule of {body} until {day}"))
                    raise MeetingDayError(subject.format(body=body, day=say_date(bound)), why)
                forced.append(f"{dutch_date(bound)} "
                              f"({outside_span(span, bound, recorded=True)})")
        old = next((s for s in process.schedules if s.body == body), None)
        if old is not None and not replace:
            raise AlreadyDoneError(_(
                "A schedule of {body} ({rule}) is known already; --replace replaces it").format(
                body=body, rule=old.rule), "")
        cancelled = {*(date.fromisoformat(d) for d in (old.exceptions.split(",") if old
                                                        else []) if d), *exceptions}
        days = expand_rule(rule, first, last)
        mine = {m.date: m for m in process.meetings if m.body == body}
        added: list[date] = []
        known: list[date] = []
        skipped: list[tuple[date, str]] = []
        for day in days:
            row = mine.get(day)
            # A meeting already, perhaps added by hand, stays as it is; the old schedule's
            # occurrence on a day now cancelled goes.
            if row is not None and not (row.source == "schedule" and day in cancelled):
                known.append(day)
                continue
            if day in cancelled:
                skipped.append((day, _("cancelled")))
                continue
            why = why_not_on(definition, (first, last), body, day)
            if why is not None:
                skipped.append((day, why))
                continue
            added.append(day)
            work.add("meetings", MeetingRow(None, body, day, None, "schedule", work.stamp))
        removed = []
        if old is not None:
            # An occurrence that is past stays: a decision may have been taken on it.
            for day, row in sorted(mine.items()):
                if row.source == "schedule" and day >= today and (day not in days
                                                                  or day in cancelled):
                    work.remove("meetings", row.id)
                    removed.append(day)
            work.remove("schedules", body)
        exceptions_text = ",".join(sorted(d.isoformat() for d in cancelled))
        work.add("schedules", ScheduleRow(body, rule, first, last, exceptions_text,
                                          work.stamp))
        result = Scheduled(body, rule, first, last, tuple(added), tuple(known), tuple(skipped),
                           tuple(removed))
        work.record("meeting-schedule", note=_note(result) + forced_note(forced))
        return result


def unschedule_meetings(store: Store, process_id: str, body: str, *, now: datetime,
                        actor: str) -> tuple[date, ...]:
    """End a body's schedule: its occurrences from today on are removed (earlier ones stay,
    a decision may have been taken on them); the days removed."""
    with change(store, process_id, now=now, actor=actor, parts=["schedules"]) as work:
        process = work.process
        if not any(s.body == body for s in process.schedules):
            raise UnknownItemError(process.id, "meeting schedule", body,
                                   [s.body for s in process.schedules])
        today = now.date()
        removed = []
        for row in process.meetings:
            if row.body == body and row.source == "schedule" and row.date >= today:
                work.remove("meetings", row.id)
                removed.append(row.date)
        work.remove("schedules", body)
        work.record("meeting-unscheduled", note=f"{body}: {len(removed)} later meeting"
                                                f"{'s' * (len(removed) != 1)} removed")
        return tuple(sorted(removed))


def _note(result: Scheduled) -> str:
    parts = [f"{result.body} {result.rule} from {dutch_date(result.starts)} to "
             f"{dutch_date(result.ends)}: {len(result.added)} added"]
    if result.known:
        parts.append(f"{len(result.known)} known already")
    if result.skipped:
        parts.append(f"{len(result.skipped)} skipped")
    if result.removed:
        parts.append(f"{len(result.removed)} removed")
    return ", ".join(parts)


def schedules_of(store: Store, process_id: str | None) -> tuple[ScheduleRow, ...]:
    """The recurring meeting schedules of a process, by body."""
    from ..store.reader import read_process

    with store.transaction() as tx:
        return read_process(tx, process_id, parts=["schedules"]).schedules
