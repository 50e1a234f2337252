"""A database made by the released ivpflow (schema 0005) upgrades to the current schema with
every row still there and readable, and takes new writes.

tests/data/release-0005.json holds every table of such a database, written by release 0.1.0
(commit f852406) through its command line: two processes with people, done tasks, decisions,
meetings, suspensions, priorities, indicators, actions, values, drafts and a tick's outbox.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, insert, select, text

from ivpflow.process.items import complete
from ivpflow.store import SCHEMA_HEAD, Store
from ivpflow.store.db import MIGRATIONS
from ivpflow.views.history import history
from ivpflow.views.outbox import outbox_messages
from ivpflow.views.portfolio import list_processes
from ivpflow.views.status import process_plan, process_status

from .conftest import NOW, POSTGRESQL, _admin_execute, _database_url, read

RELEASE = Path(__file__).parent / "data" / "release-0005.json"


def _value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$date"}:
        return date.fromisoformat(value["$date"])
    if isinstance(value, dict) and set(value) == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """An empty database on the backend the suite runs on."""
    if not POSTGRESQL:
        yield f"sqlite:///{tmp_path / 'release.sqlite3'}"
        return
    name = f"ivpflow_release_{uuid.uuid4().hex[:12]}"
    _admin_execute(f"CREATE DATABASE {name}")
    yield _database_url(name)
    _admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def released(url: str) -> dict[str, list[dict[str, Any]]]:
    """Make the released schema and fill it with the release's rows; the rows by table."""
    tables = json.loads(RELEASE.read_text(encoding="utf-8"))["tables"]
    engine = create_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0005")
            conn.commit()
        schema = MetaData()
        schema.reflect(engine)
        with engine.begin() as conn:
            for table in schema.sorted_tables:
                if table.name != "alembic_version" and tables[table.name]:
                    conn.execute(insert(table), [{k: _value(v) for k, v in row.items()}
                                                 for row in tables[table.name]])
            if engine.dialect.name == "postgresql":  # the ids came with the rows
                for name in ("events", "outbox", "meetings", "suspensions", "drafts"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                      f"(SELECT max(id) FROM {name}))"))
    finally:
        engine.dispose()
    return {name: rows for name, rows in tables.items() if name != "alembic_version"}


def test_every_row_of_the_release_survives_the_upgrade(empty_url: str) -> None:
    rows = released(empty_url)
    assert all(rows[name] for name in rows), "the release's database has rows in every table"
    store = Store(empty_url)  # first use upgrades
    try:
        assert store.current_revision() == SCHEMA_HEAD
        schema = MetaData()
        schema.reflect(store.engine)
        with store.engine.connect() as conn:
            for name, before in rows.items():
                columns = list(before[0])
                table = schema.tables[name]
                stored = conn.execute(select(*(table.c[c] for c in columns))).all()
                expected = sorted((tuple(_value(row[c]) for c in columns) for row in before),
                                  key=repr)
                assert sorted((tuple(row) for row in stored), key=repr) == expected, name
    finally:
        store.dispose()


def test_the_upgraded_database_reads_and_writes(empty_url: str) -> None:
    released(empty_url)
    store = Store(empty_url)
    try:
        status = process_status(store, "not-2027-2030", now=NOW)
        assert status["phase"] == "analyse"
        assert [r["people"][0]["name"] for r in status["roles"] if r["people"]] == [
            "Marieke Jansen", "Piet de Vries", "Jan Bakker"]
        assert status["suspended"] is None
        assert process_status(store, "vng-losser", now=NOW)["suspended"]["reason"] == "formatie"
        assert any(r["kind"] == "meeting" for r in process_plan(store, "not-2027-2030", now=NOW))
        events = history(store, "not-2027-2030")
        assert events[0]["event"] == "started" and events[-1]["event"] == "drafted"
        assert len(outbox_messages(store)) == 22
        # Rows written before the summaries existed are planned by the portfolio itself.
        assert {r["id"] for r in list_processes(store, now=NOW)} == {"not-2027-2030",
                                                                     "vng-losser"}
        before = read(store, "not-2027-2030").version
        # After the fixture's last event (09:56): a change is not recorded before it.
        complete(store, "not-2027-2030", "cijfers-verzamelen", now=NOW.replace(hour=11),
                 actor="upgrade")
        after = read(store, "not-2027-2030")
        assert after.version == before + 1 and after.summary_on == NOW.date()
        assert history(store, "not-2027-2030")[-1]["actor"] == "upgrade"
    finally:
        store.dispose()
