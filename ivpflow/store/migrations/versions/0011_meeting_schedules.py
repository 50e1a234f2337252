"""Recurring meeting schedules.

`meeting schedule` keeps, per process and decision body, the iCalendar RRULE a griffie's
vergaderschema follows, the days it runs between and the occurrences cancelled; its
occurrences are ordinary `meetings` rows with source 'schedule', so planning reads them as any
other meeting. Nothing existing changes.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
# 0009 and 0010 are other branches' revisions: whoever merges chains this after the last one.
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_schedules",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("body", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(500), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("exceptions", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], ondelete="CASCADE",
                                name=op.f("fk_meeting_schedules_process_id_processes")),
        sa.PrimaryKeyConstraint("process_id", "body", name=op.f("pk_meeting_schedules")),
    )


def downgrade() -> None:
    op.drop_table("meeting_schedules")
