"""Clock and date handling: parsing `--now`, time zones, and dates written the Dutch way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import DateOutOfRangeError, NotADateError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DIGEST_TIME = time(8, 0)  # the weekly digest goes out on Monday at 08:00

# Babel's nl_NL long format gives the same names; the tests compare both. Kept here because
# importing Babel costs more than the whole `status` command may.
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def parse_moment(text: str, *, option: str = "--now") -> datetime:
    """Parse an ISO date or date-time as a moment in Europe/Amsterdam (aware)."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime(day.year, day.month, day.day)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise NotADateError(option, text, kind="date or moment",
                            formats="YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    # Before the time zone: 9999-12-31T23:00-05:00 would overflow on its way to Amsterdam.
    check_range(moment.date(), option, text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(AMSTERDAM)


def parse_day(text: str, *, option: str = "--date") -> date:
    """Parse an ISO calendar date (YYYY-MM-DD)."""
    try:
        return check_range(date.fromisoformat(text.strip()), option, text)
    except ValueError:
        raise NotADateError(option, text) from None


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


def local(moment: datetime) -> datetime:
    """The same moment in Europe/Amsterdam (naive values are taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM)


def to_utc_naive(moment: datetime) -> datetime:
    """The moment as naive UTC, the form the database keeps on every backend."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(UTC).replace(tzinfo=None)


def dutch_date(day: date | None, *, weekday: bool = False, empty: str = "—") -> str:
    """Write a date as Dutch civil servants do: '30 november 2026' (optionally 'maandag …')."""
    if day is None:
        return empty
    text = f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"
    return f"{WEEKDAYS_NL[day.weekday()]} {text}" if weekday else text


def dutch_moment(moment: datetime | None, *, empty: str = "—") -> str:
    """Write a moment in Europe/Amsterdam as '30 november 2026 14:05'."""
    if moment is None:
        return empty
    at = local(moment)
    return f"{dutch_date(at.date())} {at:%H:%M}"


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
