"""A process as plain read-only rows (named tuples), read with SQLAlchemy Core, and what follows.

The status, plan and portfolio views and `advance` read a process whole in one query per
table and never build ORM objects; the commands that edit many kinds of rows use the ORM
(`processes`) and turn what they loaded into the same rows with `row_of` where the planner
needs them.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, Select, bindparam, exists, select

from .dates import local
from .errors import UnknownProcessError
from .planning.deadlines import Facts
from .store import tables
from .workflow.loader import load_compiled, parse_definition
from .workflow.model import POSITIVE_OUTCOMES, Definition, Meeting

if TYPE_CHECKING:
    from .workflow.machine import Blockers


class PhaseRow(NamedTuple):
    """Where one phase stands: pending, active or done, and its deadline."""

    phase: str
    position: int
    status: str
    due: date | None
    started_at: datetime | None
    completed_at: datetime | None


class ItemRow(NamedTuple):
    """Where one task, decision or document stands, with its deadline."""

    item_id: str
    kind: str
    phase: str
    position: int
    status: str
    due: date | None
    completed_at: datetime | None
    completed_by: str | None
    note: str | None
    outcome: str | None
    decided_on: date | None


class MeetingRow(NamedTuple):
    """A meeting of a decision body known for the process."""

    body: str
    date: _dt.date
    papers_due: _dt.date | None
    source: str


class SuspensionRow(NamedTuple):
    """A stretch during which the process stood still; `ended_at` None while it lasts."""

    started_at: datetime
    ended_at: datetime | None
    reason: str


class AssignmentRow(NamedTuple):
    """A person in a role of the process."""

    role: str
    email: str
    name: str
    assigned_at: datetime


class ProcessRow(NamedTuple):
    """One process with its phases, items, meetings, suspensions and people, as read."""

    id: str
    workflow: str
    definition_digest: str
    phase: str
    start_date: date
    created_at: datetime
    updated_at: datetime
    version: int
    digest_week: str | None
    phases: tuple[PhaseRow, ...] = ()
    items: tuple[ItemRow, ...] = ()
    meetings: tuple[MeetingRow, ...] = ()
    suspensions: tuple[SuspensionRow, ...] = ()
    assignments: tuple[AssignmentRow, ...] = ()


# The child tables, the row class each becomes, and the order the ORM relationships keep.
_CHILDREN: tuple[tuple[str, Any, type, tuple[str, ...]], ...] = (
    ("phases", tables.phase_states, PhaseRow, ("position",)),
    ("items", tables.items, ItemRow, ("position",)),
    ("meetings", tables.meetings, MeetingRow, ("date", "body")),
    ("suspensions", tables.suspensions, SuspensionRow, ("id",)),
    ("assignments", tables.assignments, AssignmentRow, ("role", "email")),
)


def _names(cls: Any) -> list[str]:
    return list(cls._fields)


def _child_query(table: Any, cls: type, order: tuple[str, ...]) -> Select[Any]:
    columns = [table.c.process_id, *(table.c[name] for name in _names(cls))]
    return select(*columns).order_by(table.c.process_id, *(table.c[o] for o in order))


_PROCESS_COLUMNS = [tables.processes.c[name] for name in _names(ProcessRow)
                    if name not in {name for name, *_ in _CHILDREN}]
_CHILD_QUERIES = {name: _child_query(table, cls, order) for name, table, cls, order in _CHILDREN}
# Built once: a statement built anew for every call costs more than running it. The head
# comes with the phases (one row per phase) and says whether there are meetings and
# suspensions at all: most processes have none, and a query that finds nothing costs as
# much as one that finds a few rows.
_OPTIONAL = ("meetings", "suspensions")
_PHASE_COLUMNS = [tables.phase_states.c[name] for name in _names(PhaseRow)]
_READ_HEAD = (
    select(*_PROCESS_COLUMNS,
           *(exists().where(table.c.process_id == tables.processes.c.id).label(name)
             for name, table, *_ in _CHILDREN if name in _OPTIONAL),
           *_PHASE_COLUMNS)
    .select_from(tables.processes.outerjoin(tables.phase_states))
    .where(tables.processes.c.id == bindparam("pid"))
    .order_by(tables.phase_states.c.position)
)
_READ_CHILDREN = {name: _CHILD_QUERIES[name].where(table.c.process_id == bindparam("pid"))
                  for name, table, *_ in _CHILDREN if name != "phases"}


def read_process(conn: Connection, process_id: str | None, *,
                 people: bool = True) -> ProcessRow:
    """The process with this id, or the only one when no id is given.

    Without `people` its assignments are not read (left empty).
    """
    process_id = which_process(conn, process_id)
    key = {"pid": process_id}
    heads = conn.execute(_READ_HEAD, key).all()
    if not heads:
        raise UnknownProcessError(process_id, process_ids(conn))
    present = heads[0]._mapping
    phases = len(_PROCESS_COLUMNS) + len(_OPTIONAL)
    children: dict[str, Any] = {"phases": tuple(PhaseRow(*head[phases:]) for head in heads
                                                if head[phases] is not None)}
    for name, _table, cls, _order in _CHILDREN:
        if (name in children or (name in _OPTIONAL and not present[name])
                or (name == "assignments" and not people)):
            continue
        rows = conn.execute(_READ_CHILDREN[name], key).all()
        children[name] = tuple(cls(*row[1:]) for row in rows)
    return ProcessRow(*heads[0][:len(_PROCESS_COLUMNS)], **children)


def read_processes(conn: Connection, ids: Iterable[str] | None = None) -> list[ProcessRow]:
    """Every process (or those with these ids) in order of id, in one query per table."""
    processes = tables.processes
    query = select(*_PROCESS_COLUMNS).order_by(processes.c.id)
    wanted = None if ids is None else sorted(set(ids))
    if wanted is not None:
        query = query.where(processes.c.id.in_(wanted))
    heads = conn.execute(query).all()
    children: dict[str, dict[str, list[Any]]] = {name: defaultdict(list) for name, *_ in _CHILDREN}
    for name, table, cls, _order in _CHILDREN:
        child_query = _CHILD_QUERIES[name]
        if wanted is not None:
            child_query = child_query.where(table.c.process_id.in_(wanted))
        for row in conn.execute(child_query).all():
            children[name][row[0]].append(cls(*row[1:]))
    rows = []
    for head in heads:
        mine: dict[str, Any] = {name: tuple(children[name].get(head.id, ()))
                                for name, *_ in _CHILDREN}
        rows.append(ProcessRow(*head, **mine))
    return rows


def which_process(conn: Connection, process_id: str | None) -> str:
    """This id, or the id of the only process when none is given (else UnknownProcessError)."""
    if process_id is not None:
        return process_id
    processes = tables.processes
    ids: list[str] = list(conn.scalars(select(processes.c.id).order_by(processes.c.id).limit(2)))
    if len(ids) != 1:
        raise UnknownProcessError(None, process_ids(conn))
    return ids[0]


def process_ids(conn: Connection) -> list[str]:
    """The ids of every process, in order: what an UnknownProcessError lists."""
    processes = tables.processes
    return list(conn.scalars(select(processes.c.id).order_by(processes.c.id)))


def row_of(process: Any) -> ProcessRow:
    """The rows of a process loaded with the ORM (`store.models.Process`)."""
    def rows(cls: type, objects: Iterable[Any]) -> tuple[Any, ...]:
        names = _names(cls)
        return tuple(cls(*(getattr(obj, name) for name in names)) for obj in objects)

    children: dict[str, Any] = {name: rows(cls, getattr(process, name))
                                for name, _table, cls, _order in _CHILDREN}
    return ProcessRow(*(getattr(process, column.name) for column in _PROCESS_COLUMNS),
                      **children)


# --------------------------------------------------------------------------- definitions

_definitions: dict[str, Definition] = {}


def read_definition(conn: Connection, digest: str) -> Definition:
    """The definition stored under this digest (parsed once per run)."""
    if digest not in _definitions:
        definitions = tables.definitions
        record = conn.execute(
            select(definitions.c.compiled, definitions.c.source, definitions.c.path)
            .where(definitions.c.digest == digest)
        ).first()
        assert record is not None, f"definition {digest} is missing"
        try:
            _definitions[digest] = load_compiled(record.compiled, record.source, record.path)
        except (ValueError, KeyError, TypeError):
            # Written by an older ivpflow: the source text is the truth.
            _definitions[digest] = parse_definition(record.source, record.path)
    return _definitions[digest]


# --------------------------------------------------------------------------- derived facts


def open_suspension(process: ProcessRow) -> SuspensionRow | None:
    """The suspension a process is in now, if any."""
    return next((s for s in process.suspensions if s.ended_at is None), None)


def is_open(state: ItemRow) -> bool:
    """Whether an item still needs doing: a decision without a positive outcome, or not done."""
    if state.kind == "decision":
        return state.outcome not in POSITIVE_OUTCOMES
    return state.status != "done"


def facts_of(process: ProcessRow, today: date) -> Facts:
    """What is known of a process, as the planner's plain data."""
    first = process.phases[0].phase if process.phases else ""
    started: dict[str, date] = {}
    completed: dict[str, date] = {}
    for state in process.phases:
        if state.phase == first:
            started[first] = process.start_date
        elif state.started_at is not None:
            started[state.phase] = local(state.started_at).date()
        if state.status == "done" and state.completed_at is not None:
            completed[state.phase] = local(state.completed_at).date()
    settled = {}
    for item in process.items:
        if item.kind == "decision" and item.outcome in POSITIVE_OUTCOMES and item.decided_on:
            settled[item.item_id] = item.decided_on
        elif item.kind != "decision" and item.status == "done" and item.completed_at:
            settled[item.item_id] = local(item.completed_at).date()
    return Facts(
        start=process.start_date, today=today, started=started, completed=completed,
        status={state.phase: state.status for state in process.phases}, settled=settled,
        meetings=tuple(Meeting(m.body, m.date, m.papers_due) for m in process.meetings),
        suspensions=tuple((local(s.started_at).date(),
                           local(s.ended_at).date() if s.ended_at else None)
                          for s in process.suspensions),
    )


def blockers(items: Sequence[ItemRow], definition: Definition, phase_id: str) -> Blockers:
    """What keeps a phase from being left: open required tasks, documents and decisions."""
    states = {state.item_id: state for state in items}
    found: Blockers = {"open tasks": [], "open documents": [],
                       "decisions without a positive outcome": []}
    for item in definition.phase(phase_id).items:
        state = states[item.id]
        if not item.required:
            continue
        if item.kind == "decision" and state.outcome not in POSITIVE_OUTCOMES:
            found["decisions without a positive outcome"].append(item.id)
        elif item.kind != "decision" and state.status != "done":
            found[f"open {item.kind}s"].append(item.id)
    return {label: ids for label, ids in found.items() if ids}
