"""The store: schema by Alembic, the SQLite recipe, refusing what is not ours, the reader and
the writer."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from ivpflow.errors import StoreError, UnknownProcessError
from ivpflow.planning.deadlines import plan_deadlines
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import advance, start_process, suspend
from ivpflow.process.meetings import add_meetings
from ivpflow.process.people import assign
from ivpflow.store import SCHEMA_HEAD, Store
from ivpflow.store.db import MIGRATIONS
from ivpflow.store.reader import read_processes
from ivpflow.store.rows import PARTS, facts_of
from ivpflow.store.tables import metadata
from ivpflow.views.history import history
from ivpflow.workflow.model import Definition, Meeting

from .conftest import NOW, read


def test_schema_head_names_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_the_migrations_build_exactly_the_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
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


# --------------------------------------------------------------------------- reader


@pytest.fixture
def busy(store: Store, not_definition: Definition) -> Store:
    """Two processes with something in every child table."""
    for process_id in ("not", "second"):
        start_process(store, not_definition, now=NOW, actor="t", process_id=process_id)
        assign(store, process_id, "coordinator", name="Anne", email="anne@example.org",
               now=NOW, actor="t")
        assign(store, process_id, "coordinator", name="Bob", email="bob@example.org",
               now=NOW, actor="t")
        complete(store, process_id, "werkgroep-samenstellen", now=NOW, actor="t", note="klaar")
        decide(store, process_id, "startnotitie-driehoek", outcome="vastgesteld", now=NOW,
               actor="t")
        add_meetings(store, process_id, [Meeting("gemeenteraad Losser", date(2026, 11, 24)),
                                         Meeting("college Losser", date(2026, 10, 6))],
                     now=NOW, actor="t")
    suspend(store, "second", reason="verkiezingen", now=NOW + timedelta(days=1), actor="t")
    return store


def test_reading_a_process_gives_every_part_written(busy: Store) -> None:
    for process_id in ("not", "second"):
        row = read(busy, process_id, PARTS)
        assert len(row.items) > 40 and len(row.phases) == 7
        assert [m.body for m in row.meetings] == ["college Losser", "gemeenteraad Losser"]
        assert [a.name for a in row.assignments] == ["Anne", "Bob"]
        assert row.item("werkgroep-samenstellen").note == "klaar"
        assert row.item("startnotitie-driehoek").outcome == "vastgesteld"
    assert [s.reason for s in row.suspensions] == ["verkiezingen"]
    assert read(busy, "second", ()).phases == ()  # only the parts asked for


def test_reading_many_at_once_gives_the_same_rows(busy: Store) -> None:
    one_by_one = [read(busy, "not", PARTS), read(busy, "second", PARTS)]
    with busy.connect() as conn:
        assert read_processes(conn, parts=PARTS) == one_by_one
        assert read_processes(conn, ["second", "elsewhere"], parts=PARTS) == one_by_one[1:]


def test_an_unknown_process_names_the_known_ones(busy: Store) -> None:
    with pytest.raises(UnknownProcessError) as refused:
        read(busy, "nope")
    assert refused.value.available == ["not", "second"]
    with pytest.raises(UnknownProcessError):
        read(busy, None)  # type: ignore[arg-type]  # two processes: which is not ours to guess


def test_advance_stores_exactly_the_fresh_plan(busy: Store, not_definition: Definition
                                               ) -> None:
    later = NOW + timedelta(days=30)
    advance(busy, "not", now=later, actor="t", force=True, reason="r")
    stored = read(busy)
    planned = plan_deadlines(not_definition, facts_of(stored, later.date()))
    assert stored.phase == "analyse" and stored.version > 1
    assert {s.phase: s.due for s in stored.phases} == {
        s.phase: planned.phase_due.get(s.phase) for s in stored.phases}
    assert {s.item_id: s.due for s in stored.items} == {
        s.item_id: planned.item_due.get(s.item_id) for s in stored.items}
    states = {s.phase: s.status for s in stored.phases}
    assert states["opstart"] == "done" and states["analyse"] == "active"
    assert history(busy, "not")[-1]["event"] == "forced"


@pytest.mark.sqlite_only
def test_no_command_imports_the_orm(tmp_path: Path, not_definition: Definition) -> None:
    # sqlalchemy.orm is a third of a cold start; reads and writes go through Core.
    store = Store.open(tmp_path / "store")
    start_process(store, not_definition, now=NOW, actor="t", process_id="not")
    store.dispose()
    script = (
        "import sys\n"
        "from ivpflow.cli import main\n"
        "for args in (['status'], ['status', '--json'], ['plan', '--json'],\n"
        "             ['processes', '--json'], ['history', 'not', '--json'],\n"
        "             ['done', 'not', 'werkgroep-samenstellen'],\n"
        "             ['assign', 'not', 'griffie', '--name', 'G', '--email', 'g@x.nl'],\n"
        "             ['set', 'not', 'team', 'Veiligheid'], ['tick']):\n"
        f"    try: main(['--store', {str(tmp_path / 'store')!r}, '--now', '2026-03-02T09:00',\n"
        "              *args])\n"
        "    except SystemExit as exit: assert exit.code == 0, (args, exit.code)\n"
        "orm = [name for name in sys.modules if name.startswith('sqlalchemy.orm')]\n"
        "assert not orm, f'the ORM was imported: {orm[:3]}'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_connections_the_server_dropped_are_replaced(store: Store, not_definition: Definition,
                                                     tmp_path: Path) -> None:
    """A server restart ends every pooled connection; the next read, write and tick each get
    a new one, without a ping before every transaction."""
    if store.dialect != "postgresql":
        pytest.skip("a server that drops connections: PostgreSQL")
    from sqlalchemy import create_engine

    from ivpflow.outbox.mail import MailSettings
    from ivpflow.outbox.scheduler import tick
    from ivpflow.views.status import process_status

    start_process(store, not_definition, now=NOW, actor="t", process_id="not")
    database = store.engine.url.database

    def drop_every_connection() -> None:
        admin = create_engine(str(store.engine.url.set(database="postgres")).replace(
            "***", store.engine.url.password or ""), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :db AND pid <> pg_backend_pid()"),
                         {"db": database})
            # pg_terminate_backend only signals: wait until the backends are gone, as they
            # are when a restarted server answers again.
            for _ in range(200):
                if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                         "datname = :db AND pid <> pg_backend_pid()"),
                                    {"db": database}).scalar_one():
                    break
                time.sleep(0.05)
        admin.dispose()

    for step in ("read", "write", "tick"):
        process_status(store, "not", now=NOW)  # a pooled connection to lose
        drop_every_connection()
        if step == "read":
            assert process_status(store, "not", now=NOW)["phase"] == "opstart"
        elif step == "write":
            complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="t")
        else:
            tick(store, NOW, MailSettings(sender="a <a@b.nl>", maildir=tmp_path / "outbox"))
    assert history(store, "not")[-1]["event"] == "done"


@pytest.mark.sqlite_only
def test_finding_stale_summaries_reads_an_index_not_every_process(store: Store) -> None:
    from ivpflow.store.writer import stale_query

    sql = str(stale_query(NOW.date()).compile(store.engine,
                                              compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as conn:
        plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "ix_processes_summary_through" in plan and "SCAN" not in plan
