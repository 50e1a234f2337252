"""Claiming walks the queued messages in the order it takes them.

The claim takes the oldest claimable messages: status 'queued', ordered by next_attempt_at and
id. With the id in the index, the database reads them in that order and stops after a batch;
without it every claim sorted all queued messages, so draining a backlog cost the square of
its size.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.create_index("ix_outbox_claimable", "outbox", ["status", "next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_claimable", table_name="outbox")
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
