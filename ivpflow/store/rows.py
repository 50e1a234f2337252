"""A process as plain, read-only rows (named tuples), and the facts that follow from them.

The reader fills these from the tables and the writer compares them to decide what to write;
the names are the tables' column names (a test keeps both in step), the types live in `tables`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Table

from ..dates import local
from ..planning.deadlines import Facts
from ..planning.holders import Assignment, merge_people
from ..planning.meetings import merge_meetings
from ..workflow.model import POSITIVE_OUTCOMES, Blockers, Definition, Meeting
from . import tables


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
    extends: date | None = None  # a raad decision: the day it extends the current plan until


class MeetingRow(NamedTuple):
    """A meeting of a decision body known for the process; `id` None until written."""

    id: int | None
    body: str
    date: _dt.date
    papers_due: _dt.date | None
    source: str
    created_at: datetime
    origin: str | None = None  # the calendar a synced meeting came from (`meeting sync`)
    uid: str | None = None  # its id in that calendar


class ScheduleRow(NamedTuple):
    """A recurring meeting schedule of one body: an RRULE between two days, and the days of
    its occurrences that were cancelled (ISO dates, comma-separated)."""

    body: str
    rule: str
    starts: _dt.date
    ends: _dt.date
    exceptions: str
    created_at: datetime


class SuspensionRow(NamedTuple):
    """A stretch during which the process stood still; `ended_at` None while it lasts."""

    id: int | None
    started_at: datetime
    ended_at: datetime | None
    reason: str


class AssignmentRow(NamedTuple):
    """A person in a role of the process."""

    role: str
    email: str
    name: str
    assigned_at: datetime
    municipality: str = ""  # '' for the whole process


class SharedMeetingRow(NamedTuple):
    """A meeting of a decision body known to every process of the store."""

    id: int | None
    body: str
    date: _dt.date
    papers_due: _dt.date | None
    created_at: datetime


class SharedAssignmentRow(NamedTuple):
    """A person in a role of every process of the store that has the role and no holder of
    its own for it (for the whole process, or one gemeente)."""

    role: str
    municipality: str
    email: str
    name: str
    assigned_at: datetime


class PriorityRow(NamedTuple):
    """A priority (speerpunt) chosen for the IVP, in one of the five veiligheidsvelden."""

    id: str
    veld: int
    theme: str
    title: str
    rationale: str | None
    position: int
    created_at: datetime
    gemeente: str | None = None  # one gemeente's own priority; None: shared by all


class IndicatorRow(NamedTuple):
    """An indicator of a priority (or, in the analysis, of a veld: priority_id 'veld-N')."""

    id: str
    priority_id: str
    title: str
    source: str | None
    baseline: str | None
    baseline_year: int | None
    target: str | None
    target_year: int | None
    position: int


class ObservationRow(NamedTuple):
    """One figure of a series for one region and year (see tables.observations)."""

    region: str
    year: int
    table_id: str
    series: str
    name: str
    measure: str
    value: float
    lower: float | None
    upper: float | None
    source: str
    retrieved_on: date


class ActionRow(NamedTuple):
    """An action of the uitvoeringsplan."""

    id: str
    priority_id: str | None
    title: str
    doelstelling: str | None
    activiteiten: str | None
    trekker: str | None
    betrokkenen: str | None
    termijn: date | None
    kosten: str | None
    position: int


class ValueRow(NamedTuple):
    """A named value documents need ('zaaknummer', or 'zaaknummer@Losser' for one gemeente)."""

    key: str
    value: str


class DraftRow(NamedTuple):
    """One kept version of a document draft; `id` None until written."""

    id: int | None
    document: str
    format: str
    version: int
    path: str
    sha256: str
    reason: str
    created_at: datetime
    inputs: str | None = None  # the fingerprint of what it was made from
    sources: str | None = None  # the fingerprint of the templates and house style in effect
    checked_at: datetime | None = None  # when its inputs were last found unchanged
    source_sha256: str | None = None  # the Markdown it was rendered from


class ProcessRow(NamedTuple):
    """One process with the parts that were read (the others are empty)."""

    id: str
    workflow: str
    definition_digest: str
    phase: str
    start_date: date
    created_at: datetime
    updated_at: datetime
    version: int
    digest_week: str | None
    summary_on: date | None = None
    summary_through: date | None = None
    overdue: int | None = None
    at_risk: int | None = None
    next_due: date | None = None
    next_kind: str | None = None
    next_item: str | None = None
    phases: tuple[PhaseRow, ...] = ()
    items: tuple[ItemRow, ...] = ()
    meetings: tuple[MeetingRow, ...] = ()
    suspensions: tuple[SuspensionRow, ...] = ()
    assignments: tuple[AssignmentRow, ...] = ()
    priorities: tuple[PriorityRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    actions: tuple[ActionRow, ...] = ()
    values: tuple[ValueRow, ...] = ()
    drafts: tuple[DraftRow, ...] = ()
    schedules: tuple[ScheduleRow, ...] = ()
    observations: tuple[ObservationRow, ...] = ()
    # The store's shared meetings and people that apply to this process (its definition's
    # bodies and roles), read with `meetings` and `assignments`; never written with it.
    shared_meetings: tuple[SharedMeetingRow, ...] = ()
    shared_assignments: tuple[SharedAssignmentRow, ...] = ()

    def item(self, item_id: str) -> ItemRow:
        """The row of one item (KeyError if the process has none of that id)."""
        for state in self.items:
            if state.item_id == item_id:
                return state
        raise KeyError(item_id)

    def phase_row(self, phase_id: str) -> PhaseRow:
        """The row of one phase (KeyError if there is none)."""
        for state in self.phases:
            if state.phase == phase_id:
                return state
        raise KeyError(phase_id)


class EventRow(NamedTuple):
    """One entry of the append-only history."""

    id: int
    process_id: str
    at: datetime
    actor: str
    event: str
    from_state: str | None
    to_state: str | None
    item: str | None
    note: str | None


@dataclass(frozen=True)
class Part:
    """A child table of a process: its rows, their key and the order they are read in."""

    name: str
    table: Table
    row: Any  # the NamedTuple class
    key: tuple[str, ...]
    order: tuple[str, ...]
    generated: str | None = None  # an autoincrement key column, left out of an INSERT

    def __post_init__(self) -> None:
        object.__setattr__(self, "_at", tuple(self.row._fields.index(k) for k in self.key))

    def key_of(self, row: Any) -> tuple[Any, ...]:
        """The key of a row, as the writer compares rows."""
        at: tuple[int, ...] = self._at  # type: ignore[attr-defined]
        return (row[at[0]],) if len(at) == 1 else tuple(row[i] for i in at)


PARTS: dict[str, Part] = {part.name: part for part in (
    Part("phases", tables.phase_states, PhaseRow, ("phase",), ("position",)),
    Part("items", tables.items, ItemRow, ("item_id",), ("position",)),
    Part("meetings", tables.meetings, MeetingRow, ("id",), ("date", "body"), "id"),
    Part("suspensions", tables.suspensions, SuspensionRow, ("id",), ("id",), "id"),
    Part("assignments", tables.assignments, AssignmentRow,
         ("role", "municipality", "email"), ("role", "municipality", "email")),
    Part("priorities", tables.priorities, PriorityRow, ("id",), ("position",)),
    Part("indicators", tables.indicators, IndicatorRow, ("id",), ("position",)),
    Part("actions", tables.actions, ActionRow, ("id",), ("position",)),
    Part("values", tables.process_values, ValueRow, ("key",), ("key",)),
    Part("drafts", tables.drafts, DraftRow, ("id",), ("id",), "id"),
    Part("schedules", tables.meeting_schedules, ScheduleRow, ("body",), ("body",)),
    Part("observations", tables.observations, ObservationRow,
         ("region", "year", "table_id", "series"), ("series", "region", "year", "table_id")),
)}
# What the planner and every change need; the rest is read when asked for.
PLANNING = frozenset({"phases", "items", "meetings", "suspensions"})
PEOPLE = PLANNING | {"assignments"}  # what the status shows: who fills the roles
CONTENT = frozenset({"priorities", "indicators", "actions", "values"})
# What the reader adds to a process that is not its own: read with the part named, not written.
SHARED = {"shared_meetings": "meetings", "shared_assignments": "assignments"}
HEAD = [name for name in ProcessRow._fields if name not in PARTS and name not in SHARED]


# --------------------------------------------------------------------------- derived facts


def open_suspension(process: ProcessRow) -> SuspensionRow | None:
    """The suspension a process is in now, if any."""
    return next((s for s in process.suspensions if s.ended_at is None), None)


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
    extended = {}
    for item in process.items:
        if item.kind == "decision" and item.outcome in POSITIVE_OUTCOMES and item.decided_on:
            settled[item.item_id] = item.decided_on
            if item.extends is not None:
                extended[item.item_id] = item.extends
        elif item.kind != "decision" and item.status == "done" and item.completed_at:
            settled[item.item_id] = local(item.completed_at).date()
    return Facts(
        start=process.start_date, today=today, started=started, completed=completed,
        status={state.phase: state.status for state in process.phases}, settled=settled,
        extended=extended, meetings=meetings_of(process),
        suspensions=tuple((local(s.started_at).date(),
                           local(s.ended_at).date() if s.ended_at else None)
                          for s in process.suspensions),
    )


def meetings_of(process: ProcessRow) -> tuple[Meeting, ...]:
    """The meetings a process plans on: its own and the store's shared ones (`shared` set),
    its own winning where body and date are the same."""
    return merge_meetings([Meeting(m.body, m.date, m.papers_due) for m in process.meetings],
                          [Meeting(m.body, m.date, m.papers_due, shared=True)
                           for m in process.shared_meetings])


def people_of(process: ProcessRow) -> tuple[Assignment, ...]:
    """Who fills the roles of a process: its own holders, and for a role (and gemeente) it
    has none of its own for, the store's shared ones."""
    return merge_people(process.assignments, process.shared_assignments)


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


class OutboxRow(NamedTuple):
    """One reminder or digest in the outbox, with its delivery state."""

    id: int
    dedupe_key: str
    process_id: str
    kind: str
    item: str | None
    due: date | None
    moment: date
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    body_html: str
    ics: str | None
    message_id: str
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_by: str | None
    claimed_until: datetime | None
    queued_at: datetime
    sent_at: datetime | None
    error: str | None
    first_failed_at: datetime | None = None
    unconfirmed: int = 0
    reply_to: str | None = None
