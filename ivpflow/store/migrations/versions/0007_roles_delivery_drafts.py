"""Roles per gemeente, delivery that tells a pause from a refusal, and drafts that failed.

An assignment may hold a role for one gemeente of a joint process (`municipality`, '' for the
whole process, as every assignment made before). An outbox message keeps when its delivery
first failed, so transient failures are retried for a window of time rather than a number of
tries, and how often the connection was lost after it had been handed over (it may have
arrived): such a message is sent at most once more, and whom a reply goes to (the
coordinator, on the mails of everyone else). A due draft that could not be rendered is
kept in `draft_failures` until it renders, so the tick goes on with everything else.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("municipality", sa.String(100), nullable=False,
                                   server_default=""))
        batch.drop_constraint("pk_assignments", type_="primary")
        batch.create_primary_key("pk_assignments", ["process_id", "role", "email",
                                                    "municipality"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("first_failed_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("unconfirmed", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("reply_to", sa.Text, nullable=True))
    op.create_table(
        "draft_failures",
        sa.Column("process_id", sa.String(100),
                  sa.ForeignKey("processes.id", name="fk_draft_failures_process_id_processes",
                                ondelete="CASCADE"), primary_key=True),
        sa.Column("document", sa.Text, primary_key=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_failed_at", sa.DateTime, nullable=False),
        sa.Column("last_failed_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("process_id", "document", name="pk_draft_failures"),
    )


def downgrade() -> None:
    op.drop_table("draft_failures")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reply_to")
        batch.drop_column("unconfirmed")
        batch.drop_column("first_failed_at")
    op.execute("DELETE FROM assignments WHERE municipality <> ''")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_constraint("pk_assignments", type_="primary")
        batch.create_primary_key("pk_assignments", ["process_id", "role", "email"])
        batch.drop_column("municipality")
