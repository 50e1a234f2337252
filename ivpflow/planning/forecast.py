"""The forecast: when each remaining date will happen, from what is done at `today`; and,
with a target, the latest dates that still make it (planned backwards).

The active phase runs on from today with the working days lost to suspensions added, later
phases shift by the slip of the phase before them, and a decision lands on the first meeting
whose papers can still be in and that is its chain lead time after the decision it follows.
Where no date can be forecast, `not_before` keeps the earliest it can still be.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from ..workdays import WorkingCalendar
from ..workflow.model import Deadline, Definition, Item, Meeting
from .deadlines import (
    COUNCIL_BODIES,
    Deadlines,
    Facts,
    chain_start,
    plan_deadlines,
    resolve_deadlines,
)
from .meetings import first_meeting_from, last_meeting_by, papers_due


@dataclass
class Forecast:
    """Forecast dates of phases (start and end) and items, with decisions' forecast meetings."""

    start: dict[str, date] = field(default_factory=dict)
    end: dict[str, date | None] = field(default_factory=dict)
    item: dict[str, date | None] = field(default_factory=dict)
    meeting: dict[str, Meeting | None] = field(default_factory=dict)
    # Where no date can be forecast (`item` None): the earliest it can still be.
    not_before: dict[str, date] = field(default_factory=dict)
    waits_for: dict[str, str] = field(default_factory=dict)  # decision -> the undated one before
    # How long the forecast holds as the days pass: every forecast made while the next working
    # day is at most `steady_next` and the day itself at most `steady_day` is this one. Today
    # enters a forecast only where it is compared with another date (a phase's start, the
    # active phase's end, the meeting chosen), so the earliest of those dates is the bound.
    steady_next: date | None = None
    steady_day: date | None = None

    def _steady(self, value: date, today: date) -> None:
        """A date compared with the next working day `today`: holds while today is not past."""
        bound = max(value, today)
        self.steady_next = bound if self.steady_next is None else min(self.steady_next, bound)

    def _steady_day(self, value: date) -> None:
        """A date compared with the day itself: holds until that day."""
        self.steady_day = value if self.steady_day is None else min(self.steady_day, value)


def lost_working_days(facts: Facts, since: date, days: WorkingCalendar) -> int:
    """Working days from `since` until today on which the process stood suspended.

    A suspension counts from the day it began up to (not including) the day it was resumed,
    or today while it lasts.
    """
    lost = 0
    for begin, until in facts.suspensions:
        first = max(begin, since)
        end = min(until or facts.today, facts.today)
        if end > first:
            lost += days.working_days_between(first - timedelta(days=1),
                                              end - timedelta(days=1))
    return lost


def forecast(definition: Definition, facts: Facts, planned: Deadlines) -> Forecast:
    """Forecast every remaining date from what is done at `facts.today`.

    A phase that has not begun starts when the one before it is forecast to end. Deadlines
    relative to a phase move with its forecast start; fixed dates move by the working days
    the phase starts late. The active phase also loses the working days it was suspended.
    """
    days = definition.calendar.working
    today = days.next_working_day(facts.today)
    result = Forecast()
    bodies_meeting = {m.body for m in facts.meetings}

    def waits_for_meeting(item: Item) -> bool:
        return item.kind == "decision" and item.body in bodies_meeting

    in_order = _items_in_order(definition)
    previous_end: date | None = None
    starts: dict[str, date] = dict(facts.started)
    for index, phase in enumerate(definition.phases):
        if phase.final:
            result.start[phase.id] = facts.started.get(phase.id) or previous_end or today
            break
        status = facts.status.get(phase.id, "pending")
        planned_start = (facts.start if index == 0 else
                         planned.phase_due.get(definition.phases[index - 1].id)
                         or planned.phase_start[phase.id])
        if status == "done":
            result.start[phase.id] = facts.started.get(phase.id, planned_start)
            result.end[phase.id] = facts.completed.get(phase.id)
            for item in phase.items:
                result.item[item.id] = facts.settled.get(item.id)
            previous_end = result.end[phase.id] or previous_end
            continue
        if status == "active":
            start = facts.started.get(phase.id, planned_start)
            lost = lost_working_days(facts, start, days)
        else:
            start = max(previous_end or planned_start, planned_start)
            lost = 0
        starts[phase.id] = start
        late = max(0, days.working_days_between(planned_start, start)) if start > planned_start \
            else 0
        if phase.id == definition.cycle:
            # The plan's yearly items keep the calendar's dates (uitvoeringsplan 2029 is due in
            # December 2028 however late the first one was): a late start delays only what
            # falls before it, through `earliest` below.
            late = 0
        # Only relative deadlines move with a start; with none, the plan's dates stand.
        moved = (plan_deadlines(definition, replace(facts, started=starts))
                 if definition.has_relative_deadlines else planned)
        moved_due, moved_item = moved.phase_due, moved.item_due
        result.start[phase.id] = start

        end = _moved(phase.due, planned.phase_due.get(phase.id), moved_due.get(phase.id), days,
                     late, lost) or start
        earliest = max(today, start)
        for item in in_order[phase.id]:
            local = definition.calendar_for(item.municipality).working
            when = _moved(item.due, planned.item_due.get(item.id), moved_item.get(item.id), local,
                          late, lost)
            if when is not None and item.id not in facts.settled and not waits_for_meeting(item):
                result._steady(max(when, start), today)
            when = _forecast_item(definition, facts, planned, result, item,
                                  max(when, earliest) if when else None, earliest)
            result.item[item.id] = when
            if when and item.required and item.id not in facts.settled and when > end:
                end = when
        if status == "active":
            result._steady(end, today)
            end = max(end, today)
        result.end[phase.id] = end
        previous_end = end
    return result


