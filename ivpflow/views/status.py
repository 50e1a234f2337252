"""The status of one process and its plan: what `status` and `plan` show, as typed records
whose keys are those of `status --json` and `plan --json`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from ..dates import iso, local
from ..planning.clock import Clock, adopting_decisions, cycle_warnings, followed_by
from ..planning.holders import Assignment, Holders, holders_of_item, item_municipality
from ..planning.plan import Plan, PlanRow, build_plan
from ..planning.summary import open_deadlines
from ..store import Store
from ..store.reader import read_definition, read_process
from ..store.rows import (
    PLANNING,
    ProcessRow,
    SharedAssignmentRow,
    facts_of,
    open_suspension,
    people_of,
)
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


class Person(TypedDict):
    name: str
    email: str
    municipality: str | None  # None: for the whole process
    shared: NotRequired[bool]  # in `roles`, true: one of the store's shared people


class Who(TypedDict):
    """Whom an item goes to (planning.holders): the people, the role they hold, and why."""

    people: list[Person]
    role: str | None  # the role they hold: the coordinator's when it stands in
    via: str  # municipality | process | municipalities | coordinator | nobody
    municipality: str | None  # the gemeente the item is of; None when shared


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
    who: Who
    skipped: bool  # left open when its phase was left by a forced advance
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
    not_before: str | None  # no forecast: the earliest it can still be
    adopting: bool  # a decision adopting the IVP (what the clock's forecast is)


class RoleEntry(TypedDict):
    """A role of the workflow and the people who fill it in this process."""

    role: str
    title: str
    people: list[Person]


class Suspension(TypedDict):
    since: str
    reason: str


class MailProblem(TypedDict):
    """A message of the process that failed for good or has waited an hour or more."""

    id: int
    status: str  # failed | queued
    kind: str
    item: str | None
    to: str
    attempts: int
    queued_at: str
    error: str | None


class DraftProblem(TypedDict):
    """A due draft of the process that could not be rendered (retried every tick)."""

    document: str
    error: str
    attempts: int
    since: str


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
    undelivered: NotRequired[list[MailProblem]]
    draft_failures: NotRequired[list[DraftProblem]]


def _day(moment: datetime | None) -> str | None:
    return local(moment).date().isoformat() if moment is not None else None


def process_status(store: Store, process_id: str | None, *, now: datetime) -> Status:
    """One process in full, in the shape of CONTRACT.md's `status --json`."""
    with store.transaction() as tx:
        process = read_process(tx, process_id)
        definition = read_definition(tx, process.definition_digest)
    status = describe(process, definition, now.date())
    status["clock"] = with_successor(store, process.id, status["clock"])
    status["undelivered"], status["draft_failures"] = troubles(store, process.id, now)
    return status


def with_successor(store: Store, process_id: str, clock: Clock | None) -> Clock | None:
    """The clock with the store's successor of an adopted plan, whose warnings it answers
    (looked up only for a plan that warns)."""
    if clock is None or not cycle_warnings(clock):
        return clock
    from ..store.succession import successors

    with store.connect() as conn:
        return followed_by(clock, successors(conn).get(process_id))


def troubles(store: Store, process_id: str,
             now: datetime) -> tuple[list[MailProblem], list[DraftProblem]]:
    """What did not go out for a process: failed or delayed messages, failed drafts."""
    from ..documents.failures import draft_failures
    from ..outbox.troubles import undelivered

    with store.connect() as conn:
        messages = undelivered(conn, [process_id], now)
        failures = draft_failures(conn, [process_id])
    mails = [MailProblem(id=m.id, status=m.status, kind=m.kind, item=m.item, to=m.recipient,
                         attempts=m.attempts,
                         queued_at=local(m.queued_at).isoformat(timespec="minutes"),
                         error=m.error) for m in messages]
    drafts = [DraftProblem(document=f.document, error=f.error, attempts=f.attempts,
                           since=local(f.first_failed_at).isoformat(timespec="minutes"))
              for f in failures]
    return mails, drafts


