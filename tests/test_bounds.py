"""Bounded input: dates, numbers and definition files outside the limits are refused with one
line, quickly, and change nothing."""

from __future__ import annotations

import time
from datetime import date

import pytest

from ivpflow.dates import FIRST_DAY, LAST_DAY, check_range, parse_day, parse_moment
from ivpflow.errors import DateOutOfRangeError

from .conftest import Invoke


@pytest.mark.parametrize("text", ["9999-12-31", "1899-01-01", "9999-12-31T23:00-05:00",
                                  "2100-01-01T00:00"],
                         ids=["year-9999", "year-1899", "overflow-offset", "just-after"])
def test_moments_outside_the_window_are_refused(text: str) -> None:
    with pytest.raises(DateOutOfRangeError, match=rf"^--now '{text}' lies outside the dates "
                                                  r"ivpflow plans with \(2000-01-01 to "
                                                  r"2099-12-31\)$"):
        parse_moment(text)


def test_the_window_holds_its_own_ends() -> None:
    assert parse_day("2000-01-01") == FIRST_DAY
    assert parse_moment("2099-12-31T23:59").date() == LAST_DAY
    with pytest.raises(DateOutOfRangeError, match="^--start '2100-01-01' lies outside"):
        parse_day("2100-01-01", option="--start")
    with pytest.raises(DateOutOfRangeError, match="^closing day 1999-12-31 lies outside"):
        check_range(date(1999, 12, 31), "closing day")


def test_a_far_now_is_one_line_fast_and_changes_nothing(ivpflow: Invoke, started: str) -> None:
    before = ivpflow("history", started, "--json").stdout
    began = time.perf_counter()
    for command in (("status",), ("done", started, "werkgroep-samenstellen"), ("tick",)):
        result = ivpflow(*command, now="9999-12-31")
        assert result.exit_code == 1, result.output
        assert result.stderr == ("Error: --now '9999-12-31' lies outside the dates ivpflow "
                                 "plans with (2000-01-01 to 2099-12-31)\n")
    assert time.perf_counter() - began < 2
    assert ivpflow("history", started, "--json").stdout == before
