"""Read-only views of processes: status, the portfolio list, and the history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from .dates import iso, local
from .errors import UnknownProcessError
from .planning.plan import build_plan
from .records import (
    ProcessRow,
    facts_of,
    is_open,
    open_suspension,
    read_definition,
    read_process,
    read_processes,
)
from .store import Store, tables
from .workdays import DEFAULT_CALENDAR
from .workflow.model import Definition


def _day(moment: datetime | None) -> str | None:
    return local(moment).date().isoformat() if moment is not None else None


def process_status(store: Store, process_id: str | None, *, now: datetime) -> dict[str, Any]:
    """One process in full, in the shape of CONTRACT.md's `status --json`."""
    with store.connect(process_id or "") as conn:
        process = read_process(conn, process_id)
        return describe(process, read_definition(conn, process.definition_digest), now.date())


def describe(process: ProcessRow, definition: Definition, today: date) -> dict[str, Any]:
    """The status of a loaded process as plain data."""
    phase_status = {state.phase: state.status for state in process.phases}
    tasks: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    upcoming: list[tuple[date, str, str]] = []
    plan = build_plan(definition, facts_of(process, today))
    at_risk = [{"kind": r["kind"], "id": r["id"], "due": r["planned"], "forecast": r["forecast"],
                "why": r["why"], "reasons": r["reasons"]} for r in plan["rows"] if r["at_risk"]]
    for state in process.items:
        item = definition.items[state.item_id]
        settled_phase = phase_status[item.phase] == "done"
        still_open = is_open(state) and not settled_phase
        late = still_open and state.due is not None and state.due < today
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
        elif still_open and state.due is not None:
            upcoming.append((state.due, item.kind, item.id))
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
        "clock": plan["clock"],
        "suspended": _suspension(process),
        "upcoming": [{"kind": kind, "id": ident, "due": due.isoformat(),
                      "working_days_left": DEFAULT_CALENDAR.working_days_between(today, due)}
                     for due, kind, ident in upcoming[:5]],
    }


def _suspension(process: ProcessRow) -> dict[str, Any] | None:
    current = open_suspension(process)
    if current is None:
        return None
    return {"since": local(current.started_at).date().isoformat(), "reason": current.reason}


def process_plan(store: Store, process_id: str | None, *, now: datetime) -> list[dict[str, Any]]:
    """Every dated item of a process: planned, forecast and actual dates, slack and risk."""
    with store.connect(process_id or "") as conn:
        process = read_process(conn, process_id)
        definition = read_definition(conn, process.definition_digest)
        rows: list[dict[str, Any]] = build_plan(definition, facts_of(process, now.date()))["rows"]
        return rows


def list_processes(store: Store, *, now: datetime) -> list[dict[str, Any]]:
    """Every process with its phase, next deadline and counts of overdue and at-risk items."""
    today = now.date()
    rows: list[dict[str, Any]] = []
    with store.connect() as conn:
        for process in read_processes(conn):
            status = describe(process, read_definition(conn, process.definition_digest), today)
            nxt = status["next_deadline"]
            rows.append({"id": process.id, "workflow": process.workflow,
                         "phase": process.phase,
                         "next_deadline": nxt["due"] if nxt else None,
                         "next_item": nxt["id"] if nxt else None,
                         "overdue": len(status["overdue"]), "at_risk": len(status["at_risk"])})
    return rows


def history(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The append-only event log of one process, oldest first."""
    events = tables.events
    with store.connect(process_id) as conn:
        process = read_process(conn, process_id)
        rows = conn.execute(select(events).where(events.c.process_id == process.id)
                            .order_by(events.c.id))
        return [{"at": local(e.at).isoformat(timespec="seconds"), "actor": e.actor,
                 "event": e.event, "from": e.from_state, "to": e.to_state, "item": e.item,
                 "note": e.note} for e in rows]


def working_days(store: Store | None, first: date, last: date, *, municipality: str | None,
                 process_id: str | None = None, extra: str | None = None) -> dict[str, Any]:
    """Working days between two dates (inclusive), and the reason for every other day.

    Local closing days and recesses come from the definition of the named process, or of
    the only process, or else from the first available definition that knows the municipality.
    """
    from .errors import InvalidValueError
    from .workflow.loader import definition_paths, load_definition

    if last < first:
        raise InvalidValueError(f"The second date ({last}) lies before the first ({first})")
    if (last - first).days > 3660:
        raise InvalidValueError("Ask for at most ten years at a time")
    definition = None
    if store is not None and (process_id is not None or municipality is not None):
        with store.connect(process_id or "") as conn:
            try:
                definition = read_definition(conn, read_process(conn, process_id)
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
            raise InvalidValueError(f"No definition knows municipality '{municipality}'")
    local_calendar = (definition.calendar_for(municipality) if definition is not None
                      else None)
    working = local_calendar.working if local_calendar else DEFAULT_CALENDAR
    open_days, closed, recess = [], [], []
    for day, why in working.days(first, last):
        if why is None:
            open_days.append(day.isoformat())
        else:
            closed.append({"date": day.isoformat(), "why": why})
        period = local_calendar.in_recess(day) if local_calendar else None
        if period is not None:
            recess.append({"date": day.isoformat(), "why": period.why})
    return {"working_days": open_days, "closed": closed, "recess": recess,
            "municipality": municipality}


def outbox_messages(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """The outbox, oldest first, in the shape of CONTRACT.md's `outbox --json`."""
    outbox = tables.outbox
    with store.connect() as conn:
        query = select(outbox).order_by(outbox.c.id)
        if status is not None:
            query = query.where(outbox.c.status == status)
        return [{"id": m.id, "process": m.process_id, "kind": m.kind, "item": m.item,
                 "to": m.recipient, "subject": m.subject, "status": m.status,
                 "attempts": m.attempts, "message_id": m.message_id,
                 "queued_at": local(m.queued_at).isoformat(timespec="seconds"),
                 "sent_at": local(m.sent_at).isoformat(timespec="seconds") if m.sent_at
                 else None, "error": m.error, "due": iso(m.due), "moment": iso(m.moment)}
                for m in conn.execute(query)]
