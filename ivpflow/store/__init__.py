"""Persistence: the schema (Core tables), row types, one reader and one writer, and the
database they live in (SQLite by default, PostgreSQL for scale-out; Alembic migrations)."""

from __future__ import annotations

from .db import SCHEMA_HEAD, Store, default_url

__all__ = ["SCHEMA_HEAD", "Store", "default_url"]
