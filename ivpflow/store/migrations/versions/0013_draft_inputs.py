"""Drafts remember what they were made from.

Each kept draft version gets the fingerprint of its inputs (`inputs`: its Markdown, title,
format, house style and the Word code) and of the templates and house style in effect
(`sources`), and when its inputs were last found unchanged (`checked_at`), so that a due draft
whose inputs did not change is not rendered again. Versions kept before have none of them:
they are rendered once more and then carry them.

Revision ID: 0013
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("inputs", sa.String(64), nullable=True))
        batch.add_column(sa.Column("sources", sa.String(64), nullable=True))
        batch.add_column(sa.Column("checked_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("checked_at")
        batch.drop_column("sources")
        batch.drop_column("inputs")
