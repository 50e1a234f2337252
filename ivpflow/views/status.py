"""The status of one process and its plan: what `status` and `plan` show, as typed records
whose keys are those of `status --json` and `plan --json`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from ..dates import iso, local
from ..planning.clock import Clock
from ..planning.plan import PlanRow, build_plan
from ..store import Store
from ..store.reader import read_definition, read_process
from ..store.rows import PLANNING, ProcessRow, facts_of, is_open, open_suspension
from ..workflow.model import Definition


class PhaseEntry(TypedDict):
    """One phase of `status --json`."""

    id: str
    title: str
    status: str
    due: str | None
    started: str | None
    completed: str | None
    final: bool


class ItemEntry(TypedDict):
    """A task, document or decision of `status --json`."""

    id: str
    phase: str
    title: str
    due: str | None
    required: bool
    role: str | None
    overdue: bool
    note: str | None
    # tasks and documents
    status: NotRequired[str]
    completed: NotRequired[str | None]
    completed_by: NotRequired[str | None]
    # decisions
    body: NotRequired[str | None]
    municipality: NotRequired[str | None]
    outcome: NotRequired[str | None]
    date: NotRequired[str | None]


class Dated(TypedDict):
    """A deadline: what (kind and id) falls due when."""

    kind: str
    id: str
    due: str


class Upcoming(Dated):
    """A deadline still to come, with the working days left on its own calendar."""

    working_days_left: int


class Risk(TypedDict):
    """An item at risk: its deadline, its forecast and why."""

    kind: str
    id: str
    due: str | None
    forecast: str | None
    why: str | None
    reasons: list[dict[str, Any]]


class Person(TypedDict):
    name: str
    email: str


class RoleEntry(TypedDict):
    """A role of the workflow and the people who fill it in this process."""

    role: str
    title: str
    people: list[Person]


class Suspension(TypedDict):
    since: str
    reason: str


class Status(TypedDict):
    """One process in full: `status --json`."""

    id: str
    workflow: str
    title: str
    phase: str
    start: str
    today: str
    phases: list[PhaseEntry]
    tasks: list[ItemEntry]
    decisions: list[ItemEntry]
    documents: list[ItemEntry]
    roles: list[RoleEntry]
    next_deadline: Dated | None
    overdue: list[Dated]
    at_risk: list[Risk]
    clock: Clock | None
    suspended: Suspension | None
    upcoming: list[Upcoming]


def _day(moment: datetime | None) -> str | None:
    return local(moment).date().isoformat() if moment is not None else None


def process_status(store: Store, process_id: str | None, *, now: datetime) -> Status:
    """One process in full, in the shape of CONTRACT.md's `status --json`."""
    with store.transaction() as tx:
        process = read_process(tx, process_id)
        definition = read_definition(tx, process.definition_digest)
    return describe(process, definition, now.date())


def describe(process: ProcessRow, definition: Definition, today: date,
             plan_rows: list[PlanRow] | None = None, clock: Clock | None = None) -> Status:
    """The status of a process read with its planning parts."""
    if plan_rows is None:
        plan = build_plan(definition, facts_of(process, today))
        plan_rows, clock = plan["rows"], plan["clock"]
    phase_status = {state.phase: state.status for state in process.phases}
    tasks: list[ItemEntry] = []
    decisions: list[ItemEntry] = []
    documents: list[ItemEntry] = []
    overdue: list[Dated] = []
    upcoming: list[tuple[date, str, str, int]] = []
    at_risk = [Risk(kind=r["kind"], id=r["id"], due=r["planned"], forecast=r["forecast"],
                    why=r["why"], reasons=r["reasons"]) for r in plan_rows if r["at_risk"]]
    for state in process.items:
        item = definition.items[state.item_id]
        days = definition.calendar_for(item.municipality).working
        still_open = is_open(state) and phase_status[item.phase] != "done"
        late = still_open and state.due is not None and state.due < today
        entry = ItemEntry(id=item.id, phase=item.phase, title=item.title, due=iso(state.due),
                          required=item.required, role=item.role, overdue=late, note=state.note)
        if item.kind == "decision":
            entry["body"], entry["municipality"] = item.body, item.municipality
            entry["outcome"], entry["date"] = state.outcome, iso(state.decided_on)
            decisions.append(entry)
        else:
            entry["status"], entry["completed"] = state.status, _day(state.completed_at)
            entry["completed_by"] = state.completed_by
            (tasks if item.kind == "task" else documents).append(entry)
        if late and state.due is not None:
            overdue.append(Dated(kind=item.kind, id=item.id, due=state.due.isoformat()))
        elif still_open and state.due is not None:
            upcoming.append((state.due, item.kind, item.id,
                             days.working_days_between(today, state.due)))
    phases: list[PhaseEntry] = []
    process_days = definition.calendar.working
    for phase_state in process.phases:
        phase = definition.phase(phase_state.phase)
        due = phase_state.due
        phases.append(PhaseEntry(id=phase.id, title=phase.title, status=phase_state.status,
                                 due=iso(due), started=_day(phase_state.started_at),
                                 completed=_day(phase_state.completed_at), final=phase.final))
        if phase_state.status != "done" and due is not None:
            if due < today:
                overdue.append(Dated(kind="phase", id=phase.id, due=due.isoformat()))
            else:
                upcoming.append((due, "phase", phase.id,
                                 process_days.working_days_between(today, due)))
    upcoming.sort()
    overdue.sort(key=lambda entry: (entry["due"], entry["id"]))
    first = upcoming[0] if upcoming else None
    return Status(
        id=process.id, workflow=process.workflow, title=definition.title, phase=process.phase,
        start=process.start_date.isoformat(), today=today.isoformat(), phases=phases,
        tasks=tasks, decisions=decisions, documents=documents,
        roles=[RoleEntry(role=role, title=title,
                         people=[Person(name=a.name, email=a.email)
                                 for a in process.assignments if a.role == role])
               for role, title in definition.roles.items()],
        next_deadline=(Dated(kind=first[1], id=first[2], due=first[0].isoformat())
                       if first else None),
        overdue=overdue, at_risk=at_risk, clock=clock, suspended=_suspension(process),
        upcoming=[Upcoming(kind=kind, id=ident, due=due.isoformat(), working_days_left=left)
                  for due, kind, ident, left in upcoming[:5]],
    )


def _suspension(process: ProcessRow) -> Suspension | None:
    current = open_suspension(process)
    if current is None:
        return None
    return Suspension(since=local(current.started_at).date().isoformat(),
                      reason=current.reason)


def process_plan(store: Store, process_id: str | None, *, now: datetime) -> list[PlanRow]:
    """Every dated item of a process: planned, forecast and actual dates, slack and risk."""
    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=PLANNING)
        definition = read_definition(tx, process.definition_digest)
    return build_plan(definition, facts_of(process, now.date()))["rows"]
