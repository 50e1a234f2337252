"""How a process stands in one line of the portfolio: what is overdue, what is at risk, the
next deadline, and until when that stays true.

Every write computes this for its day and the store keeps it with the process, so the
portfolio reads one row per process instead of planning each one. Between two writes only the
passing days change anything, and the summary says for how long it holds (`through`):
- what is overdue and the next deadline change the day after the next deadline;
- what is at risk changes only when a forecast moves. Every forecast is a non-decreasing
  function of the day it is made on (it only ever waits for today, a later meeting or the
  days lost to a suspension), so when the forecast made on a later day equals today's, every
  forecast made in between does too. The later day tried is the first one on which a
  forecast could start to move: the earliest forecast date or deadline still to come.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..workflow.model import Definition
from .deadlines import Deadlines, Facts, plan_deadlines
from .plan import Judged, judge


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


def open_deadlines(definition: Definition, facts: Facts, planned: Deadlines
                   ) -> list[tuple[date, str, str]]:
    """The (due, kind, id) of every phase and item that is not done, in a phase not done."""
    found: list[tuple[date, str, str]] = []
    for phase in definition.phases:
        if facts.status.get(phase.id, "pending") == "done":
            continue
        due = planned.phase_due.get(phase.id)
        if due is not None and not phase.final:
            found.append((due, "phase", phase.id))
        for item in phase.items:
            item_due = planned.item_due.get(item.id)
            if item_due is not None and item.id not in facts.settled:
                found.append((item_due, item.kind, item.id))
    return found


def summarize(definition: Definition, facts: Facts,
              planned: Deadlines | None = None) -> Summary:
    """The summary of a process on `facts.today`."""
    planned = planned or plan_deadlines(definition, facts)
    today = facts.today
    deadlines = open_deadlines(definition, facts, planned)
    overdue = sum(1 for due, _, _ in deadlines if due < today)
    upcoming = min((entry for entry in deadlines if entry[0] >= today), default=None)
    judged, _, _ = judge(definition, facts, planned)
    at_risk = sum(1 for row in judged if row.reasons)
    return Summary(
        on=today, through=_through(definition, facts, planned, judged, upcoming),
        overdue=overdue, at_risk=at_risk,
        next_due=upcoming[0] if upcoming else None,
        next_kind=upcoming[1] if upcoming else None,
        next_item=upcoming[2] if upcoming else None,
    )


def _through(definition: Definition, facts: Facts, planned: Deadlines, judged: list[Judged],
             upcoming: tuple[date, str, str] | None) -> date | None:
    """The last day on which the summary made today still holds."""
    today = facts.today
    if any(until is None or until > today for _, until in facts.suspensions):
        return today  # the days lost to a running suspension grow every working day
    waiting = [row.when for row in judged if row.actual is None and row.when is not None
               and facts.status.get(row.phase, "pending") != "done"]
    candidates = waiting + ([upcoming[0]] if upcoming else [])
    if not candidates:
        return None
    later = min(candidates)
    if later <= today:
        return today
    again, _, _ = judge(definition, replace(facts, today=later), planned)
    same = all((a.when, bool(a.reasons)) == (b.when, bool(b.reasons))
               for a, b in zip(judged, again, strict=True))
    return later if same else today
