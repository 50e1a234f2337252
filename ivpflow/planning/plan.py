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
from typing import Any

from ..workflow.model import Definition
from .clock import adopting_decisions, four_year_clock
from .deadlines import Facts, plan_deadlines
from .forecast import forecast, latest_dates
from .meetings import papers_due
from .reasons import reason, say


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
    return {"rows": rows, "clock": four_year_clock(definition, facts, planned, fc, valid_from),
            "deadlines": planned}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