@lru_cache(maxsize=64)
def _items_in_order(definition: Definition) -> dict[str, tuple[Item, ...]]:
    """Per phase, its items in the order the forecast dates them, made once per definition.

    Decisions last: one waits for the forecast of the document its papers are, and of the
    decision it follows."""
    chain_position = {d.id: n for n, d in enumerate(definition.chain_order)}
    return {phase.id: tuple(sorted(phase.items, key=lambda i: (i.kind == "decision",
                                                                chain_position.get(i.id, 0))))
            for phase in definition.phases}


def _moved(deadline: Deadline | None, fixed: date | None, relative: date | None,
           days: WorkingCalendar, late: int, lost: int) -> date | None:
    """A deadline moved with its phase: relative ones follow the start, fixed ones the delay."""
    base = relative if deadline is not None and deadline.is_relative else (
        days.add_working_days(fixed, late) if fixed else None)
    return days.add_working_days(base, lost) if base and lost else base


def _forecast_item(definition: Definition, facts: Facts, planned: Deadlines,
                   result: Forecast, item: Item, when: date | None,
                   earliest: date) -> date | None:
    if item.id in facts.settled:
        return facts.settled[item.id]
    local = definition.calendar_for(item.municipality)
    after: date | None = None
    if item.kind == "decision":
        before = definition.follows.get(item.id)
        if before is not None:
            after = chain_start(definition, item, {**result.item, **facts.settled})
            if after is None and before in result.not_before:
                # The decision it follows has no date yet, so neither has this one.
                result.not_before[item.id] = chain_start(
                    definition, item, {before: result.not_before[before]}) or earliest
                result.waits_for[item.id] = before
                return None
    if item.kind == "decision" and item.body in {m.body for m in facts.meetings}:
        document = item.document
        ready = result.item.get(document) if document else None
        # Not before the meeting it is planned on: being ready early does not move a plan.
        planned_meeting = planned.meeting.get(item.id)
        not_before = max(facts.today, planned_meeting.date) if planned_meeting else facts.today
        if after is not None:
            not_before = max(not_before, after)
        meeting = first_meeting_from(definition, facts.meetings, item.body or "",
                                     ready or earliest, not_before)
        result.meeting[item.id] = meeting
        if meeting is None:
            # The first meeting that could take it has its papers in once they are ready.
            papers_in = local.working.add_working_days(ready or earliest,
                                                       definition.lead_time(item.body or ""))
            result.not_before[item.id] = max(papers_in, not_before)
        if meeting is not None and ready is None:
            # Ready when today is: the meeting holds while its papers can still be in.
            result._steady(papers_due(definition, meeting), earliest)
        if meeting is not None:  # a later today leaves out only meetings before this one
            result._steady_day(meeting.date)
        return meeting.date if meeting else None
    if when is not None and after is not None and when < after:
        when = after
    if (when and item.kind == "decision" and (item.body or "").startswith(COUNCIL_BODIES)
            and (recess := local.in_recess(when)) is not None):
        # Councils do not meet in recess: the first chance is after it.
        return local.working.next_working_day(recess.end + timedelta(days=1))
    return when


# --------------------------------------------------------------------------- backwards


def latest_dates(definition: Definition, facts: Facts, planned: Deadlines,
                 target: tuple[str, date] | None = None) -> dict[str, date]:
    """The latest date of each phase end and item that still makes the target, or {}.

    Planned backwards from the target date with each phase's lead time (its `duration`, else
    the working days between its planned start and deadline from the start date).
    """
    target = target or definition.target
    if target is None:
        return {}
    days = definition.calendar.working
    baseline_due, baseline_item, baseline_start = resolve_deadlines(definition, facts.start)
    phase_id, by = target
    index = definition.phase_ids.index(phase_id)
    latest: dict[str, date] = {}
    end = days.previous_working_day(by)
    for phase in reversed(definition.phases[:index + 1]):
        latest[f"phase:{phase.id}"] = end
        phase_end = baseline_due.get(phase.id)
        for item in phase.items:
            item_due = baseline_item.get(item.id)
            before = (days.working_days_between(item_due, phase_end)
                      if item_due and phase_end and item_due < phase_end else 0)
            latest[item.id] = days.add_working_days(end, -before) if before else end
            meeting = (last_meeting_by(facts.meetings, item.body, latest[item.id])
                       if item.body else None)
            if meeting is not None:
                latest[item.id] = meeting.date
        length = phase.duration
        if length is None:
            begin = baseline_start.get(phase.id)
            length = (days.working_days_between(begin, phase_end)
                      if begin and phase_end and begin < phase_end else 0)
        end = days.add_working_days(end, -length) if length else end
    return latest