def describe(process: ProcessRow, definition: Definition, today: date,
             plan: Plan | None = None) -> Status:
    """The status of a process read with its planning parts (and its plan, if made already)."""
    facts = facts_of(process, today)
    people = people_of(process)
    plan = plan or build_plan(definition, facts)
    skipped = {r["id"] for r in plan["rows"] if r["kind"] != "phase" and r["skipped"]}
    adopting = {item.id for item in adopting_decisions(definition)}
    # What is overdue and next, by the rule the portfolio's summary counts with.
    deadlines = open_deadlines(definition, facts, {s.phase: s.due for s in process.phases},
                               {s.item_id: s.due for s in process.items})
    late = {(kind, ident) for due, kind, ident in deadlines if due < today}
    tasks: list[ItemEntry] = []
    decisions: list[ItemEntry] = []
    documents: list[ItemEntry] = []
    for state in process.items:
        item = definition.items[state.item_id]
        entry = ItemEntry(id=item.id, phase=item.phase, title=item.title, due=iso(state.due),
                          required=item.required, role=item.role,
                          overdue=(item.kind, item.id) in late, note=state.note,
                          skipped=item.id in skipped,
                          who=_who(holders_of_item(people, definition, item),
                                   item_municipality(definition, item)))
        if item.kind == "decision":
            entry["body"], entry["municipality"] = item.body, item.municipality
            entry["outcome"], entry["date"] = state.outcome, iso(state.decided_on)
            decisions.append(entry)
        else:
            entry["status"], entry["completed"] = state.status, _day(state.completed_at)
            entry["completed_by"] = state.completed_by
            (tasks if item.kind == "task" else documents).append(entry)
    phases: list[PhaseEntry] = []
    for phase_state in process.phases:
        phase = definition.phase(phase_state.phase)
        phases.append(PhaseEntry(id=phase.id, title=phase.title, status=phase_state.status,
                                 due=iso(phase_state.due), started=_day(phase_state.started_at),
                                 completed=_day(phase_state.completed_at), final=phase.final))
    # Items before phases where a phase and an item share an id and a day.
    overdue = [Dated(kind=kind, id=ident, due=due.isoformat())
               for due, kind, ident in sorted(deadlines, key=lambda d: (d[0], d[2],
                                                                        d[1] == "phase"))
               if due < today]
    upcoming = sorted(entry for entry in deadlines if entry[0] >= today)
    first = upcoming[0] if upcoming else None
    return Status(
        id=process.id, workflow=process.workflow, title=definition.title, phase=process.phase,
        start=process.start_date.isoformat(), today=today.isoformat(), phases=phases,
        tasks=tasks, decisions=decisions, documents=documents,
        roles=[RoleEntry(role=role, title=title,
                         people=[_person(a) for a in _by_municipality(people, definition)
                                 if a.role == role])
               for role, title in definition.roles.items()],
        next_deadline=(Dated(kind=first[1], id=first[2], due=first[0].isoformat())
                       if first else None),
        overdue=overdue,
        at_risk=[Risk(kind=r["kind"], id=r["id"], due=r["planned"], forecast=r["forecast"],
                      why=r["why"], reasons=r["reasons"], not_before=r["not_before"],
                      adopting=r["kind"] == "decision" and r["id"] in adopting)
                 for r in plan["rows"] if r["at_risk"]],
        clock=plan["clock"], suspended=_suspension(process),
        upcoming=[Upcoming(kind=kind, id=ident, due=due.isoformat(),
                           working_days_left=_working_days_left(definition, kind, ident, today,
                                                                due))
                  for due, kind, ident in upcoming[:5]],
    )


def _person(assignment: Assignment) -> Person:
    person = Person(name=assignment.name, email=assignment.email,
                    municipality=assignment.municipality or None)
    if isinstance(assignment, SharedAssignmentRow):
        person["shared"] = True
    return person


def _who(holders: Holders, municipality: str | None) -> Who:
    return Who(people=[Person(name=p.name, email=p.email, municipality=p.municipality or None)
                       for p in holders.people],
               role=holders.role or None, via=holders.via, municipality=municipality)


def _by_municipality(assignments: Iterable[Assignment],
                     definition: Definition) -> list[Assignment]:
    """Process-wide holders first, then per gemeente in the definition's order."""
    order = {name: index for index, name in enumerate(definition.municipalities, 1)}
    return sorted(assignments, key=lambda a: (order.get(a.municipality, 0), a.municipality,
                                              a.email.lower()))


def _working_days_left(definition: Definition, kind: str, ident: str, today: date,
                       due: date) -> int:
    """Counted on the item's own municipality's calendar (the process's for a phase), as the
    planner counts."""
    municipality = None if kind == "phase" else definition.items[ident].municipality
    return definition.calendar_for(municipality).working.working_days_between(today, due)


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
