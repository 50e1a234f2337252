"""Alembic environment: runs migrations on the connection ivpflow hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from ivpflow.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two first uses at the same moment must not both create the schema.
        connection.execute(text("SELECT pg_advisory_xact_lock(740311)"))
    context.run_migrations()
