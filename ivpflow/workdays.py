"""Working-day calendar of Dutch municipal staff.

A day is not a working day when it is a Saturday or Sunday, an algemeen erkende
feestdag of the Algemene termijnenwet (art. 3, also the paid holidays of the Cao
Gemeenten), a local closing day of the municipality, or part of a closed period
such as a recess. Goede Vrijdag is a working day.

The holiday rules are those in force since 2014 (Koningsdag on 27 April, or 26
April when the 27th is a Sunday) and are applied to every year; historical
rules such as Koninginnedag on 30 April are not modelled.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "DEFAULT_CALENDAR",
    "MAX_CLOSED_STRETCH",
    "WorkingCalendar",
    "easter",
    "feestdagen",
]

MAX_CLOSED_STRETCH = 3660
"""Most consecutive non-working days a search walks before giving up."""

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def easter(year: int) -> date:
    """Return Easter Sunday of ``year`` (anonymous Gregorian algorithm)."""
    # Meeus/Jones/Butcher; the single letters follow the published algorithm.
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day_minus_one = divmod(h + weekday_offset - 7 * m + 114, 31)
    return date(year, month, day_minus_one + 1)


@lru_cache(maxsize=256)
def _feestdagen(year: int) -> Mapping[date, str]:
    """Return the read-only, date-ordered feestdagen of ``year``."""
    sunday = easter(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:
        koningsdag = date(year, 4, 26)
    days = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (sunday, "Eerste Paasdag"),
        (sunday + timedelta(days=1), "Tweede Paasdag"),
        (koningsdag, "Koningsdag"),
        # Every year, not only lustrum years: the Algemene termijnenwet names it.
        (date(year, 5, 5), "Bevrijdingsdag"),
        (sunday + timedelta(days=39), "Hemelvaartsdag"),
        (sunday + timedelta(days=49), "Eerste Pinksterdag"),
        (sunday + timedelta(days=50), "Tweede Pinksterdag"),
        (date(year, 12, 25), "Eerste Kerstdag"),
        (date(year, 12, 26), "Tweede Kerstdag"),
    ]
    named: dict[date, str] = {}
    for day, name in sorted(days, key=lambda item: item[0]):
        # Hemelvaartsdag can fall on 5 May (2005, 2016); keep both names.
        named[day] = f"{named[day]} en {name}" if day in named else name
    return MappingProxyType(named)


def feestdagen(year: int) -> dict[date, str]:
    """Return the algemeen erkende feestdagen of ``year`` as date -> Dutch name.

    The dict is ordered by date and is a fresh copy the caller may change.
    When two feestdagen share a date the names are joined with " en ".
    """
    return dict(_feestdagen(year))


class _FrozenDateMap(Mapping[date, str]):
    """Immutable, hashable mapping of closing dates to their reasons."""

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[date, str]) -> None:
        self._data: dict[date, str] = dict(sorted(items.items()))
        self._hash = hash(frozenset(self._data.items()))

    def __getitem__(self, key: date) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[date]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


def _check_day(value: object, what: str) -> date:
    """Return ``value`` if it is a plain date, else raise TypeError."""
    # A datetime is a date subclass but never equals a date key, so every
    # lookup would silently miss; refuse it instead.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


class _Index:
    """The working days of a run of whole years, as sorted ordinals.

    Counting working days between two dates and stepping n working days are then a bisect
    instead of a walk day by day: a plan asks both hundreds of times.
    """

    __slots__ = ("days", "first_year", "last_year", "wide")

    def __init__(self) -> None:
        self.days: list[int] = []
        self.first_year = 0
        self.last_year = -1
        self.wide = False  # some closure between two working days is longer than a search


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days of a municipality: weekdays minus feestdagen and local closures.

    ``closing_days`` maps single dates to a reason (e.g. "vrijdag na
    Hemelvaart"); it is copied into an immutable, hashable mapping, so later
    changes to the caller's dict have no effect. ``closed_periods`` holds
    ``(start, end, reason)`` triples, both ends inclusive.
    """

    closing_days: Mapping[date, str] = field(default_factory=dict)
    closed_periods: tuple[tuple[date, date, str], ...] = ()
    # Answers already worked out: planning asks about the same days thousands of times.
    _known: dict[date, str | None] = field(default_factory=dict, init=False, repr=False,
                                           compare=False, hash=False)
    _index: _Index = field(default_factory=_Index, init=False, repr=False, compare=False,
                           hash=False)
    _searched: dict[tuple[date, int], date] = field(default_factory=dict, init=False,
                                                    repr=False, compare=False, hash=False)
    # The answers of add_working_days and working_days_between, remembered the same way.
    _added: dict[tuple[date, int], date] = field(default_factory=dict, init=False,
                                                 repr=False, compare=False, hash=False)
    _between: dict[tuple[date, date], int] = field(default_factory=dict, init=False,
                                                   repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        """Validate the closures and freeze them so the calendar is hashable."""
        closing: dict[date, str] = {}
        for day, reason in self.closing_days.items():
            closing[_check_day(day, "closing day")] = _check_reason(reason)
        periods: list[tuple[date, date, str]] = []
        for period in self.closed_periods:
            if len(period) != 3:
                raise ValueError(f"closed period must be (start, end, reason): {period!r}")
            start, end, reason = period
            _check_day(start, "closed period start")
            _check_day(end, "closed period end")
            if end < start:
                raise ValueError(f"closed period ends before it starts: {period!r}")
            periods.append((start, end, _check_reason(reason)))
        # Frozen dataclass: object.__setattr__ is the sanctioned way to normalise.
        object.__setattr__(self, "closing_days", _FrozenDateMap(closing))
        object.__setattr__(self, "closed_periods", tuple(periods))

    def why_closed(self, day: date) -> str | None:
        """Return why ``day`` is not a working day, or None when it is one.

        Precedence: feestdag name, local closing day reason, closed-period
        reason (first matching period), then "weekend".
        """
        if day in self._known:
            return self._known[day]
        _check_day(day, "day")
        reason = self._why_closed(day)
        self._known[day] = reason
        return reason

    def _why_closed(self, day: date) -> str | None:
        name = _feestdagen(day.year).get(day)
        if name is not None:
            return name
        reason = self.closing_days.get(day)
        if reason is not None:
            return reason
        for start, end, period_reason in self.closed_periods:
            if start <= day <= end:
                return period_reason
        if day.weekday() >= 5:
            return "weekend"
        return None

    def is_working_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day."""
        return self.why_closed(day) is None

    def previous_working_day(self, day: date) -> date:
        """Return ``day`` if it is a working day, else the latest one before it."""
        return self._search(day, -_ONE_DAY)

    def next_working_day(self, day: date) -> date:
        """Return ``day`` if it is a working day, else the first one after it."""
        return self._search(day, _ONE_DAY)

    def add_working_days(self, day: date, n: int) -> date:
        """Return the ``n``-th working day after ``day`` (before it when ``n`` < 0).

        Counting starts strictly after (before) ``day``, which itself need not
        be a working day. ``n == 0`` returns ``next_working_day(day)``.
        """
        found = self._added.get((day, n))
        if found is not None:
            return found
        if n == 0:
            return self.next_working_day(day)
        _check_day(day, "day")  # a date: only answers for dates are remembered below
        if len(self._added) > 20_000:
            self._added.clear()
        self._added[(day, n)] = found = self._add_working_days(day, n)
        return found

    def _add_working_days(self, day: date, n: int) -> date:
        # Years enough for n working days either way, give or take long closures.
        margin = 1 + abs(n) // 200
        days = self._working_days(day.year - margin, day.year + margin)
        here = day.toordinal()
        if not self._index.wide:
            if n > 0:
                at = bisect_right(days, here) + n - 1
                if at < len(days) and days[at - n + 1] - here <= MAX_CLOSED_STRETCH:
                    return date.fromordinal(days[at])
            else:
                at = bisect_left(days, here) + n
                if at >= 0 and here - days[at - n - 1] <= MAX_CLOSED_STRETCH:
                    return date.fromordinal(days[at])
        return self._walk(day, n)  # a long closure or the edge of the calendar: step by step

    def _walk(self, day: date, n: int) -> date:
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        current = day
        for _ in range(abs(n)):
            current = self._search(current + step, step)
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Return the number of working days d with ``start < d <= end``.

        ``start`` is excluded and ``end`` included, so for a working day
        ``start`` this is the inverse of :meth:`add_working_days`:
        ``working_days_between(s, add_working_days(s, n)) == n``. When ``end``
        is before ``start`` the result is minus the count of working days d
        with ``end < d <= start``.
        """
        found = self._between.get((start, end))
        if found is not None:
            return found
        _check_day(start, "start")
        _check_day(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        days = self._working_days(start.year, end.year)
        found = bisect_right(days, end.toordinal()) - bisect_right(days, start.toordinal())
        if len(self._between) > 20_000:
            self._between.clear()
        self._between[(start, end)] = found
        return found

    def _working_days(self, first_year: int, last_year: int) -> list[int]:
        """The index, grown (by whole years) to cover at least these years."""
        index = self._index
        first_year, last_year = max(first_year, date.min.year), min(last_year, date.max.year)
        if index.first_year <= first_year and last_year <= index.last_year:
            return index.days
        if index.last_year >= index.first_year:
            first_year = min(first_year, index.first_year)
            last_year = max(last_year, index.last_year)
        index.days = [day for year in range(first_year, last_year + 1)
                      for day in self._working_days_of(year)]
        index.first_year, index.last_year = first_year, last_year
        index.wide = any(later - earlier > MAX_CLOSED_STRETCH
                         for earlier, later in zip(index.days, index.days[1:], strict=False))
        return index.days

    def _working_days_of(self, year: int) -> list[int]:
        """The ordinals of the working days of one year: what why_closed finds open."""
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        closed = {day.toordinal() for day in _feestdagen(year)}
        closed.update(day.toordinal() for day in self.closing_days if day.year == year)
        for start, end, _reason in self.closed_periods:
            closed.update(range(max(start.toordinal(), first), min(end.toordinal(), last) + 1))
        # Ordinal 1 (1 January of year 1) was a Monday: (ordinal - 1) % 7 is the weekday.
        return [day for day in range(first, last + 1) if (day - 1) % 7 < 5 and day not in closed]

    def last_working_day_of_month(self, year: int, month: int) -> date:
        """Return the last working day of ``month`` in ``year``.

        Raises ValueError when the whole month is closed.
        """
        first = date(year, month, 1)
        if month == 12:
            day = date(year, 12, 31)
        else:
            day = date(year, month + 1, 1) - _ONE_DAY
        while day >= first:
            if self.is_working_day(day):
                return day
            day -= _ONE_DAY
        raise ValueError(f"no working day in {year}-{month:02d}")

    def days(self, start: date, end: date) -> Iterator[tuple[date, str | None]]:
        """Yield every day from ``start`` to ``end`` inclusive with its why_closed."""
        _check_day(start, "start")
        _check_day(end, "end")
        day = start
        while day <= end:
            yield day, self.why_closed(day)
            if day == end:
                # Stepping past end could overflow at date.max.
                return
            day += _ONE_DAY

    def _search(self, day: date, step: timedelta) -> date:
        """Walk from ``day`` in direction ``step`` to the first working day (remembered: a plan
        asks for the same few days again and again)."""
        found = self._searched.get((day, step.days))
        if found is not None:
            return found
        _check_day(day, "day")
        if len(self._searched) > 20_000:  # years of distinct days: start afresh
            self._searched.clear()
        self._searched[(day, step.days)] = found = self._walk_to_working_day(day, step)
        return found

    def _walk_to_working_day(self, day: date, step: timedelta) -> date:
        current = day
        for _ in range(MAX_CLOSED_STRETCH):
            if self.is_working_day(current):
                return current
            current += step
        raise ValueError(f"no working day within {MAX_CLOSED_STRETCH} days of {day.isoformat()}")


def _check_reason(reason: object) -> str:
    """Return ``reason`` if it is a non-empty string, else raise."""
    if not isinstance(reason, str):
        raise TypeError(f"reason must be a str, not {type(reason).__name__}")
    if not reason.strip():
        raise ValueError("reason must not be empty")
    return reason


DEFAULT_CALENDAR = WorkingCalendar()
"""Calendar with only weekends and feestdagen closed."""
