"""A raad decision may extend the current plan until a day (`decide … --extends DATE`).

One nullable column on items: the day a decision extends the plan until, read by the
four-year clock with the decision's outcome and date. The portfolio's stored summaries are
marked as not yet made: one made before this revision held 'for good' for a completed process
whose clock now warns, and the next `processes` or tick makes them again.

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
# 0009 is another branch's revision number: whichever merges second chains onto the other.
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("extends", sa.Date, nullable=True))
    op.execute("UPDATE processes SET summary_through = NULL")


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("extends")
