"""How a process stands in one line of the portfolio: what is overdue, what is at risk, the
next deadline, and until when that stays true.

Every write computes this for its day and the store keeps it with the process, so the
portfolio reads one row per process instead of planning each one. Between two writes only the
passing days change anything, and the summary says for how long it holds (`through`):
- what is overdue and the next deadline change the day after the next deadline;
- what is at risk changes only when a forecast moves, and today enters a forecast only where
  it is compared with another date: a phase's start, the active phase's end, a meeting that a
  decision waits for (`Forecast.steady_next`, `steady_day`). Until today passes the earliest
  of those, every forecast stays what it is; while a suspension runs, the days it costs grow
  each day, so its summary holds for the day only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ..workflow.model import Definition
from .clock import cycle_warnings, four_year_clock
from .deadlines import Deadlines, Facts, plan_deadlines
from .forecast import Forecast
from .plan import Judged, judge, period_start

# How the store keeps "for good" (`Summary.through` None), so that "not yet summarized" can
# be NULL and both are found through one index.
FOREVER = date(9999, 12, 31)


@dataclass(frozen=True)
class Summary:
    """The portfolio's view of one process on day `on`, true through `through` (None: for
    good, nothing is left that a passing day can change)."""

    on: date
    through: date | None
    overdue: int
    at_risk: int
    next_due: date | None
    next_kind: str | None
    next_item: str | None

    def holds_on(self, day: date) -> bool:
        """Whether the summary is true on this day."""
        return self.on <= day and (self.through is None or day <= self.through)

    @property
    def stored_through(self) -> date:
        """`through` as the store keeps it."""
        return self.through or FOREVER


def open_deadlines(definition: Definition, facts: Facts, phase_due: Mapping[str, date | None],
                   item_due: Mapping[str, date | None]) -> list[tuple[date, str, str]]:
    """The (due, kind, id) of every phase and item that is not done, in a phase not done, and
    of every required item a forced advance left open (skipped): what is overdue and what
    comes next, for the summary and the status alike."""
    found: list[tuple[date, str, str]] = []
    for phase in definition.phases:
        if facts.status.get(phase.id, "pending") == "done":
            for item in phase.items:
                when = item_due.get(item.id)
                if when is not None and item.required and item.id not in facts.settled:
                    found.append((when, item.kind, item.id))
            continue
        due = phase_due.get(phase.id)
        if due is not None and not phase.final:
            found.append((due, "phase", phase.id))
        for item in phase.items:
            when = item_due.get(item.id)
            if when is not None and item.id not in facts.settled:
                found.append((when, item.kind, item.id))
    return found


def summarize(definition: Definition, facts: Facts, planned: Deadlines | None = None, *,
              followed: bool = False) -> Summary:
    """The summary of a process on `facts.today`; an adopted plan's clock warning counts as
    one at risk unless the store holds its successor (`followed`: the portfolio asks)."""
    planned = planned or plan_deadlines(definition, facts)
    today = facts.today
    deadlines = open_deadlines(definition, facts, planned.phase_due, planned.item_due)
    overdue = sum(1 for due, _, _ in deadlines if due < today)
    upcoming = min((entry for entry in deadlines if entry[0] >= today), default=None)
    judged, _, fc = judge(definition, facts, planned, explain=False)
    at_risk = sum(1 for row in judged if row.reasons)
    clock = four_year_clock(definition, facts, planned, fc, period_start(definition))
    if not followed:
        at_risk += len(cycle_warnings(clock))
    # The clock's next warning changes the count that day (a successor started meanwhile
    # is seen by the portfolio, not here).
    changes = (date.fromisoformat(clock["next_warning"]) - timedelta(days=1)
               if clock and clock["next_warning"] and not followed else None)
    return Summary(
        on=today, through=_through(definition, facts, judged, fc, upcoming, changes),
        overdue=overdue, at_risk=at_risk,
        next_due=upcoming[0] if upcoming else None,
        next_kind=upcoming[1] if upcoming else None,
        next_item=upcoming[2] if upcoming else None,
    )


def _through(definition: Definition, facts: Facts, judged: list[Judged], fc: Forecast,
             upcoming: tuple[date, str, str] | None, clock_changes: date | None) -> date | None:
    """The last day on which the summary made today still holds."""
    today = facts.today
    if any(until is None or until > today for _, until in facts.suspensions):
        return today  # the days lost to a running suspension grow every working day
    bounds = [upcoming[0]] if upcoming else []
    if clock_changes is not None:
        bounds.append(clock_changes)
    if fc.steady_next is not None:
        # The last day whose next working day is not after the bound.
        bounds.append(definition.calendar.working.previous_working_day(fc.steady_next))
    if fc.steady_day is not None:
        bounds.append(fc.steady_day)
    return max(min(bounds), today) if bounds else None
