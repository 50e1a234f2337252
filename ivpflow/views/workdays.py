"""The working-day calendar as a view: the working days between two dates, and why every
other day is not one (`calendar`)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from ..errors import InvalidValueError, OutOfOrderError, UnknownProcessError
from ..store import Store
from ..store.reader import read_definition, read_process
from ..workdays import DEFAULT_CALENDAR
from ..workflow.loader import definition_paths, load_definition
from ..workflow.model import Definition

MAX_DAYS = 3660


class ClosedDay(TypedDict):
    date: str
    why: str


class Days(TypedDict):
    """`calendar --json`: the working days, the days that are not, and the recess days."""

    working_days: list[str]
    closed: list[ClosedDay]
    recess: list[ClosedDay]
    municipality: str | None


def working_days(store: Store | None, first: date, last: date, *, municipality: str | None,
                 process_id: str | None = None, extra: str | None = None) -> Days:
    """Working days between two dates (inclusive), and the reason for every other day.

    Local closing days and recesses come from the definition of the named process, or of
    the only process, or else from the first available definition that knows the municipality.
    """
    if last < first:
        raise OutOfOrderError("The second date", last, "before", first, label="the first")
    if (last - first).days > MAX_DAYS:
        raise InvalidValueError("The stretch from", f"{first} to {last}",
                                "is longer than ten years; ask for at most ten at a time")
    definition: Definition | None = None
    if store is not None and (process_id is not None or municipality is not None):
        with store.transaction() as tx:
            try:
                definition = read_definition(tx, read_process(tx, process_id, parts=())
                                             .definition_digest)
            except UnknownProcessError:
                if process_id is not None:
                    raise
    if municipality is not None and (definition is None
                                     or municipality not in definition.municipalities):
        # A municipality's own definitions (IVPFLOW_WORKFLOWS, listed last) come first.
        for path in reversed(definition_paths(extra).values()):
            candidate = load_definition(path)
            if municipality in candidate.municipalities:
                definition = candidate
                break
        else:
            raise InvalidValueError("No definition knows municipality", municipality, "")
    local_calendar = (definition.calendar_for(municipality) if definition is not None
                      else None)
    working = local_calendar.working if local_calendar else DEFAULT_CALENDAR
    open_days: list[str] = []
    closed: list[ClosedDay] = []
    recess: list[ClosedDay] = []
    for day, why in working.days(first, last):
        if why is None:
            open_days.append(day.isoformat())
        else:
            closed.append(ClosedDay(date=day.isoformat(), why=why))
        period = local_calendar.in_recess(day) if local_calendar else None
        if period is not None:
            recess.append(ClosedDay(date=day.isoformat(), why=period.why))
    return Days(working_days=open_days, closed=closed, recess=recess,
                municipality=municipality)
