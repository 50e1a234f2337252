"""Tests for the working-day calendar of Dutch municipal staff."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from ivpflow.workdays import (
    DEFAULT_CALENDAR,
    MAX_CLOSED_STRETCH,
    WorkingCalendar,
    easter,
    feestdagen,
)

HEMELVAART_FRIDAY = WorkingCalendar(closing_days={date(2026, 5, 15): "vrijdag na Hemelvaart"})
ZOMERRECES = WorkingCalendar(closed_periods=((date(2026, 7, 6), date(2026, 8, 21), "zomerreces"),))


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2025, date(2025, 4, 20), id="2025"),
        pytest.param(2026, date(2026, 4, 5), id="2026"),
        pytest.param(2027, date(2027, 3, 28), id="2027"),
        pytest.param(2028, date(2028, 4, 16), id="2028"),
        pytest.param(2029, date(2029, 4, 1), id="2029"),
        pytest.param(2030, date(2030, 4, 21), id="2030"),
        pytest.param(2038, date(2038, 4, 25), id="2038-latest-possible"),
        pytest.param(2285, date(2285, 3, 22), id="2285-earliest-possible"),
    ],
)
def test_easter_is_the_gregorian_easter_sunday(year: int, expected: date) -> None:
    assert easter(year) == expected


FEESTDAGEN = {
    2025: {
        date(2025, 1, 1): "Nieuwjaarsdag",
        date(2025, 4, 20): "Eerste Paasdag",
        date(2025, 4, 21): "Tweede Paasdag",
        date(2025, 4, 26): "Koningsdag",
        date(2025, 5, 5): "Bevrijdingsdag",
        date(2025, 5, 29): "Hemelvaartsdag",
        date(2025, 6, 8): "Eerste Pinksterdag",
        date(2025, 6, 9): "Tweede Pinksterdag",
        date(2025, 12, 25): "Eerste Kerstdag",
        date(2025, 12, 26): "Tweede Kerstdag",
    },
    2026: {
        date(2026, 1, 1): "Nieuwjaarsdag",
        date(2026, 4, 5): "Eerste Paasdag",
        date(2026, 4, 6): "Tweede Paasdag",
        date(2026, 4, 27): "Koningsdag",
        date(2026, 5, 5): "Bevrijdingsdag",
        date(2026, 5, 14): "Hemelvaartsdag",
        date(2026, 5, 24): "Eerste Pinksterdag",
        date(2026, 5, 25): "Tweede Pinksterdag",
        date(2026, 12, 25): "Eerste Kerstdag",
        date(2026, 12, 26): "Tweede Kerstdag",
    },
    2027: {
        date(2027, 1, 1): "Nieuwjaarsdag",
        date(2027, 3, 28): "Eerste Paasdag",
        date(2027, 3, 29): "Tweede Paasdag",
        date(2027, 4, 27): "Koningsdag",
        date(2027, 5, 5): "Bevrijdingsdag",
        date(2027, 5, 6): "Hemelvaartsdag",
        date(2027, 5, 16): "Eerste Pinksterdag",
        date(2027, 5, 17): "Tweede Pinksterdag",
        date(2027, 12, 25): "Eerste Kerstdag",
        date(2027, 12, 26): "Tweede Kerstdag",
    },
    2028: {
        date(2028, 1, 1): "Nieuwjaarsdag",
        date(2028, 4, 16): "Eerste Paasdag",
        date(2028, 4, 17): "Tweede Paasdag",
        date(2028, 4, 27): "Koningsdag",
        date(2028, 5, 5): "Bevrijdingsdag",
        date(2028, 5, 25): "Hemelvaartsdag",
        date(2028, 6, 4): "Eerste Pinksterdag",
        date(2028, 6, 5): "Tweede Pinksterdag",
        date(2028, 12, 25): "Eerste Kerstdag",
        date(2028, 12, 26): "Tweede Kerstdag",
    },
    2029: {
        date(2029, 1, 1): "Nieuwjaarsdag",
        date(2029, 4, 1): "Eerste Paasdag",
        date(2029, 4, 2): "Tweede Paasdag",
        date(2029, 4, 27): "Koningsdag",
        date(2029, 5, 5): "Bevrijdingsdag",
        date(2029, 5, 10): "Hemelvaartsdag",
        date(2029, 5, 20): "Eerste Pinksterdag",
        date(2029, 5, 21): "Tweede Pinksterdag",
        date(2029, 12, 25): "Eerste Kerstdag",
        date(2029, 12, 26): "Tweede Kerstdag",
    },
    2030: {
        date(2030, 1, 1): "Nieuwjaarsdag",
        date(2030, 4, 21): "Eerste Paasdag",
        date(2030, 4, 22): "Tweede Paasdag",
        date(2030, 4, 27): "Koningsdag",
        date(2030, 5, 5): "Bevrijdingsdag",
        date(2030, 5, 30): "Hemelvaartsdag",
        date(2030, 6, 9): "Eerste Pinksterdag",
        date(2030, 6, 10): "Tweede Pinksterdag",
        date(2030, 12, 25): "Eerste Kerstdag",
        date(2030, 12, 26): "Tweede Kerstdag",
    },
}


@pytest.mark.parametrize("year", sorted(FEESTDAGEN), ids=str)
def test_feestdagen_match_the_hand_written_table(year: int) -> None:
    assert feestdagen(year) == FEESTDAGEN[year]


def test_feestdagen_are_ordered_by_date() -> None:
    assert list(feestdagen(2026)) == sorted(FEESTDAGEN[2026])


def test_feestdagen_returns_a_copy_the_caller_may_change() -> None:
    feestdagen(2026).clear()

    assert feestdagen(2026) == FEESTDAGEN[2026]


def test_feestdagen_join_names_when_hemelvaart_falls_on_bevrijdingsdag() -> None:
    assert feestdagen(2016)[date(2016, 5, 5)] == "Bevrijdingsdag en Hemelvaartsdag"


def test_goede_vrijdag_is_a_working_day() -> None:
    assert DEFAULT_CALENDAR.is_working_day(date(2026, 4, 3)) is True


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        pytest.param(date(2027, 1, 1), "Nieuwjaarsdag", id="nieuwjaarsdag-2027-friday"),
        pytest.param(date(2026, 4, 5), "Eerste Paasdag", id="eerste-paasdag-sunday"),
        pytest.param(date(2026, 4, 6), "Tweede Paasdag", id="tweede-paasdag"),
        pytest.param(date(2026, 4, 27), "Koningsdag", id="koningsdag-2026-monday"),
        pytest.param(date(2025, 4, 26), "Koningsdag", id="koningsdag-2025-saturday-26th"),
        pytest.param(date(2026, 5, 5), "Bevrijdingsdag", id="bevrijdingsdag-non-lustrum"),
        pytest.param(date(2026, 5, 14), "Hemelvaartsdag", id="hemelvaartsdag"),
        pytest.param(date(2026, 5, 24), "Eerste Pinksterdag", id="eerste-pinksterdag-sunday"),
        pytest.param(date(2026, 5, 25), "Tweede Pinksterdag", id="tweede-pinksterdag"),
        pytest.param(date(2026, 12, 25), "Eerste Kerstdag", id="eerste-kerstdag-friday"),
        pytest.param(date(2026, 12, 26), "Tweede Kerstdag", id="tweede-kerstdag-saturday"),
        pytest.param(date(2026, 4, 25), "weekend", id="saturday"),
        pytest.param(date(2026, 4, 26), "weekend", id="sunday"),
        pytest.param(date(2025, 4, 27), "weekend", id="27-april-2025-sunday-not-koningsdag"),
    ],
)
def test_why_closed_names_the_reason(day: date, reason: str) -> None:
    assert DEFAULT_CALENDAR.why_closed(day) == reason


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 4, 3), id="goede-vrijdag"),
        pytest.param(date(2026, 4, 28), id="day-after-koningsdag"),
        pytest.param(date(2026, 12, 31), id="oudejaarsdag"),
        pytest.param(date(2026, 5, 15), id="vrijdag-na-hemelvaart-by-default"),
    ],
)
def test_why_closed_is_none_on_a_working_day(day: date) -> None:
    assert DEFAULT_CALENDAR.why_closed(day) is None


def test_local_closing_day_is_closed_with_its_reason() -> None:
    assert HEMELVAART_FRIDAY.why_closed(date(2026, 5, 15)) == "vrijdag na Hemelvaart"


def test_feestdag_name_takes_precedence_over_local_closing_day() -> None:
    calendar = WorkingCalendar(closing_days={date(2026, 4, 27): "gemeentehuis dicht"})

    assert calendar.why_closed(date(2026, 4, 27)) == "Koningsdag"


def test_local_closing_day_takes_precedence_over_closed_period() -> None:
    calendar = WorkingCalendar(
        closing_days={date(2026, 7, 10): "verhuizing"},
        closed_periods=((date(2026, 7, 6), date(2026, 8, 21), "zomerreces"),),
    )

    assert calendar.why_closed(date(2026, 7, 10)) == "verhuizing"


def test_first_matching_closed_period_gives_the_reason() -> None:
    calendar = WorkingCalendar(
        closed_periods=(
            (date(2026, 7, 6), date(2026, 7, 10), "inventarisatie"),
            (date(2026, 7, 6), date(2026, 8, 21), "zomerreces"),
        )
    )

    assert calendar.why_closed(date(2026, 7, 8)) == "inventarisatie"


def test_local_closing_day_on_a_saturday_gives_its_own_reason() -> None:
    calendar = WorkingCalendar(closing_days={date(2026, 6, 6): "open dag"})

    assert calendar.why_closed(date(2026, 6, 6)) == "open dag"


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 7, 6), id="first-day"),
        pytest.param(date(2026, 7, 15), id="midweek"),
        pytest.param(date(2026, 7, 11), id="saturday-inside"),
        pytest.param(date(2026, 8, 21), id="last-day"),
    ],
)
def test_closed_period_gives_its_reason_inclusive(day: date) -> None:
    assert ZOMERRECES.why_closed(day) == "zomerreces"


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 7, 3), id="friday-before"),
        pytest.param(date(2026, 8, 24), id="monday-after"),
    ],
)
def test_days_outside_closed_period_are_working_days(day: date) -> None:
    assert ZOMERRECES.is_working_day(day) is True


def test_previous_working_day_skips_local_closing_day_and_hemelvaart() -> None:
    assert HEMELVAART_FRIDAY.previous_working_day(date(2026, 5, 17)) == date(2026, 5, 13)


def test_previous_working_day_without_local_closing_day() -> None:
    assert DEFAULT_CALENDAR.previous_working_day(date(2026, 5, 17)) == date(2026, 5, 15)


def test_previous_working_day_of_a_working_day_is_itself() -> None:
    assert DEFAULT_CALENDAR.previous_working_day(date(2026, 5, 13)) == date(2026, 5, 13)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 4, 28), date(2026, 4, 28), id="working-day-itself"),
        pytest.param(date(2026, 4, 25), date(2026, 4, 28), id="saturday-before-koningsdag"),
        pytest.param(date(2026, 12, 25), date(2026, 12, 28), id="christmas-2026"),
        pytest.param(date(2026, 5, 23), date(2026, 5, 26), id="pinksterweekend"),
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert DEFAULT_CALENDAR.next_working_day(day) == expected


def test_next_working_day_skips_closed_period() -> None:
    assert ZOMERRECES.next_working_day(date(2026, 7, 6)) == date(2026, 8, 24)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(date(2026, 4, 24), 1, date(2026, 4, 28), id="friday-over-koningsdag"),
        pytest.param(date(2026, 5, 4), 1, date(2026, 5, 6), id="monday-over-bevrijdingsdag"),
        pytest.param(date(2026, 4, 25), 1, date(2026, 4, 28), id="from-non-working-saturday"),
        pytest.param(date(2026, 5, 11), 5, date(2026, 5, 19), id="week-of-hemelvaart"),
        pytest.param(date(2026, 4, 2), 2, date(2026, 4, 7), id="over-goede-vrijdag-and-pasen"),
        pytest.param(date(2026, 4, 28), -1, date(2026, 4, 24), id="back-over-koningsdag"),
        pytest.param(date(2026, 5, 6), -1, date(2026, 5, 4), id="back-over-bevrijdingsdag"),
        pytest.param(date(2026, 5, 19), -5, date(2026, 5, 11), id="back-over-hemelvaart"),
        pytest.param(date(2026, 4, 26), -1, date(2026, 4, 24), id="back-from-sunday"),
        pytest.param(date(2026, 4, 25), 0, date(2026, 4, 28), id="zero-on-closed-day"),
        pytest.param(date(2026, 4, 24), 0, date(2026, 4, 24), id="zero-on-working-day"),
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    assert DEFAULT_CALENDAR.add_working_days(day, n) == expected


def test_add_working_days_skips_local_closing_day() -> None:
    assert HEMELVAART_FRIDAY.add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 18)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2026, 5, 10), date(2026, 5, 17), 4, id="hemelvaart-week"),
        pytest.param(date(2026, 5, 17), date(2026, 5, 10), -4, id="hemelvaart-week-reversed"),
        pytest.param(date(2026, 5, 11), date(2026, 5, 11), 0, id="same-day"),
        pytest.param(date(2026, 5, 11), date(2026, 5, 12), 1, id="end-included-start-excluded"),
        pytest.param(date(2026, 5, 13), date(2026, 5, 14), 0, id="end-on-hemelvaart"),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert DEFAULT_CALENDAR.working_days_between(start, end) == expected


def test_working_days_between_counts_local_closing_day_as_closed() -> None:
    assert HEMELVAART_FRIDAY.working_days_between(date(2026, 5, 10), date(2026, 5, 17)) == 3


@pytest.mark.parametrize("n", [-40, -3, -1, 0, 1, 3, 40], ids=str)
def test_working_days_between_inverts_add_working_days_from_a_working_day(n: int) -> None:
    start = date(2026, 4, 24)

    end = DEFAULT_CALENDAR.add_working_days(start, n)

    assert DEFAULT_CALENDAR.working_days_between(start, end) == n


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        pytest.param(2026, 6, date(2026, 6, 30), id="june-2026-tuesday"),
        pytest.param(2026, 5, date(2026, 5, 29), id="may-2026-friday"),
        pytest.param(2027, 1, date(2027, 1, 29), id="january-2027-ends-on-sunday"),
        pytest.param(2026, 12, date(2026, 12, 31), id="december-2026-thursday"),
        pytest.param(2028, 2, date(2028, 2, 29), id="leap-february-2028"),
    ],
)
def test_last_working_day_of_month(year: int, month: int, expected: date) -> None:
    assert DEFAULT_CALENDAR.last_working_day_of_month(year, month) == expected


def test_last_working_day_of_month_respects_closed_period() -> None:
    calendar = WorkingCalendar(
        closed_periods=((date(2026, 12, 21), date(2027, 1, 1), "kerstreces"),)
    )

    assert calendar.last_working_day_of_month(2026, 12) == date(2026, 12, 18)


def test_last_working_day_of_month_refuses_a_fully_closed_month() -> None:
    calendar = WorkingCalendar(
        closed_periods=((date(2026, 7, 1), date(2026, 7, 31), "verbouwing"),)
    )

    with pytest.raises(ValueError, match="no working day in 2026-07"):
        calendar.last_working_day_of_month(2026, 7)


def test_days_yields_every_day_with_its_reason() -> None:
    result = list(DEFAULT_CALENDAR.days(date(2026, 4, 24), date(2026, 4, 28)))

    assert result == [
        (date(2026, 4, 24), None),
        (date(2026, 4, 25), "weekend"),
        (date(2026, 4, 26), "weekend"),
        (date(2026, 4, 27), "Koningsdag"),
        (date(2026, 4, 28), None),
    ]


def test_days_includes_local_closures() -> None:
    result = list(HEMELVAART_FRIDAY.days(date(2026, 5, 14), date(2026, 5, 15)))

    assert result == [
        (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 5, 15), "vrijdag na Hemelvaart"),
    ]


def test_days_is_empty_when_end_is_before_start() -> None:
    assert list(DEFAULT_CALENDAR.days(date(2026, 4, 28), date(2026, 4, 24))) == []


def test_days_reaches_the_last_representable_date() -> None:
    assert list(DEFAULT_CALENDAR.days(date.max, date.max)) == [(date(9999, 12, 31), None)]


LONG_CLOSURE = WorkingCalendar(
    closed_periods=((date(2026, 1, 1), date(2045, 12, 31), "gemeentelijke herindeling"),)
)


def test_next_working_day_gives_up_after_the_cap() -> None:
    with pytest.raises(ValueError, match=f"no working day within {MAX_CLOSED_STRETCH} days"):
        LONG_CLOSURE.next_working_day(date(2026, 1, 1))


def test_previous_working_day_gives_up_after_the_cap() -> None:
    with pytest.raises(ValueError, match=f"no working day within {MAX_CLOSED_STRETCH} days"):
        LONG_CLOSURE.previous_working_day(date(2045, 12, 31))


def test_add_working_days_gives_up_after_the_cap() -> None:
    with pytest.raises(ValueError, match=f"no working day within {MAX_CLOSED_STRETCH} days"):
        LONG_CLOSURE.add_working_days(date(2025, 12, 31), 1)


def test_search_finds_a_working_day_just_within_the_cap() -> None:
    calendar = WorkingCalendar(closed_periods=((date(2026, 1, 1), date(2030, 12, 31), "dicht"),))

    assert calendar.next_working_day(date(2026, 1, 1)) == date(2031, 1, 2)


def test_closed_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        WorkingCalendar(closed_periods=((date(2026, 8, 21), date(2026, 7, 6), "zomerreces"),))


def test_empty_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="reason must not be empty"):
        WorkingCalendar(closing_days={date(2026, 5, 15): " "})


def test_datetime_as_closing_day_is_refused() -> None:
    with pytest.raises(TypeError, match="closing day must be a datetime.date, not datetime"):
        WorkingCalendar(closing_days={datetime(2026, 5, 15, 9, 0): "dicht"})


def test_datetime_as_day_is_refused() -> None:
    with pytest.raises(TypeError, match="day must be a datetime.date, not datetime"):
        DEFAULT_CALENDAR.is_working_day(datetime(2026, 4, 27, 9, 0))


def test_calendar_ignores_later_changes_to_the_callers_dict() -> None:
    closing = {date(2026, 5, 15): "vrijdag na Hemelvaart"}
    calendar = WorkingCalendar(closing_days=closing)

    closing[date(2026, 5, 15)] = "iets anders"

    assert calendar.why_closed(date(2026, 5, 15)) == "vrijdag na Hemelvaart"


def test_equal_calendars_are_equal_and_hash_alike() -> None:
    other = WorkingCalendar(closing_days={date(2026, 5, 15): "vrijdag na Hemelvaart"})

    assert other == HEMELVAART_FRIDAY
    assert hash(other) == hash(HEMELVAART_FRIDAY)


def test_calendars_with_different_closures_are_unequal() -> None:
    assert HEMELVAART_FRIDAY != DEFAULT_CALENDAR


def test_closed_periods_given_as_a_list_are_stored_as_a_tuple() -> None:
    period = (date(2026, 7, 6), date(2026, 8, 21), "zomerreces")
    calendar = WorkingCalendar(closed_periods=[period])  # type: ignore[arg-type]

    assert calendar.closed_periods == (period,)


def _walked(calendar: WorkingCalendar, day: date, n: int) -> date:
    """add_working_days the slow way: one day at a time."""
    step = timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        day += step
        while not calendar.is_working_day(day):
            day += step
    return day


@pytest.mark.parametrize("calendar", [
    DEFAULT_CALENDAR,
    WorkingCalendar(closing_days={date(2026, 12, 24): "kerstavond", date(2027, 1, 2): "dicht"},
                    closed_periods=((date(2026, 7, 13), date(2026, 8, 21), "zomerreces"),
                                    (date(2027, 12, 20), date(2028, 1, 7), "kerstreces"))),
])
def test_counting_and_stepping_agree_with_walking_day_by_day(
        calendar: WorkingCalendar) -> None:
    chance = random.Random(2026)
    for _ in range(400):
        day = date(2025, 6, 1) + timedelta(days=chance.randrange(1200))
        n = chance.choice([1, 2, 5, 10, 15, 20, 60, 250, 400]) * chance.choice([1, -1])
        expected = _walked(calendar, day, n)
        assert calendar.add_working_days(day, n) == expected, (day, n)
        other = day + timedelta(days=chance.randrange(-900, 900))
        walked = sum(1 for d, why in calendar.days(min(day, other) + timedelta(days=1),
                                                     max(day, other)) if why is None)
        assert calendar.working_days_between(day, other) == (walked if other >= day
                                                             else -walked), (day, other)
