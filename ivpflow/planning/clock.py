"""The four-year clock (Politiewet art. 38b): the IVP period a process produces, when the
plan it replaces expires, when adoption is planned and forecast, and when the next process
must start."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

from ..workflow.model import Definition, Item
from .deadlines import ADOPTING_BODY, Deadlines, Facts
from .forecast import Forecast
from .reasons import reason, say


def adopting_decisions(definition: Definition) -> list[Item]:
    """The raad decisions that adopt the IVP: those of the target phase, or of the last phase
    in which a gemeenteraad decides."""
    phases = [definition.target[0]] if definition.target else [
        p.id for p in definition.phases
        if any(i.body and i.body.startswith(ADOPTING_BODY) for i in p.items)][-1:]
    return [i for i in definition.items_of_kind("decision")
            if i.phase in phases and i.body and i.body.startswith(ADOPTING_BODY)]


class Clock(TypedDict):
    """The four-year clock of `status --json`."""

    period: str | None
    valid_from: str | None
    expires: str
    replaces: str | None
    replaces_until: str | None
    adoption_planned: str | None
    adoption_forecast: str | None
    lead_working_days: int
    next_start_by: str
    warnings: list[str | None]
    reasons: list[dict[str, Any]]


def four_year_clock(definition: Definition, facts: Facts, planned: Deadlines, fc: Forecast,
                    valid_from: date | None) -> Clock | None:
    """The clock of a process from its plan; None when the definition names no period."""
    years = definition.period_years
    if years is None:
        return None
    days = definition.calendar.working
    adopting = adopting_decisions(definition)
    if adopting:
        planned_dates = [planned.item_due.get(i.id) for i in adopting]
        forecast_dates = [fc.item.get(i.id) for i in adopting]
    else:
        last = [p for p in definition.phases if not p.final][-1]
        planned_dates, forecast_dates = [planned.phase_due.get(last.id)], [fc.end.get(last.id)]
    adoption_planned = max((d for d in planned_dates if d), default=None)
    adoption_forecast = (None if any(d is None for d in forecast_dates)
                         else max((d for d in forecast_dates if d), default=None))
    expires = date(years[1], 12, 31)
    warnings = []
    until = definition.replaces_until
    if until and (adoption_forecast is None or adoption_forecast > until):
        warnings.append(reason("plan-expires", plan=definition.replaces, until=until,
                               forecast=adoption_forecast))
    if valid_from and adoption_forecast and adoption_forecast >= valid_from:
        warnings.append(reason("adopted-late", forecast=adoption_forecast,
                               valid_from=valid_from))
    lead = (days.working_days_between(facts.start, adoption_planned)
            if adoption_planned and adoption_planned > facts.start else 0)
    return Clock(period=definition.period, valid_from=_iso(valid_from),
                 expires=expires.isoformat(), replaces=definition.replaces,
                 replaces_until=_iso(until), adoption_planned=_iso(adoption_planned),
                 adoption_forecast=_iso(adoption_forecast), lead_working_days=lead,
                 next_start_by=days.add_working_days(expires, -lead).isoformat(),
                 warnings=[say([warning]) for warning in warnings], reasons=warnings)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
