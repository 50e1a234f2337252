"""Deadlines: the planned date of every phase and item of a process.

A phase starts when it really started, else when the phase before it is due; relative
deadlines count from those starts and from other items; a decision lands on the last meeting
of its body on or before its deadline (its papers due the lead time before, the document it
needs due by then), and councils do not meet in recess. No decision comes before the one it
follows in the decision chain (college -> raadscommissie -> gemeenteraad, or `after:`) plus its
body's chain lead time, with or without meetings. The plan's term (when it expires and when
the next process must start, as the four-year clock counts it) is made from these deadlines,
and an item due on 'next start' takes that day.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..workdays import WorkingCalendar
from ..workflow.model import NEXT_START, Deadline, Definition, Item, Meeting
from .meetings import calendar_reach, first_meeting_on, last_meeting_by, papers_due

ADOPTING_BODY = "gemeenteraad"
COUNCIL_BODIES = ("gemeenteraad", "raadscommissie")  # the bodies that do not meet in recess


@dataclass(frozen=True)
class Facts:
    """What is known of a process at a moment, as plain data."""

    start: date
    today: date
    started: Mapping[str, date] = field(default_factory=dict)  # phase -> actual start
    completed: Mapping[str, date] = field(default_factory=dict)  # done phase -> completion
    status: Mapping[str, str] = field(default_factory=dict)  # phase -> done|active|pending
    settled: Mapping[str, date] = field(default_factory=dict)  # item -> done or decided on
    # A settled raad decision -> the day `decide --extends` extended the current plan until.
    extended: Mapping[str, date] = field(default_factory=dict)
    meetings: tuple[Meeting, ...] = ()
    suspensions: tuple[tuple[date, date | None], ...] = ()  # (from, until or None)


@dataclass
class Deadlines:
    """The planned date of every phase and item, with the meetings decisions are planned on."""

    phase_due: dict[str, date | None]
    item_due: dict[str, date | None]
    phase_start: dict[str, date]
    meeting: dict[str, Meeting] = field(default_factory=dict)  # decision -> planned meeting
    papers: dict[str, date] = field(default_factory=dict)  # decision -> papers due




def resolve_deadlines(
    definition: Definition,
    start: date,
    *,
    started: Mapping[str, date] | None = None,
    completed: Mapping[str, date] | None = None,
    at_least: Mapping[str, date] | None = None,
) -> tuple[dict[str, date | None], dict[str, date | None], dict[str, date]]:
    """The due date of every phase and item, and each phase's (actual or planned) start.

    A phase starts when it actually started; otherwise when the phase before it was completed,
    or else on that phase's deadline. Relative deadlines count from those starts and from the
    deadlines of the items they name; an item of one municipality follows its calendar. A phase
    in `at_least` is due no earlier than that day (its decision chain takes that long).
    """
    resolver = _Resolver(definition, start, started or {}, completed or {}, at_least or {})
    for index, phase in enumerate(definition.phases):
        resolver.start_of(index)
        resolver.due_of_phase(index)
        for item in phase.items:
            resolver.due_of_item(item.id)
    return resolver.phase_due, resolver.item_due, resolver.phase_start


class _Resolver:
    """The dates `resolve_deadlines` works out, each once, in the order they are asked for.

    Methods of one object rather than functions closed over each other: those would form a
    reference cycle that only the garbage collector frees, on every write's plan.
    """

    __slots__ = ("definition", "start", "started", "completed", "at_least", "phase_due",
                 "item_due", "phase_start", "process_days")

    def __init__(self, definition: Definition, start: date, started: Mapping[str, date],
                 completed: Mapping[str, date], at_least: Mapping[str, date]) -> None:
        self.definition = definition
        self.start = start
        self.started = started
        self.completed = completed
        self.at_least = at_least
        self.phase_due: dict[str, date | None] = {}
        self.item_due: dict[str, date | None] = {}
        self.phase_start: dict[str, date] = {}
        self.process_days = definition.calendar.working

    def start_of(self, index: int) -> date:
        phase = self.definition.phases[index]
        phase_start = self.phase_start
        if phase.id not in phase_start:
            if phase.id in self.started:
                value = self.started[phase.id]
            elif index == 0:
                value = self.start
            else:
                previous = self.definition.phases[index - 1]
                value = (self.completed.get(previous.id) or self.due_of_phase(index - 1)
                         or self.start_of(index - 1))
            phase_start[phase.id] = value
        return phase_start[phase.id]

    def due_of_phase(self, index: int) -> date | None:
        phase = self.definition.phases[index]
        phase_due = self.phase_due
        if phase.id not in phase_due:
            if phase.due is not None:
                phase_due[phase.id] = self.evaluate(phase.due, self.process_days)
            else:
                dues = [d for d in (self.due_of_item(item.id) for item in phase.items) if d]
                phase_due[phase.id] = max(dues) if dues else None
            floor, due = self.at_least.get(phase.id), phase_due[phase.id]
            if floor is not None and due is not None and due < floor:
                phase_due[phase.id] = floor
        return phase_due[phase.id]

    def due_of_item(self, item_id: str) -> date | None:
        item_due = self.item_due
        if item_id not in item_due:
            item = self.definition.items[item_id]
            days = self.definition.calendar_for(item.municipality).working
            item_due[item_id] = self.evaluate(item.due, days) if item.due is not None else None
        return item_due[item_id]

    def evaluate(self, deadline: Deadline, days: WorkingCalendar) -> date | None:
        if deadline.day is not None:
            return roll(deadline.day, deadline.roll, days)
        if deadline.month is not None:
            year, month = deadline.month
            return days.last_working_day_of_month(year, month)
        if deadline.anchor_kind == NEXT_START:
            return None  # set from the plan's term once the plan is made (plan_deadlines)
        if deadline.anchor_kind == "item":
            base = self.due_of_item(deadline.anchor)
        else:
            index = self.definition.phase_ids.index(deadline.anchor)
            base = (self.start_of(index) if deadline.anchor_kind == "start"
                    else self.due_of_phase(index))
        if base is None:
            return None
        return shift(base, deadline.amount, deadline.unit, deadline.roll, days)


def shift(base: date, amount: int, unit: str, roll_to: str, calendar: WorkingCalendar) -> date:
    """Move a date by days, working days, weeks or months, then roll it to a working day."""
    if unit == "working_days":
        return calendar.add_working_days(base, amount)
    if unit == "weeks":
        moved = base + timedelta(weeks=amount)
    elif unit == "months":
        month_index = base.year * 12 + base.month - 1 + amount
        year, month = divmod(month_index, 12)
        last = _stdcal.monthrange(year, month + 1)[1]
        moved = date(year, month + 1, min(base.day, last))
    else:
        moved = base + timedelta(days=amount)
    return roll(moved, roll_to, calendar)


def roll(day: date, how: str, calendar: WorkingCalendar) -> date:
    """A deadline on a day off moves to the previous working day (or the next, or stays)."""
    if how == "next":
        return calendar.next_working_day(day)
    if how == "previous":
        return calendar.previous_working_day(day)
    return day


def plan_deadlines(definition: Definition, facts: Facts) -> Deadlines:
    """The deadlines of a process, with decisions moved onto the meetings of their bodies and
    none before the decision it follows plus its body's chain lead time.

    A phase with a relative deadline whose required decision the chain moves past that
    deadline is due when the decision is, and the phases after it start that much later; a
    fixed deadline stays, and the forecast says the phase is late.
    """
    at_least: dict[str, date] = {}
    for _ in range(len(definition.phases) + 1):
        phase_due, item_due, phase_start = resolve_deadlines(
            definition, facts.start, started=facts.started, completed=facts.completed,
            at_least=at_least)
        result = Deadlines(phase_due, item_due, phase_start)
        pushed = False
        for decision in _onto_meetings(definition, facts, result):
            due, phase_end = item_due.get(decision.id), phase_due.get(decision.phase)
            deadline = definition.phase(decision.phase).due
            if (decision.required and (deadline is None or deadline.is_relative)
                    and due is not None and phase_end is not None and due > phase_end
                    and facts.status.get(decision.phase) != "done"):
                at_least[decision.phase] = max(due, at_least.get(decision.phase, due))
                pushed = True
        if not pushed:
            break
    _due_on_next_start(definition, facts, result)
    return result


def _due_on_next_start(definition: Definition, facts: Facts, result: Deadlines) -> None:
    """Give the items due on the clock's next-start day (`due: next start`) that day, as the
    four-year clock counts it from these deadlines, in place."""
    items = [i for i in definition.items.values()
             if i.due is not None and i.due.anchor_kind == NEXT_START]
    if not items:
        return
    term = plan_term(definition, facts, result.phase_due, result.item_due)
    for item in items:
        assert item.due is not None
        days = definition.calendar_for(item.municipality).working
        result.item_due[item.id] = (roll(term.next_start_by, item.due.roll, days)
                                    if term is not None else None)


def _onto_meetings(definition: Definition, facts: Facts, result: Deadlines) -> list[Item]:
    """Move the decisions onto meetings and after the decisions they follow, in place; the
    decisions the chain moved later than their deadline."""
    item_due, phase_start = result.item_due, result.phase_start
    moved: list[Item] = []
    reach = calendar_reach(facts.meetings)
    for decision in definition.chain_order:
        due = item_due.get(decision.id)
        if due is None or decision.body is None:
            continue
        local = definition.calendar_for(decision.municipality)
        after = chain_start(definition, decision, item_due)
        if due <= reach.get(decision.body, date.min):
            meeting = last_meeting_by(facts.meetings, decision.body, due)
            if after is not None and (meeting.date < after if meeting else after > due):
                # The one it follows comes too late for this meeting: the first one after.
                meeting = first_meeting_on(facts.meetings, decision.body, after)
            if meeting is None or meeting.date < phase_start[decision.phase]:
                # No meeting of its body between the start of its phase and its deadline.
                if after is not None and after > due:
                    item_due[decision.id] = after
                    moved.append(decision)
                continue
            result.meeting[decision.id] = meeting
            result.papers[decision.id] = papers_due(definition, meeting)
            item_due[decision.id] = meeting.date
            if meeting.date > due:
                moved.append(decision)
            if decision.document and item_due.get(decision.document):
                item_due[decision.document] = min(item_due[decision.document] or due,
                                                  result.papers[decision.id])
            continue
        if after is not None and after > due:
            item_due[decision.id] = due = after
            moved.append(decision)
        if decision.body.startswith(COUNCIL_BODIES) and (
                recess := local.in_recess(due)) is not None:
            # No meetings known: at least keep the decision out of the recess; before it
            # unless the one it follows is only done by then.
            before = local.working.previous_working_day(recess.start - timedelta(days=1))
            item_due[decision.id] = (before if after is None or before >= after else
                                     local.working.next_working_day(
                                         recess.end + timedelta(days=1)))
    return moved


def chain_start(definition: Definition, decision: Item,
                dates: Mapping[str, date | None]) -> date | None:
    """The first day a decision can be taken after the one it follows (given that one's date
    in `dates`): its body's chain lead time later, on its own gemeente's working days."""
    before = definition.follows.get(decision.id)
    day = dates.get(before) if before else None
    if day is None:
        return None
    days = definition.calendar_for(decision.municipality).working
    return days.add_working_days(day, definition.chain_lead_time(decision.body or ""))


# --------------------------------------------------------------------------- the plan's term


def adopting_decisions(definition: Definition) -> list[Item]:
    """The raad decisions that adopt the IVP: those of the target phase, or of the last phase
    in which a gemeenteraad decides."""
    phases = [definition.target[0]] if definition.target else [
        p.id for p in definition.phases
        if any(i.body and i.body.startswith(ADOPTING_BODY) for i in p.items)][-1:]
    return [i for i in definition.items_of_kind("decision")
            if i.phase in phases and i.body and i.body.startswith(ADOPTING_BODY)]


@dataclass(frozen=True)
class Term:
    """How long a plan runs and when the next process must start: what the clock counts and
    what a definition's `due: next start` item is due on, so that both give one answer."""

    adoption_planned: date | None
    adopted: date | None  # the day the (last) raad adopted the plan; None until all have
    extended_until: date | None  # the day a raad decision extended this plan until
    replaces_until: date | None  # the replaced plan's end, as raad decisions moved it
    expires: date
    lead_working_days: int  # the process's own time from its start to planned adoption
    next_start_by: date


