"""Clock and date handling: parsing `--now`, time zones, and dates written the Dutch way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

# The Dutch way of writing dates lives in `dutch` (no imports of ivpflow, so `i18n` can use
# it); offered here too, where every module has always found it.
from .dutch import AMSTERDAM as AMSTERDAM
from .dutch import MONTHS_NL as MONTHS_NL
from .dutch import WEEKDAYS_NL as WEEKDAYS_NL
from .dutch import dutch_date as dutch_date
from .dutch import dutch_moment as dutch_moment
from .dutch import local as local
from .errors import DateOutOfRangeError, NotADateError, day_examples, moment_examples

DIGEST_TIME = time(8, 0)  # the weekly digest goes out on Monday at 08:00


# What a refusal shows as accepted forms; ISO first, as the contract writes dates.
DAY_EXAMPLES = "e.g. 2026-06-01, 1-6-2026, 1/6/2026, 1 juni 2026, vandaag, morgen or vrijdag"
MOMENT_EXAMPLES = ("e.g. 2026-06-01, 2026-06-01T08:00, 1-6-2026 08:00, 1 juni 2026, vandaag or "
                   "morgen 08:00")

# The same in the language of the command line: `errors.day_examples`, `errors.moment_examples`.

_MONTHS = {name: number for number, name in enumerate(MONTHS_NL, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS.update({"mrt": 3, "sept": 9})
_WEEKDAYS = {name: number for number, name in enumerate(WEEKDAYS_NL)}
_WEEKDAYS.update({name: number for number, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))})
_RELATIVE = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2,
             "gisteren": -1, "yesterday": -1, "eergisteren": -2}
# A weekday alone is the next one on or after today (a deadline or meeting is usually
# ahead); 'vorige'/'afgelopen' looks back, 'volgende' skips today.
_BACK = ("vorige", "afgelopen", "last")
_AHEAD = ("volgende", "komende", "next")

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DAY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_NAMED_DAY = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")
_TIME = re.compile(r"(?:t|\s+(?:om\s+)?)(\d{1,2})[:.](\d{2})(?::(\d{2}))?")
_TIME_ONLY = re.compile(r"(?:om\s+)?(\d{1,2})[:.](\d{2})(?::(\d{2}))?")


def read_day(text: str, today: date | None = None) -> date | None:
    """The calendar day a person typed, or None when it is not one.

    ISO (2026-06-01, 2026-6-1), Dutch (1-6-2026, 01-06-2026, 1/6/2026, 1.6.2026, 1 juni 2026,
    1 jun 2026, optionally after its weekday: 'maandag 1 juni 2026') and, only when `today`
    is given, words relative to it: vandaag, morgen, overmorgen, gisteren, eergisteren (also
    today, tomorrow, yesterday) and weekday names (maandag: the first Monday on or after
    today; 'volgende maandag' after today; 'vorige maandag' before it).
    """
    value = " ".join(text.strip().lower().split())
    try:
        if found := _ISO_DAY.fullmatch(value):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _DUTCH_DAY.fullmatch(value):
            return date(int(found[4]), int(found[3]), int(found[1]))
        weekday, _, rest = value.partition(" ")
        if weekday in _WEEKDAYS and rest and rest[0].isdigit():
            day = read_day(rest)
            return day if day is not None and day.weekday() == _WEEKDAYS[weekday] else None
        if found := _NAMED_DAY.fullmatch(value):
            month = _MONTHS.get(found[2])
            return date(int(found[3]), month, int(found[1])) if month else None
    except ValueError:  # 31-2-2026, month 13
        return None
    return _relative_day(value, today) if today is not None else None


def _relative_day(value: str, today: date) -> date | None:
    if value in _RELATIVE:
        return today + timedelta(days=_RELATIVE[value])
    word, _, name = value.rpartition(" ")
    if name not in _WEEKDAYS or word not in ("", *_BACK, *_AHEAD):
        return None
    ahead = (_WEEKDAYS[name] - today.weekday()) % 7
    if word in _BACK:
        return today - timedelta(days=(7 - ahead) % 7 or 7)
    if word in _AHEAD:
        return today + timedelta(days=ahead or 7)
    return today + timedelta(days=ahead)


def read_moment(text: str, now: datetime | None = None) -> datetime | None:
    """The moment a person typed, in Europe/Amsterdam (aware), or None when it is not one.

    A day as `read_day` reads it, optionally with a time ('1-6-2026 08:00', '2026-06-01T08:00',
    'morgen om 8.30'); an ISO date-time with an offset is taken in its own zone. A day
    without a time is its midnight, except a relative one ('vandaag', 'morgen'), which keeps
    the time of `now`; a time alone is today at that time.
    """
    value = " ".join(text.strip().lower().split())
    today = local(now).date() if now is not None else None
    clock: time | None = None
    if now is not None and (found := _TIME_ONLY.fullmatch(value)):
        day: date | None = today
        clock = _clock(found)
    else:
        found = _TIME.search(value)
        if found and found.end() == len(value):
            clock = _clock(found)
            value = value[:found.start()]
        day = read_day(value, today)
    if day is None:
        return _iso_moment(text)
    if clock is None:
        if now is not None and read_day(value) is None:  # a word: keep now's time of day
            clock = local(now).time()
        else:
            clock = time(0, 0)
    if clock == time.max:
        return None
    return datetime.combine(day, clock, tzinfo=AMSTERDAM)


def _clock(found: re.Match[str]) -> time:
    """The time of a match; time.max stands for an impossible one (25:00)."""
    try:
        return time(int(found[1]), int(found[2]), int(found[3] or 0))
    except ValueError:
        return time.max


def _iso_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    # Before the time zone: 9999-12-31T23:00-05:00 would overflow on its way to Amsterdam.
    check_range(moment.date(), "moment", text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(AMSTERDAM)


def parse_moment(text: str, *, option: str = "--now", now: datetime | None = None) -> datetime:
    """Parse a moment as people type it (see `read_moment`), in Europe/Amsterdam (aware);
    words like 'morgen' only when `now` is given. Outside FIRST_DAY..LAST_DAY it is
    DateOutOfRangeError."""
    try:
        moment = read_moment(text, now)
    except DateOutOfRangeError:
        raise DateOutOfRangeError(option, text, FIRST_DAY, LAST_DAY) from None
    if moment is None:
        raise NotADateError(option, text, kind="date or moment", formats=moment_examples())
    check_range(moment.date(), option, text)
    return moment


def parse_day(text: str, *, option: str = "--date", today: date | None = None) -> date:
    """Parse a calendar date as people type it (see `read_day`); words like 'morgen' only
    when `today` is given. Outside FIRST_DAY..LAST_DAY it is DateOutOfRangeError."""
    day = read_day(text, today)
    if day is None:
        raise NotADateError(option, text, formats=day_examples())
    return check_range(day, option, text)


# The dates ivpflow plans with. A plan runs four years; a window of a century keeps the
# working-day calendar (built year by year) small, and every date it derives far from
# date.max, so that no input reaches an OverflowError.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def check_range(day: date, what: str = "date", text: str | None = None) -> date:
    """The day itself if it lies between FIRST_DAY and LAST_DAY, else DateOutOfRangeError
    naming `what` and the text it was written as."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateOutOfRangeError(what, text if text is not None else day,
                                  FIRST_DAY, LAST_DAY)
    return day


def now_local() -> datetime:
    """The real clock in Europe/Amsterdam; only the CLI's entry point may call this."""
    return datetime.now(AMSTERDAM)


def to_utc_naive(moment: datetime) -> datetime:
    """The moment as naive UTC, the form the database keeps on every backend."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(UTC).replace(tzinfo=None)



def iso(day: date | None) -> str | None:
    """ISO text of a date, or None."""
    return day.isoformat() if day is not None else None


def digest_week(now: datetime) -> tuple[str, date]:
    """The ISO week whose weekly digest is due at `now` (Monday 08:00), and its Monday."""
    monday = now.date() - timedelta(days=now.weekday())
    if now.weekday() == 0 and now.time() < DIGEST_TIME:
        monday -= timedelta(days=7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday
