"""The portfolio's summary on every process, and columns as long as validation allows.

Every write stores how its process stands (overdue, at risk, the next deadline) for its day
and until when that holds, so the portfolio reads one row per process. The history's from,
to and item, an outbox message's dedupe key and Message-ID, and a draft's document key take
what validation lets through (an e-mail address of 320 characters, ids of 100 and a
gemeente's name after them); they become TEXT. Rows written before get no summary: the
portfolio plans them until the next write or tick stores one.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_SUMMARY = (("summary_on", sa.Date), ("summary_through", sa.Date), ("overdue", sa.Integer),
            ("at_risk", sa.Integer), ("next_due", sa.Date), ("next_kind", lambda: sa.String(10)),
            ("next_item", lambda: sa.String(100)))
_TEXT = {
    "events": (("from_state", 100), ("to_state", 100), ("item", 100)),
    "outbox": (("dedupe_key", 400), ("message_id", 200)),
    "drafts": (("document", 100),),
}


def upgrade() -> None:
    with op.batch_alter_table("processes") as batch:
        for name, kind in _SUMMARY:
            batch.add_column(sa.Column(name, kind(), nullable=True))
        batch.create_index("ix_processes_summary_through", ["summary_through"])
    _retype(to_text=True)


def downgrade() -> None:
    _retype(to_text=False)
    with op.batch_alter_table("processes") as batch:
        batch.drop_index("ix_processes_summary_through")
        for name, _kind in _SUMMARY:
            batch.drop_column(name)


def _retype(*, to_text: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in _TEXT.items():
        if sqlite and table == "events":
            # SQLite copies a table to change a column's type; its append-only triggers go
            # with the old table and are made again on the new one.
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS events_no_{action}")
        with op.batch_alter_table(table) as batch:
            for name, length in columns:
                old, new = sa.String(length), sa.Text()
                batch.alter_column(name, type_=new if to_text else old,
                                   existing_type=old if to_text else new,
                                   existing_nullable=table == "events")
        if sqlite and table == "events":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                    "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
                )
