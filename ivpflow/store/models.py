"""The database tables: processes, their phases and items, assignments and the event log."""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention Alembic's batch mode needs."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DefinitionRecord(Base):
    """A copy of each definition text a process was started from, keyed by its hash."""

    __tablename__ = "definitions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    compiled: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(DateTime)


class Process(Base):
    """One run of a workflow; `version` makes a concurrent change a conflict."""

    __tablename__ = "processes"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100), index=True)
    definition_digest: Mapped[str] = mapped_column(ForeignKey("definitions.digest"))
    phase: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # ISO week ("2026-W10") of the last weekly digest, so a tick finds the processes still
    # owed one through an index instead of reading them all.
    digest_week: Mapped[str | None] = mapped_column(String(8), index=True)

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
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class PhaseState(Base):
    """Where one phase of a process stands: pending, active or done, and its deadline."""

    __tablename__ = "phase_states"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    due: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)

    process: Mapped[Process] = relationship(back_populates="phases")


class ItemState(Base):
    """Where one task, decision or document of a process stands, with its deadline."""

    __tablename__ = "items"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    phase: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    due: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))
    decided_on: Mapped[date | None] = mapped_column(Date)

    process: Mapped[Process] = relationship(back_populates="items")

    __table_args__ = (
        # Reminders ask "what open item falls due by D?" across every process.
        Index("ix_items_status_due", "status", "due"),
    )


class Assignment(Base):
    """A person who fills a role of the workflow in one process."""

    __tablename__ = "assignments"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(100), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)

    process: Mapped[Process] = relationship(back_populates="assignments")


class MeetingRecord(Base):
    """A meeting of a decision body known for a process (from the definition or entered)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(200))
    date: Mapped[_dt.date] = mapped_column(Date)
    papers_due: Mapped[_dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    process: Mapped[Process] = relationship(back_populates="meetings")

    __table_args__ = (UniqueConstraint("process_id", "body", "date"),)


class Suspension(Base):
    """A stretch during which a process stood still (e.g. around elections)."""

    __tablename__ = "suspensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"),
                                            index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)

    process: Mapped[Process] = relationship(back_populates="suspensions")


class OutboxMessage(Base):
    """One reminder or digest: queued once (its dedupe key is unique), then sent or failed."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # upcoming|due|overdue|escalation|digest
    item: Mapped[str | None] = mapped_column(String(100))
    due: Mapped[_dt.date | None] = mapped_column(Date)
    moment: Mapped[_dt.date] = mapped_column(Date)  # the day it was meant to go out
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))  # queued|sent|failed|cancelled
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    queued_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)

    # Delivery asks "what is queued and may be tried now?" across every process.
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)


class Priority(Base):
    """A priority (speerpunt) chosen for the IVP, in one of the five veiligheidsvelden."""

    __tablename__ = "priorities"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    veld: Mapped[int] = mapped_column(Integer)  # 1..5, see ivpflow.veiligheidsvelden
    theme: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Indicator(Base):
    """A measurable indicator of a priority: source, baseline and streefwaarde."""

    __tablename__ = "indicators"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    priority_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    baseline: Mapped[str | None] = mapped_column(String(100))
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[str | None] = mapped_column(String(100))
    target_year: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class Action(Base):
    """An action of the uitvoeringsplan: doelstelling, activiteiten, trekker, termijn, kosten."""

    __tablename__ = "actions"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    priority_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    doelstelling: Mapped[str | None] = mapped_column(Text)
    activiteiten: Mapped[str | None] = mapped_column(Text)
    trekker: Mapped[str | None] = mapped_column(String(200))
    betrokkenen: Mapped[str | None] = mapped_column(Text)
    termijn: Mapped[_dt.date | None] = mapped_column(Date)
    kosten: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)


class ProcessValue(Base):
    """A named fact of a process that documents need, e.g. zaaknummer or portefeuillehouder."""

    __tablename__ = "process_values"

    process_id: Mapped[str] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Draft(Base):
    """One rendered version of a document draft: where it is, its hash and why it was made."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"),
                                            index=True)
    document: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))  # due | on demand
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("process_id", "document", "format", "version"),)


class Event(Base):
    """One entry of the append-only history (the database refuses updates and deletes)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(100))
    to_state: Mapped[str | None] = mapped_column(String(100))
    item: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
