"""The four-year clock (Politiewet art. 38b) over the whole cycle of a plan.

Before adoption it counts towards the raadsbesluit: the IVP period the process produces, when
the plan it replaces expires, when adoption is planned and forecast. After adoption it counts
from the adopted plan: it expires at the end of its period, or four years after the (first)
raadsbesluit if that is earlier; an extension by a later raadsbesluit moves that day; and the
next process must start the process's own lead time before it. It then warns at the
definition's `clock.warn_months` before that start date, once the date has passed, and once
the plan has expired, unless the store holds a successor (`succeeds`).

Warnings are what is true on `facts.today`, as codes with values (`reasons`): once the plan is
adopted nothing is 'forecast to be adopted' any more.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict

from ..workflow.model import Definition

# The plan's term is counted where the deadlines are (the `due: next start` items take its
# day); adopting_decisions and add_months are the clock's names too.
from .deadlines import Deadlines, Facts, plan_term
from .deadlines import add_months as add_months
from .deadlines import adopting_decisions as adopting_decisions
from .forecast import Forecast
from .reasons import reason, say_in_json

# The warnings of an adopted plan: what the portfolio counts, the digest lists and the clock
# mails (once per code and moment) to the coordinator and the portefeuillehouder.
CYCLE_CODES = ("next-start-soon", "next-start-passed", "plan-expired")


class Clock(TypedDict):
    """The four-year clock of `status --json`."""

    period: str | None
    purpose: str  # plan | extension (the raad extending the current plan)
    valid_from: str | None
    expires: str
    extended_until: str | None  # the day a raad decision extended this plan until
    replaces: str | None
    replaces_until: str | None  # moved by a raad decision that extended the replaced plan
    replaces_extended: bool  # whether a raad decision of this process moved replaces_until
    adoption_planned: str | None
    adoption_forecast: str | None
    adopted: str | None  # the day the (last) raad adopted the plan; None until all have
    lead_working_days: int
    next_start_by: str
    successor: str | None  # the process that follows this plan, when the store has one
    next_warning: str | None  # the day the clock's next warning begins, if any is to come
    warnings: list[str | None]
    reasons: list[dict[str, Any]]


def four_year_clock(definition: Definition, facts: Facts, planned: Deadlines, fc: Forecast,
                    valid_from: date | None) -> Clock | None:
    """The clock of a process on `facts.today`, as if no successor were known (see
    `followed_by`); None when the definition names no period."""
    term = plan_term(definition, facts, planned.phase_due, planned.item_due)
    if term is None:
        return None
    adopting = adopting_decisions(definition)
    if adopting:
        forecast_dates = [fc.item.get(i.id) for i in adopting]
    else:
        last = [p for p in definition.phases if not p.final][-1]
        forecast_dates = [fc.end.get(last.id)]
    adoption_forecast = (None if any(d is None for d in forecast_dates)
                         else max((d for d in forecast_dates if d), default=None))
    adoption_planned, adopted, expires = term.adoption_planned, term.adopted, term.expires
    own, until, next_start_by = term.extended_until, term.replaces_until, term.next_start_by
    lead = term.lead_working_days
    warnings: list[dict[str, Any]] = []
    next_warning = None
    if adopted is None:
        if until and (adoption_forecast is None or adoption_forecast > until):
            warnings.append(reason("plan-expires", plan=definition.replaces, until=until,
                                   forecast=adoption_forecast))
        if (definition.purpose != "extension" and valid_from and adoption_forecast
                and adoption_forecast >= valid_from):
            warnings.append(reason("adopted-late", forecast=adoption_forecast,
                                   valid_from=valid_from))
    else:
        current, next_warning = _cycle_warning(definition, facts.today, next_start_by, expires)
        warnings += current
    return Clock(period=definition.period, purpose=definition.purpose,
                 valid_from=_iso(valid_from), expires=expires.isoformat(),
                 extended_until=_iso(own), replaces=definition.replaces,
                 replaces_until=_iso(until),
                 replaces_extended=until is not None and until != definition.replaces_until,
                 adoption_planned=_iso(adoption_planned),
                 adoption_forecast=_iso(adoption_forecast), adopted=_iso(adopted),
                 lead_working_days=lead, next_start_by=next_start_by.isoformat(),
                 successor=None, next_warning=_iso(next_warning),
                 warnings=[say_in_json([warning]) for warning in warnings], reasons=warnings)


def _cycle_warning(definition: Definition, today: date, start_by: date,
                   expires: date) -> tuple[list[dict[str, Any]], date | None]:
    """What an adopted plan without a successor warns of today, and when the next warning
    begins. Only the latest moment that has come is true: a scheduler down at the 12-month
    moment sends the 6-month one, not both."""
    moments = [(add_months(start_by, -months), months) for months in definition.warn_months]
    passed, expired = start_by + timedelta(days=1), expires + timedelta(days=1)
    coming = [day for day, _ in moments if day > today] + [passed, expired]
    next_warning = min((day for day in coming if day > today), default=None)
    if today >= expired:
        return [reason("plan-expired", plan=definition.title, expires=expires,
                       since=expired)], None
    if today >= passed:
        return [reason("next-start-passed", by=start_by, expires=expires, since=passed)], \
            next_warning
    reached = [(day, months) for day, months in moments if day <= today]
    if not reached:
        return [], next_warning
    day, months = max(reached)
    return [reason("next-start-soon", months=months, by=start_by, expires=expires,
                   since=day)], next_warning


def cycle_warnings(clock: Clock | None) -> list[dict[str, Any]]:
    """The clock's warnings about an adopted plan (those a successor answers)."""
    return [r for r in clock["reasons"] if r["code"] in CYCLE_CODES] if clock else []


def followed_by(clock: Clock, successor: str | None) -> Clock:
    """The clock once the store's successor of the plan is known: none warns of it."""
    if successor is None or clock["adopted"] is None:
        return clock
    kept = [r for r in clock["reasons"] if r["code"] not in CYCLE_CODES]
    settled = clock.copy()
    settled["successor"], settled["next_warning"] = successor, None
    settled["warnings"], settled["reasons"] = [say_in_json([r]) for r in kept], kept
    return settled


def succeeds(later: Definition, earlier: Definition) -> bool:
    """Whether a process of `later` follows a plan of `earlier`: the same gemeenten, and a
    `replaces` that names the earlier plan's title or a period that begins the year after the
    earlier one ends. An extension of the plan counts: it carries the clock on."""
    if later.digest == earlier.digest or earlier.period_years is None:
        return False
    if sorted(later.municipalities) != sorted(earlier.municipalities):
        return False
    if later.replaces and later.replaces == earlier.title:
        return True
    years = later.period_years
    return bool(years and years[0] == earlier.period_years[1] + 1)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
