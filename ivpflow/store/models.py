"""The ORM classes, mapped onto the Core tables of `tables` (the one description of the schema).

The annotations are for the type checker; the columns come from the tables.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from . import tables


class Base(DeclarativeBase):
    """Declarative base on the tables' metadata (with the naming convention Alembic needs)."""

    metadata = tables.metadata


class DefinitionRecord(Base):
    """A copy of each definition text a process was started from, keyed by its hash."""

    __table__ = tables.definitions

    digest: Mapped[str]
    workflow: Mapped[str]
    path: Mapped[str]
    source: Mapped[str]
    compiled: Mapped[str]
    stored_at: Mapped[datetime]


class Process(Base):
    """One run of a workflow; `version` makes a concurrent change a conflict."""

    __table__ = tables.processes

    id: Mapped[str]
    workflow: Mapped[str]
    definition_digest: Mapped[str]
    phase: Mapped[str]
    start_date: Mapped[date]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int]
    digest_week: Mapped[str | None]

    phases: Mapped[list[PhaseState]] = relationship(
        back_populates="process", order_by="PhaseState.position", cascade="all, delete-orphan"
    )
    items: Mapped[list[ItemState]] = relationship(
        back_populates="process", order_by="ItemState.position", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="process", order_by="Assignment.role", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[MeetingRecord]] = relationship(
        back_populates="process", order_by="(MeetingRecord.date, MeetingRecord.body)",
        cascade="all, delete-orphan",
    )
    suspensions: Mapped[list[Suspension]] = relationship(
        back_populates="process", order_by="Suspension.id", cascade="all, delete-orphan"
    )

    # Bumped by hand on every change (processes._touch), also when only child rows change,
    # and checked by SQLAlchemy in the UPDATE's WHERE clause.
    __mapper_args__ = {"version_id_col": tables.processes.c.version,
                       "version_id_generator": False}


class PhaseState(Base):
    """Where one phase of a process stands: pending, active or done, and its deadline."""

    __table__ = tables.phase_states

    process_id: Mapped[str]
    phase: Mapped[str]
    position: Mapped[int]
    status: Mapped[str]
    due: Mapped[date | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    process: Mapped[Process] = relationship(back_populates="phases")


class ItemState(Base):
    """Where one task, decision or document of a process stands, with its deadline."""

    __table__ = tables.items

    process_id: Mapped[str]
    item_id: Mapped[str]
    kind: Mapped[str]
    phase: Mapped[str]
    position: Mapped[int]
    status: Mapped[str]
    due: Mapped[date | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None]
    note: Mapped[str | None]
    outcome: Mapped[str | None]
    decided_on: Mapped[date | None]

    process: Mapped[Process] = relationship(back_populates="items")


class Assignment(Base):
    """A person who fills a role of the workflow in one process."""

    __table__ = tables.assignments

    process_id: Mapped[str]
    role: Mapped[str]
    email: Mapped[str]
    name: Mapped[str]
    assigned_at: Mapped[datetime]

    process: Mapped[Process] = relationship(back_populates="assignments")


class MeetingRecord(Base):
    """A meeting of a decision body known for a process (from the definition or entered)."""

    __table__ = tables.meetings

    id: Mapped[int]
    process_id: Mapped[str]
    body: Mapped[str]
    date: Mapped[_dt.date]
    papers_due: Mapped[_dt.date | None]
    source: Mapped[str]
    created_at: Mapped[datetime]

    process: Mapped[Process] = relationship(back_populates="meetings")


class Suspension(Base):
    """A stretch during which a process stood still (e.g. around elections)."""

    __table__ = tables.suspensions

    id: Mapped[int]
    process_id: Mapped[str]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    reason: Mapped[str]

    process: Mapped[Process] = relationship(back_populates="suspensions")


class OutboxMessage(Base):
    """One reminder or digest: queued once (its dedupe key is unique), then sent or failed."""

    __table__ = tables.outbox

    id: Mapped[int]
    dedupe_key: Mapped[str]
    process_id: Mapped[str]
    kind: Mapped[str]
    item: Mapped[str | None]
    due: Mapped[_dt.date | None]
    moment: Mapped[_dt.date]
    recipient: Mapped[str]
    recipient_name: Mapped[str]
    subject: Mapped[str]
    body_text: Mapped[str]
    body_html: Mapped[str]
    ics: Mapped[str | None]
    message_id: Mapped[str]
    status: Mapped[str]
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None]
    claimed_until: Mapped[datetime | None]
    queued_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None]


class Priority(Base):
    """A priority (speerpunt) chosen for the IVP, in one of the five veiligheidsvelden."""

    __table__ = tables.priorities

    process_id: Mapped[str]
    id: Mapped[str]
    veld: Mapped[int]
    theme: Mapped[str]
    title: Mapped[str]
    rationale: Mapped[str | None]
    position: Mapped[int]
    created_at: Mapped[datetime]


class Indicator(Base):
    """A measurable indicator of a priority: source, baseline and streefwaarde."""

    __table__ = tables.indicators

    process_id: Mapped[str]
    id: Mapped[str]
    priority_id: Mapped[str]
    title: Mapped[str]
    source: Mapped[str | None]
    baseline: Mapped[str | None]
    baseline_year: Mapped[int | None]
    target: Mapped[str | None]
    target_year: Mapped[int | None]
    position: Mapped[int]


class Action(Base):
    """An action of the uitvoeringsplan: doelstelling, activiteiten, trekker, termijn, kosten."""

    __table__ = tables.actions

    process_id: Mapped[str]
    id: Mapped[str]
    priority_id: Mapped[str | None]
    title: Mapped[str]
    doelstelling: Mapped[str | None]
    activiteiten: Mapped[str | None]
    trekker: Mapped[str | None]
    betrokkenen: Mapped[str | None]
    termijn: Mapped[_dt.date | None]
    kosten: Mapped[str | None]
    position: Mapped[int]


class ProcessValue(Base):
    """A named fact of a process that documents need, e.g. zaaknummer or portefeuillehouder."""

    __table__ = tables.process_values

    process_id: Mapped[str]
    key: Mapped[str]
    value: Mapped[str]


class Draft(Base):
    """One rendered version of a document draft: where it is, its hash and why it was made."""

    __table__ = tables.drafts

    id: Mapped[int]
    process_id: Mapped[str]
    document: Mapped[str]
    format: Mapped[str]
    version: Mapped[int]
    path: Mapped[str]
    sha256: Mapped[str]
    reason: Mapped[str]
    created_at: Mapped[datetime]


class Event(Base):
    """One entry of the append-only history (the database refuses updates and deletes)."""

    __table__ = tables.events

    id: Mapped[int]
    process_id: Mapped[str]
    at: Mapped[datetime]
    actor: Mapped[str]
    event: Mapped[str]
    from_state: Mapped[str | None]
    to_state: Mapped[str | None]
    item: Mapped[str | None]
    note: Mapped[str | None]