def plan_term(definition: Definition, facts: Facts, phase_due: Mapping[str, date | None],
              item_due: Mapping[str, date | None]) -> Term | None:
    """The term of a process's plan from its planned deadlines (before the clock's own
    `due: next start` items are set: none of them decides the term); None when the definition
    names no period.

    Before adoption the plan expires at the end of its period; once adopted four years after
    the first raadsbesluit if that is earlier, or later when a raad decision extended it. The
    next process must start the process's own lead time (start to planned adoption) before."""
    years = definition.period_years
    if years is None:
        return None
    days = definition.calendar.working
    adopting = adopting_decisions(definition)
    if adopting:
        planned_dates = [item_due.get(i.id) for i in adopting]
        decided = [facts.settled.get(i.id) for i in adopting]
    else:
        last = [p for p in definition.phases if not p.final][-1]
        planned_dates = [phase_due.get(last.id)]
        decided = [facts.completed.get(last.id) if facts.status.get(last.id) == "done"
                   else None]
    adoption_planned = max((d for d in planned_dates if d), default=None)
    adopted = max(d for d in decided if d) if all(decided) else None
    first_decided = min((d for d in decided if d), default=None)
    own, replaced = _extensions(definition, facts, adopted, {i.id for i in adopting})
    until = max([d for d in (definition.replaces_until, replaced) if d], default=None)
    expires = date(years[1], 12, 31)
    if definition.purpose == "extension":
        expires = own or expires
    elif adopted and first_decided:
        expires = min(expires, add_months(first_decided, 48))
        expires = max(expires, own) if own else expires
    lead = (days.working_days_between(facts.start, adoption_planned)
            if adoption_planned and adoption_planned > facts.start else 0)
    return Term(adoption_planned, adopted, own, until, expires, lead,
                days.add_working_days(expires, -lead))


def _extensions(definition: Definition, facts: Facts, adopted: date | None,
                adopting: set[str]) -> tuple[date | None, date | None]:
    """The days raad decisions extended this plan until, and the plan it replaces.

    A decision extends the plan that is current when it is taken: this one once adopted (or,
    for an extension, the adopting decision itself), else the one it replaces."""
    own: list[date] = []
    replaced: list[date] = []
    for item in definition.items_of_kind("decision"):
        on = facts.settled.get(item.id)
        until = facts.extended.get(item.id) or item.extends
        if on is None or until is None:
            continue
        if item.id in adopting and definition.purpose == "extension":
            own.append(until)
        elif adopted is not None and item.id not in adopting and on >= adopted:
            own.append(until)
        else:
            replaced.append(until)
    return max(own, default=None), max(replaced, default=None)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), the month's last day where the
    month is shorter (29 February + 12 months is 28 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _stdcal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
