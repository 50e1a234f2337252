"""Planning: deadlines, meeting-based dates, the forecast, what is at risk, the four-year clock.

Three kinds of date per item:
- planned: the deadline. It follows from the definition and the phases' real starts, and for a
  decision from the last meeting of its body on or before that deadline (its papers due the
  lead time before, the document it needs due by then);
- forecast: when it will happen, from what is done at `today`: the active phase runs on from
  today with the working days lost to suspensions added, later phases shift by the slip of the
  phase before them, and a decision lands on the first meeting whose papers can still be in;
- latest: with a target (a phase that must end by a fixed date), the latest dates that still
  make it, planned backwards with the phases' lead times.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from .calendar import WorkingCalendar
from .dates import dutch_date
from .definitions import Deadline, Definition, Item, Meeting
from .meetings import first_meeting_from, last_meeting_by, papers_due

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


# --------------------------------------------------------------------------- reasons

# Why a date is at risk, and what the four-year clock warns of: a code with its values, said
# in English by the command line and in Dutch by the report and the calendar export. Values
# in DATE_VALUES are ISO dates (None: not yet known).
REASONS: dict[str, tuple[str, str]] = {
    "no-meeting": (
        "no meeting of its body known after it can be ready",
        "geen vergadering van het orgaan bekend nadat de stukken klaar kunnen zijn"),
    "after-deadline": (
        "forecast {forecast} is after the deadline {due}",
        "verwacht op {forecast}, na de termijn van {due}"),
    "after-latest": (
        "forecast {forecast} is after {latest}, the latest date to end '{target}' by {by}",
        "verwacht op {forecast}, na {latest}: de laatste dag om '{target}' vóór {by} af te "
        "ronden"),
    "after-period-start": (
        "adopted after the IVP period begins ({valid_from})",
        "vastgesteld na het begin van de IVP-periode ({valid_from})"),
    "plan-expires": (
        "the current plan ({plan}) expires on {until}, before the new IVP is forecast to be "
        "adopted ({forecast}): extend it by a raadsbesluit",
        "het huidige plan ({plan}) loopt af op {until}, vóór de verwachte vaststelling van het "
        "nieuwe IVP ({forecast}): verleng het met een raadsbesluit"),
    "adopted-late": (
        "the new IVP is forecast to be adopted on {forecast}, after its period begins on "
        "{valid_from}",
        "het nieuwe IVP wordt naar verwachting op {forecast} vastgesteld, na het begin van zijn "
        "periode op {valid_from}"),
}
DATE_VALUES = frozenset({"forecast", "due", "latest", "by", "valid_from", "until"})
_UNKNOWN = {"en": ("not yet known", "the plan it replaces"),
            "nl": ("nog niet bekend", "het plan dat het vervangt")}


def reason(code: str, **values: date | str | None) -> dict[str, Any]:
    """A reason as plain data (what `plan --json` shows): its code and its values."""
    assert code in REASONS, code
    return {"code": code, **{name: value.isoformat() if isinstance(value, date) else value
                             for name, value in values.items()}}


def say(reasons: list[dict[str, Any]] | None, language: str = "en") -> str | None:
    """Reasons as one sentence in English ("en") or Dutch ("nl"); None when there are none."""
    if not reasons:
        return None
    unknown_date, unknown_plan = _UNKNOWN[language]
    sentences = []
    for one in reasons:
        values = {}
        for name, value in one.items():
            if name in DATE_VALUES:
                value = dutch_date(date.fromisoformat(value)) if value else unknown_date
            values[name] = unknown_plan if name == "plan" and not value else value
        sentences.append(REASONS[one["code"]][language == "nl"].format(**values))
    return "; ".join(sentences)


# --------------------------------------------------------------------------- deadlines


def resolve_deadlines(
    definition: Definition,
    start: date,
    *,
    started: Mapping[str, date] | None = None,
    completed: Mapping[str, date] | None = None,
) -> tuple[dict[str, date | None], dict[str, date | None], dict[str, date]]:
    """The due date of every phase and item, and each phase's (actual or planned) start.

    A phase starts when it actually started; otherwise when the phase before it was completed,
    or else on that phase's deadline. Relative deadlines count from those starts and from the
    deadlines of the items they name; an item of one municipality follows its calendar.
    """
    started = started or {}
    completed = completed or {}
    phase_due: dict[str, date | None] = {}
    item_due: dict[str, date | None] = {}
    phase_start: dict[str, date] = {}
    process_days = definition.calendar.working

    def start_of(index: int) -> date:
        phase = definition.phases[index]
        if phase.id not in phase_start:
            if phase.id in started:
                value = started[phase.id]
            elif index == 0:
                value = start
            else:
                previous = definition.phases[index - 1]
                value = (completed.get(previous.id) or due_of_phase(index - 1)
                         or start_of(index - 1))
            phase_start[phase.id] = value
        return phase_start[phase.id]

    def due_of_phase(index: int) -> date | None:
        phase = definition.phases[index]
        if phase.id not in phase_due:
            if phase.due is not None:
                phase_due[phase.id] = evaluate(phase.due, process_days)
            else:
                dues = [d for d in (due_of_item(item.id) for item in phase.items) if d]
                phase_due[phase.id] = max(dues) if dues else None
        return phase_due[phase.id]

    def due_of_item(item_id: str) -> date | None:
        if item_id not in item_due:
            item = definition.items[item_id]
            days = definition.calendar_for(item.municipality).working
            item_due[item_id] = evaluate(item.due, days) if item.due is not None else None
        return item_due[item_id]

    def evaluate(deadline: Deadline, days: WorkingCalendar) -> date | None:
        if deadline.day is not None:
            return roll(deadline.day, deadline.roll, days)
        if deadline.month is not None:
            year, month = deadline.month
            return days.last_working_day_of_month(year, month)
        if deadline.anchor_kind == "item":
            base = due_of_item(deadline.anchor)
        else:
            index = definition.phase_ids.index(deadline.anchor)
            base = start_of(index) if deadline.anchor_kind == "start" else due_of_phase(index)
        if base is None:
            return None
        return shift(base, deadline.amount, deadline.unit, deadline.roll, days)

    for index, phase in enumerate(definition.phases):
        start_of(index)
        due_of_phase(index)
        for item in phase.items:
            due_of_item(item.id)
    return phase_due, item_due, phase_start


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
    """The deadlines of a process, with decisions moved onto the meetings of their bodies."""
    phase_due, item_due, phase_start = resolve_deadlines(
        definition, facts.start, started=facts.started, completed=facts.completed)
    result = Deadlines(phase_due, item_due, phase_start)
    bodies_met = {m.body for m in facts.meetings}
    for decision in definition.items_of_kind("decision"):
        due = item_due.get(decision.id)
        if due is None or decision.body is None:
            continue
        local = definition.calendar_for(decision.municipality)
        if decision.body in bodies_met:
            meeting = last_meeting_by(facts.meetings, decision.body, due)
            if meeting is None or meeting.date < phase_start[decision.phase]:
                # No meeting of its body between the start of its phase and its deadline.
                continue
            result.meeting[decision.id] = meeting
            result.papers[decision.id] = papers_due(definition, meeting)
            item_due[decision.id] = meeting.date
            if decision.document and item_due.get(decision.document):
                item_due[decision.document] = min(item_due[decision.document] or due,
                                                  result.papers[decision.id])
        elif decision.body.startswith(COUNCIL_BODIES) and (
                recess := local.in_recess(due)) is not None:
            # No meetings known: at least keep the decision out of the recess.
            item_due[decision.id] = local.working.previous_working_day(
                recess.start - timedelta(days=1))
    return result


# --------------------------------------------------------------------------- forecast


@dataclass
class Forecast:
    """Forecast dates of phases (start and end) and items, with decisions' forecast meetings."""

    start: dict[str, date] = field(default_factory=dict)
    end: dict[str, date | None] = field(default_factory=dict)
    item: dict[str, date | None] = field(default_factory=dict)
    meeting: dict[str, Meeting | None] = field(default_factory=dict)


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
        # Only relative deadlines move with a start; with none, the plan's dates stand.
        moved = (plan_deadlines(definition, replace(facts, started=starts))
                 if definition.has_relative_deadlines else planned)
        moved_due, moved_item = moved.phase_due, moved.item_due
        result.start[phase.id] = start

        end = _moved(phase.due, planned.phase_due.get(phase.id), moved_due.get(phase.id), days,
                     late, lost) or start
        earliest = max(today, start)
        # Decisions last: one waits for the forecast of the document its papers are.
        for item in sorted(phase.items, key=lambda i: i.kind == "decision"):
            local = definition.calendar_for(item.municipality).working
            when = _moved(item.due, planned.item_due.get(item.id), moved_item.get(item.id), local,
                          late, lost)
            when = _forecast_item(definition, facts, planned, result, item,
                                  max(when, earliest) if when else None, earliest)
            result.item[item.id] = when
            if when and item.required and item.id not in facts.settled and when > end:
                end = when
        if status == "active":
            end = max(end, today)
        result.end[phase.id] = end
        previous_end = end
    return result


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
    if item.kind == "decision" and item.body in {m.body for m in facts.meetings}:
        document = item.document
        ready = (result.item.get(document) or earliest) if document else earliest
        # Not before the meeting it is planned on: being ready early does not move a plan.
        planned_meeting = planned.meeting.get(item.id)
        not_before = max(facts.today, planned_meeting.date) if planned_meeting else facts.today
        meeting = first_meeting_from(definition, facts.meetings, item.body or "", ready,
                                     not_before)
        result.meeting[item.id] = meeting
        return meeting.date if meeting else None
    local = definition.calendar_for(item.municipality)
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


