"""Core schema: definitions, processes, phases, items, assignments, append-only events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definitions",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("workflow", sa.String(100), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("compiled", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_definitions")),
    )
    op.create_table(
        "processes",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("workflow", sa.String(100), nullable=False),
        sa.Column("definition_digest", sa.String(64), nullable=False),
        sa.Column("phase", sa.String(100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_digest"], ["definitions.digest"],
            name=op.f("fk_processes_definition_digest_definitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processes")),
    )
    op.create_index(op.f("ix_processes_workflow"), "processes", ["workflow"])
    op.create_table(
        "phase_states",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("phase", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["process_id"], ["processes.id"], ondelete="CASCADE",
            name=op.f("fk_phase_states_process_id_processes"),
        ),
        sa.PrimaryKeyConstraint("process_id", "phase", name=op.f("pk_phase_states")),
    )
    op.create_table(
        "items",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("phase", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("completed_by", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["process_id"], ["processes.id"], ondelete="CASCADE",
            name=op.f("fk_items_process_id_processes"),
        ),
        sa.PrimaryKeyConstraint("process_id", "item_id", name=op.f("pk_items")),
    )
    op.create_index("ix_items_status_due", "items", ["status", "due"])
    op.create_table(
        "assignments",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"], ["processes.id"], ondelete="CASCADE",
            name=op.f("fk_assignments_process_id_processes"),
        ),
        sa.PrimaryKeyConstraint("process_id", "role", "email", name=op.f("pk_assignments")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(100), nullable=True),
        sa.Column("to_state", sa.String(100), nullable=True),
        sa.Column("item", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_process_id"), "events", ["process_id"])
    _make_events_append_only()


def _make_events_append_only() -> None:
    # The history is evidence (Archiefwet, Woo): the database itself refuses to rewrite it.
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ivpflow_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION ivpflow_events_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS ivpflow_events_append_only()")
    for table in ("events", "assignments", "items", "phase_states", "processes", "definitions"):
        op.drop_table(table)
