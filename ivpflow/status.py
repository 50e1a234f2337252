"""Read-only views of processes: status, the portfolio list, and the history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from .calendar import DEFAULT_CALENDAR
from .dates import iso, local
from .definitions import POSITIVE_OUTCOMES, Definition
from .processes import definition_of, load_process
from .store import Store
from .store.models import Event, ItemState, Process

# An item due this many working days from now whose phase has not begun is at risk.
RISK_HORIZON_WORKING_DAYS = 10


def _day(moment: datetime | None) -> str | None:
    return local(moment).date().isoformat() if moment is not None else None


def _is_open(state: ItemState) -> bool:
    if state.kind == "decision":
        return state.outcome not in POSITIVE_OUTCOMES
    return state.status != "done"


def process_status(store: Store, process_id: str | None, *, now: datetime) -> dict[str, Any]:
    """One process in full, in the shape of CONTRACT.md's `status --json`."""
    with store.transaction(process_id or "") as session:
        process = load_process(session, process_id)
        return describe(process, definition_of(session, process), now.date())


def describe(process: Process, definition: Definition, today: date) -> dict[str, Any]:
    """The status of a loaded process as plain data."""
    phase_status = {state.phase: state.status for state in process.phases}
    tasks: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    at_risk: list[dict[str, Any]] = []
    upcoming: list[tuple[date, str, str]] = []
    for state in process.items:
        item = definition.items[state.item_id]
        settled_phase = phase_status[item.phase] == "done"
        is_open = _is_open(state) and not settled_phase
        late = is_open and state.due is not None and state.due < today
        common = {"id": item.id, "phase": item.phase, "title": item.title, "due": iso(state.due),
                  "required": item.required, "role": item.role, "overdue": late}
        if item.kind == "decision":
            decisions.append({**common, "body": item.body, "municipality": item.municipality,
                              "outcome": state.outcome, "date": iso(state.decided_on),
                              "note": state.note})
        else:
            entry = {**common, "status": state.status, "completed": _day(state.completed_at),
                     "completed_by": state.completed_by, "note": state.note}
            (tasks if item.kind == "task" else documents).append(entry)
        if late:
            overdue.append({"kind": item.kind, "id": item.id, "due": iso(state.due)})
        elif is_open and state.due is not None:
            upcoming.append((state.due, item.kind, item.id))
            days_left = DEFAULT_CALENDAR.working_days_between(today, state.due)
            if (phase_status[item.phase] == "pending"
                    and days_left <= RISK_HORIZON_WORKING_DAYS):
                at_risk.append({"kind": item.kind, "id": item.id, "due": iso(state.due),
                                "why": f"due in {days_left} working days but phase "
                                       f"'{item.phase}' has not started"})
    phases = []
    for phase_state in process.phases:
        phase = definition.phase(phase_state.phase)
        due = phase_state.due
        phases.append({"id": phase.id, "title": phase.title, "status": phase_state.status,
                       "due": iso(due), "started": _day(phase_state.started_at),
                       "completed": _day(phase_state.completed_at), "final": phase.final})
        if phase_state.status != "done" and due is not None:
            if due < today:
                overdue.append({"kind": "phase", "id": phase.id, "due": iso(due)})
            else:
                upcoming.append((due, "phase", phase.id))
    upcoming.sort()
    overdue.sort(key=lambda entry: (entry["due"], entry["id"]))
    next_deadline = (
        {"kind": upcoming[0][1], "id": upcoming[0][2], "due": upcoming[0][0].isoformat()}
        if upcoming else None
    )
    return {
        "id": process.id,
        "workflow": process.workflow,
        "title": definition.title,
        "phase": process.phase,
        "start": process.start_date.isoformat(),
        "today": today.isoformat(),
        "phases": phases,
        "tasks": tasks,
        "decisions": decisions,
        "documents": documents,
        "roles": [{"role": role, "title": title,
                   "people": [{"name": a.name, "email": a.email}
                              for a in process.assignments if a.role == role]}
                  for role, title in definition.roles.items()],
        "next_deadline": next_deadline,
        "overdue": overdue,
        "at_risk": at_risk,
        "upcoming": [{"kind": kind, "id": ident, "due": due.isoformat(),
                      "working_days_left": DEFAULT_CALENDAR.working_days_between(today, due)}
                     for due, kind, ident in upcoming[:5]],
    }


def list_processes(store: Store, *, now: datetime) -> list[dict[str, Any]]:
    """Every process with its phase, next deadline and counts of overdue and at-risk items."""
    today = now.date()
    rows: list[dict[str, Any]] = []
    with store.transaction() as session:
        for process in session.scalars(select(Process).order_by(Process.id)):
            status = describe(process, definition_of(session, process), today)
            nxt = status["next_deadline"]
            rows.append({"id": process.id, "workflow": process.workflow,
                         "phase": process.phase,
                         "next_deadline": nxt["due"] if nxt else None,
                         "next_item": nxt["id"] if nxt else None,
                         "overdue": len(status["overdue"]), "at_risk": len(status["at_risk"])})
    return rows


def history(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The append-only event log of one process, oldest first."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        events = session.scalars(
            select(Event).where(Event.process_id == process.id).order_by(Event.id)
        )
        return [{"at": local(e.at).isoformat(timespec="seconds"), "actor": e.actor,
                 "event": e.event, "from": e.from_state, "to": e.to_state, "item": e.item,
                 "note": e.note} for e in events]
