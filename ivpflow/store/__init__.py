"""Persistence: the SQLAlchemy models and the database they live in."""

from __future__ import annotations

from .db import SCHEMA_HEAD, Store, default_url

__all__ = ["SCHEMA_HEAD", "Store", "default_url"]
