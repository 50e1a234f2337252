"""The plan of a process: every dated item with its planned, forecast and actual date, its
slack, whether it is at risk and why, and the four-year clock.

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

from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple, NotRequired, TypedDict

from ..workflow.model import Definition, Item, Meeting
from .clock import Clock, adopting_decisions, four_year_clock
from .deadlines import Deadlines, Facts, plan_deadlines
from .forecast import Forecast, forecast, latest_dates
from .meetings import papers_due
from .reasons import reason, say_in_json


class PlanRow(TypedDict):
    """One row of `plan --json`: a phase, task, decision, document or meeting."""

    kind: str
    id: str
    phase: str | None
    planned: str | None
    forecast: str | None
    actual: str | None
    slack_days: int | None
    at_risk: bool
    why: str | None
    reasons: list[dict[str, Any]]
    latest: str | None
    not_before: str | None  # no forecast: the earliest it can still be
    skipped: bool  # left open when its phase was left by a forced advance
    body: NotRequired[str | None]
    meeting: NotRequired[str | None]
    papers_due: NotRequired[str | None]
    shared: NotRequired[bool]  # a meeting: one of the store's shared ones


class Plan(TypedDict):
    """The rows of the plan, the four-year clock, and the deadlines they come from."""

    rows: list[PlanRow]
    clock: Clock | None
    deadlines: Deadlines


class Judged(NamedTuple):
    """One dated row of the plan with its forecast and what puts it at risk."""

    kind: str
    id: str
    phase: str
    due: date | None
    when: date | None  # the forecast
    actual: date | None
    reasons: list[dict[str, Any]]
    latest: date | None
    item: Item | None
    meeting: Meeting | None  # for a decision: the meeting it is forecast (or planned) on
    not_before: date | None  # no forecast: the earliest it can still be
    skipped: bool  # left open when its phase was left by a forced advance


# The reasons of a row that is at risk when only whether it is matters (the portfolio's count).
AT_RISK = [{"code": "at-risk"}]


def judge(definition: Definition, facts: Facts, planned: Deadlines | None = None, *,
          explain: bool = True) -> tuple[list[Judged], Deadlines, Forecast]:
    """Every phase and item with its planned, forecast and actual date and the reasons it is at
    risk: what the plan shows and the portfolio counts (`explain=False`: AT_RISK for reasons,
    without saying them)."""
    planned = planned or plan_deadlines(definition, facts)
    fc = forecast(definition, facts, planned)
    latest = latest_dates(definition, facts, planned)
    valid_from = period_start(definition)
    # An extension is adopted while the period it extends into may have begun: what it must
    # beat is the expiry of the plan it extends, which the clock warns of.
    adopting = _adopting_ids(definition)
    rows: list[Judged] = []

    def row(kind: str, ident: str, phase: str, due: date | None, when: date | None,
            actual: date | None, item: Item | None = None,
            settled_phase: bool = False) -> None:
        why: list[dict[str, Any]] = []
        key = f"phase:{ident}" if kind == "phase" else ident
        not_before = fc.not_before.get(ident) if kind != "phase" and when is None else None
        skipped = bool(settled_phase and item is not None and item.required and actual is None)
        if skipped:
            # Still work to do, and the plan says why; not a risk of being late (it is overdue
            # or still to come), so the portfolio does not count it twice.
            why = [reason("skipped")] if explain else []
        elif explain and actual is None and due is not None and not settled_phase:
            if when is None and ident in fc.waits_for:
                why.append(reason("waits-for", decision=fc.waits_for[ident],
                                  not_before=not_before))
            elif when is None:
                why.append(reason("no-meeting", not_before=not_before))
            elif when > due:
                why.append(reason("after-deadline", forecast=when, due=due))
            if when and key in latest and when > latest[key] and latest[key] < due:
                target_phase, by = definition.target or ("", due)
                why.append(reason("after-latest", forecast=when, latest=latest[key],
                                  target=target_phase, by=by))
            if ident in adopting and when and valid_from and when >= valid_from:
                why.append(reason("after-period-start", valid_from=valid_from))
        elif actual is None and due is not None and not settled_phase and (
                when is None or when > due or (when and key in latest and when > latest[key]
                                               and latest[key] < due)
                or (ident in adopting and when and valid_from and when >= valid_from)):
            why = AT_RISK
        meeting = (fc.meeting.get(ident, planned.meeting.get(ident))
                   if kind == "decision" else None)
        rows.append(Judged(kind, ident, phase, due, when, actual, why, latest.get(key), item,
                           meeting, not_before, skipped))

    for phase in definition.phases:
        if phase.final:
            break
        row("phase", phase.id, phase.id, planned.phase_due.get(phase.id), fc.end.get(phase.id),
            facts.completed.get(phase.id) if facts.status.get(phase.id) == "done" else None)
        for item in phase.items:
            row(item.kind, item.id, phase.id, planned.item_due.get(item.id),
                fc.item.get(item.id), facts.settled.get(item.id), item,
                settled_phase=facts.status.get(phase.id) == "done")
    return rows, planned, fc


@lru_cache(maxsize=64)
def _adopting_ids(definition: Definition) -> frozenset[str]:
    """The ids of the decisions that adopt the plan (none for an extension: see judge)."""
    return (frozenset() if definition.purpose == "extension"
            else frozenset(item.id for item in adopting_decisions(definition)))


def period_start(definition: Definition) -> date | None:
    """The first day of the IVP period the process produces, if it names one."""
    years = definition.period_years
    return date(years[0], 1, 1) if years else None


def build_plan(definition: Definition, facts: Facts) -> Plan:
    """Every dated item with planned, forecast and actual dates, risks, and the clock."""
    judged, planned, fc = judge(definition, facts)
    days = definition.calendar.working
    rows: list[PlanRow] = []
    for j in judged:
        slack = None
        if j.actual is None and j.due and j.when:
            slack = (days.working_days_between(j.when, j.due) if j.when <= j.due
                     else -days.working_days_between(j.due, j.when))
        row = PlanRow(kind=j.kind, id=j.id, phase=j.phase, planned=_iso(j.due),
                      forecast=_iso(j.actual or j.when), actual=_iso(j.actual),
                      slack_days=slack, at_risk=bool(j.reasons) and not j.skipped,
                      why=say_in_json(j.reasons),
                      reasons=j.reasons, latest=_iso(j.latest),
                      not_before=_iso(j.not_before), skipped=j.skipped)
        if j.kind == "decision":
            row["body"] = j.item.body if j.item else None
            row["meeting"] = _iso(j.meeting.date if j.meeting else None)
            row["papers_due"] = _iso(papers_due(definition, j.meeting) if j.meeting else None)
        rows.append(row)
    for meeting in sorted(facts.meetings, key=lambda m: (m.date, m.body)):
        row = PlanRow(kind="meeting", id=meeting.body, phase=None,
                      planned=_iso(meeting.date), forecast=_iso(meeting.date),
                      actual=_iso(meeting.date) if meeting.date <= facts.today else None,
                      slack_days=None, at_risk=False, why=None, reasons=[], latest=None,
                      not_before=None, skipped=False,
                      papers_due=_iso(papers_due(definition, meeting)))
        if meeting.shared:
            row["shared"] = True
        rows.append(row)
    return Plan(rows=rows, clock=four_year_clock(definition, facts, planned, fc,
                                                 period_start(definition)),
                deadlines=planned)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
