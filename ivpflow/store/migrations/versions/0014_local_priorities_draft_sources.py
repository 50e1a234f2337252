"""A priority may be one gemeente's own; a draft version keeps what it was made from.

`priorities.gemeente`: a joint IVP has shared priorities (NULL) and each gemeente's local ones
(its name), the 'couleur locale' of seed 000. `drafts.source_sha256`: the SHA-256 of the
Markdown a version was rendered from, its version number and date included, so that the same
content in another format gets the same version number. Rows written before have neither:
their priorities are shared, and the next draft of a document is a new version.

Revision ID: 0014
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("priorities") as batch:
        batch.add_column(sa.Column("gemeente", sa.String(100), nullable=True))
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("source_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("source_sha256")
    with op.batch_alter_table("priorities") as batch:
        batch.drop_column("gemeente")
