"""Meetings and people shared by the processes of a store.

A gemeente's raad calendar is entered once (`shared_meetings`, unique per body and date) and
every process with a decision of that body plans on it; a person may fill a role in every
process of the store (`shared_assignments`, for the whole process or one gemeente) unless a
process has holders of its own for that role. Nothing existing changes.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_meetings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("body", sa.String(200), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("papers_due", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shared_meetings"),
        sa.UniqueConstraint("body", "date", name="uq_shared_meetings_body"),
    )
    op.create_table(
        "shared_assignments",
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("municipality", sa.String(100), nullable=False, server_default=""),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("role", "municipality", "email", name="pk_shared_assignments"),
    )


def downgrade() -> None:
    op.drop_table("shared_assignments")
    op.drop_table("shared_meetings")
