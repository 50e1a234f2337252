"""The database: schema by Alembic, the SQLite recipe, and refusing what is not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from ivpflow.errors import StoreError
from ivpflow.store import SCHEMA_HEAD, Store
from ivpflow.store.db import MIGRATIONS
from ivpflow.store.models import Base


def test_schema_head_names_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_the_migrations_build_exactly_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_first_use_creates_the_schema_in_a_new_folder(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "nieuw" / "store")
    assert store.current_revision() == SCHEMA_HEAD
    assert (tmp_path / "nieuw" / "store" / "ivpflow.sqlite3").is_file()
    store.dispose()


@pytest.mark.sqlite_only
def test_sqlite_connections_use_wal_and_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


@pytest.mark.sqlite_only
def test_a_database_of_another_program_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE klanten (id INTEGER)")
    with pytest.raises(StoreError, match="holds other tables and is not an ivpflow database"):
        Store(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["klanten"]


def test_a_bad_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="Cannot use database URL 'nosuchdb://x'"):
        Store("nosuchdb://x")


def test_reopening_a_current_database_does_not_migrate(store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import alembic.command

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("alembic ran on a current database")

    monkeypatch.setattr(alembic.command, "upgrade", fail)
    Store(store.url).dispose()


def test_the_password_is_hidden_in_messages() -> None:
    from ivpflow.store.db import _hide_password

    assert _hide_password("postgresql+psycopg://ivp:geheim@127.0.0.1/ivp") == (
        "postgresql+psycopg://ivp:***@127.0.0.1/ivp")
