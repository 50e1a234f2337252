"""Figures for the veiligheidsanalyse.

`ivpflow cijfers` keeps, per process, each value it fetched from CBS StatLine or the Politie
tables (or read from a StatLine CSV) as a row of `observations`: region, year, table, series,
value (with its 95% interval for survey figures), source and retrieval date. The key makes a
second import update a figure instead of adding it again. Nothing existing changes.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observations",
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("table_id", sa.String(20), nullable=False),
        sa.Column("series", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("measure", sa.String(200), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("lower", sa.Float),
        sa.Column("upper", sa.Float),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("retrieved_on", sa.Date, nullable=False),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], ondelete="CASCADE",
                                name=op.f("fk_observations_process_id_processes")),
        sa.PrimaryKeyConstraint("process_id", "region", "year", "table_id", "series",
                                name=op.f("pk_observations")),
    )


def downgrade() -> None:
    op.drop_table("observations")