# --------------------------------------------------------------------------- the plan


def build_plan(definition: Definition, facts: Facts) -> dict[str, Any]:
    """Every dated item with planned, forecast and actual dates, risks, and the clock."""
    planned = plan_deadlines(definition, facts)
    fc = forecast(definition, facts, planned)
    latest = latest_dates(definition, facts, planned)
    days = definition.calendar.working
    years = definition.period_years
    valid_from = date(years[0], 1, 1) if years else None
    rows: list[dict[str, Any]] = []
    adopting = {item.id for item in adopting_decisions(definition)}

    def row(kind: str, ident: str, phase: str, due: date | None, when: date | None,
            actual: date | None, extra: dict[str, Any] | None = None,
            adopting: bool = False, settled_phase: bool = False) -> None:
        why: list[dict[str, Any]] = []
        key = f"phase:{ident}" if kind == "phase" else ident
        if actual is None and due is not None and not settled_phase:
            if when is None:
                why.append(reason("no-meeting"))
            elif when > due:
                why.append(reason("after-deadline", forecast=when, due=due))
            if when and key in latest and when > latest[key] and latest[key] < due:
                target_phase, by = definition.target or ("", due)
                why.append(reason("after-latest", forecast=when, latest=latest[key],
                                  target=target_phase, by=by))
            if adopting and when and valid_from and when >= valid_from:
                why.append(reason("after-period-start", valid_from=valid_from))
        slack = None
        if actual is None and due and when:
            slack = (days.working_days_between(when, due) if when <= due
                     else -days.working_days_between(due, when))
        rows.append({"kind": kind, "id": ident, "phase": phase, "planned": _iso(due),
                     "forecast": _iso(actual or when), "actual": _iso(actual),
                     "slack_days": slack, "at_risk": bool(why), "why": say(why), "reasons": why,
                     "latest": _iso(latest.get(key)), **(extra or {})})

    for phase in definition.phases:
        if phase.final:
            break
        row("phase", phase.id, phase.id, planned.phase_due.get(phase.id), fc.end.get(phase.id),
            facts.completed.get(phase.id) if facts.status.get(phase.id) == "done" else None)
        for item in phase.items:
            extra: dict[str, Any] | None = None
            if item.kind == "decision":
                meeting = fc.meeting.get(item.id, planned.meeting.get(item.id))
                extra = {"body": item.body, "meeting": _iso(meeting.date if meeting else None),
                         "papers_due": _iso(papers_due(definition, meeting) if meeting
                                            else None)}
            row(item.kind, item.id, phase.id, planned.item_due.get(item.id),
                fc.item.get(item.id), facts.settled.get(item.id), extra,
                adopting=item.id in adopting,
                settled_phase=facts.status.get(phase.id) == "done")
    for meeting in sorted(facts.meetings, key=lambda m: (m.date, m.body)):
        rows.append({"kind": "meeting", "id": meeting.body, "phase": None,
                     "planned": _iso(meeting.date), "forecast": _iso(meeting.date),
                     "actual": _iso(meeting.date) if meeting.date <= facts.today else None,
                     "slack_days": None, "at_risk": False, "why": None, "reasons": [],
                     "latest": None,
                     "papers_due": _iso(papers_due(definition, meeting))})
    return {"rows": rows, "clock": _clock(definition, facts, planned, fc, valid_from),
            "deadlines": planned}


def adopting_decisions(definition: Definition) -> list[Item]:
    """The raad decisions that adopt the IVP: those of the target phase, or of the last phase
    in which a gemeenteraad decides."""
    phases = [definition.target[0]] if definition.target else [
        p.id for p in definition.phases
        if any(i.body and i.body.startswith(ADOPTING_BODY) for i in p.items)][-1:]
    return [i for i in definition.items_of_kind("decision")
            if i.phase in phases and i.body and i.body.startswith(ADOPTING_BODY)]


def _clock(definition: Definition, facts: Facts, planned: Deadlines, fc: Forecast,
           valid_from: date | None) -> dict[str, Any] | None:
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
    return {"period": definition.period, "valid_from": _iso(valid_from),
            "expires": expires.isoformat(), "replaces": definition.replaces,
            "replaces_until": _iso(until), "adoption_planned": _iso(adoption_planned),
            "adoption_forecast": _iso(adoption_forecast), "lead_working_days": lead,
            "next_start_by": days.add_working_days(expires, -lead).isoformat(),
            "warnings": [say([warning]) for warning in warnings], "reasons": warnings}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
