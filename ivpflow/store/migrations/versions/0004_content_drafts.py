"""What the documents carry (priorities, indicators, actions, named values) and drafts.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _process_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["process_id"], ["processes.id"], ondelete="CASCADE",
                                   name=op.f(f"fk_{table}_process_id_processes"))


def upgrade() -> None:
    op.create_table(
        "priorities",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("veld", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _process_fk("priorities"),
        sa.PrimaryKeyConstraint("process_id", "id", name=op.f("pk_priorities")),
    )
    op.create_table(
        "indicators",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("priority_id", sa.String(100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("baseline", sa.String(100), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(100), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _process_fk("indicators"),
        sa.PrimaryKeyConstraint("process_id", "id", name=op.f("pk_indicators")),
    )
    op.create_table(
        "actions",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("priority_id", sa.String(100), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("doelstelling", sa.Text(), nullable=True),
        sa.Column("activiteiten", sa.Text(), nullable=True),
        sa.Column("trekker", sa.String(200), nullable=True),
        sa.Column("betrokkenen", sa.Text(), nullable=True),
        sa.Column("termijn", sa.Date(), nullable=True),
        sa.Column("kosten", sa.String(100), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _process_fk("actions"),
        sa.PrimaryKeyConstraint("process_id", "id", name=op.f("pk_actions")),
    )
    op.create_table(
        "process_values",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _process_fk("process_values"),
        sa.PrimaryKeyConstraint("process_id", "key", name=op.f("pk_process_values")),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("document", sa.String(100), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _process_fk("drafts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("process_id", "document", "format", "version",
                            name=op.f("uq_drafts_process_id")),
    )
    op.create_index(op.f("ix_drafts_process_id"), "drafts", ["process_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_drafts_process_id"), table_name="drafts")
    for table in ("drafts", "process_values", "actions", "indicators", "priorities"):
        op.drop_table(table)
