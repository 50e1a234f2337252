"""Meetings taken from a council information system.

`meeting sync` keeps, for each meeting it takes from OpenBesluitvorming, Notubiz or an
iCalendar feed, the calendar it came from (`origin`) and the meeting's id there (`uid`), so
that a meeting the griffie moves is recognised as the same meeting on its new date. Existing
meetings get neither: they were entered by hand, from a file or a schedule.

Revision ID: 0015
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("origin", sa.String(500), nullable=True))
        batch.add_column(sa.Column("uid", sa.String(300), nullable=True))
        batch.create_unique_constraint("uq_meetings_origin_uid", ["process_id", "origin", "uid"])


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint("uq_meetings_origin_uid", type_="unique")
        batch.drop_column("uid")
        batch.drop_column("origin")
