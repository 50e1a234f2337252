"""Dates the Dutch way, and the clock as a parameter."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel.dates import format_date

from ivpflow.dates import AMSTERDAM, dutch_date, dutch_moment, parse_day, parse_moment
from ivpflow.errors import InvalidValueError


@pytest.mark.parametrize("month", range(1, 13), ids=lambda m: f"month-{m}")
def test_dutch_dates_match_babel(month: int) -> None:
    day = date(2026, month, 30 if month != 2 else 27)
    assert dutch_date(day) == format_date(day, format="long", locale="nl_NL")


def test_dutch_date_with_weekday() -> None:
    assert dutch_date(date(2026, 11, 30), weekday=True) == "maandag 30 november 2026"


def test_dutch_moment_is_in_amsterdam_time() -> None:
    assert dutch_moment(datetime(2026, 7, 1, 12, 30)) == "1 juli 2026 14:30"  # naive = UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-06-01", datetime(2026, 6, 1, 0, 0, tzinfo=AMSTERDAM)),
     ("2026-06-01T08:00", datetime(2026, 6, 1, 8, 0, tzinfo=AMSTERDAM)),
     ("2026-01-15T08:00:00+00:00", datetime(2026, 1, 15, 9, 0, tzinfo=AMSTERDAM))],
    ids=["date", "local-time", "utc-offset"],
)
def test_parse_moment(text: str, expected: datetime) -> None:
    moment = parse_moment(text)
    assert moment == expected and moment.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "morgen", "2026-13-01", "01-06-26"],
                         ids=["empty", "word-without-now", "month-13", "two-digit-year"])
def test_parse_moment_refuses_what_is_not_a_moment(text: str) -> None:
    with pytest.raises(InvalidValueError, match="is not a date or moment"):
        parse_moment(text)


def test_parse_day_names_the_option() -> None:
    with pytest.raises(InvalidValueError, match="^--start '2026-02-30' is not a date"):
        parse_day("2026-02-30", option="--start")
