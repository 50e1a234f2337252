"""The Core read model: it reads what the ORM reads, and the paths built on it stay lean."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ivpflow.errors import ConflictError, UnknownProcessError
from ivpflow.planning.deadlines import plan_deadlines
from ivpflow.processes import (
    add_meetings,
    advance,
    assign,
    complete,
    decide,
    load_process,
    start_process,
    suspend,
)
from ivpflow.records import facts_of, read_process, read_processes, row_of
from ivpflow.status import history
from ivpflow.store import Store, tables
from ivpflow.workflow.model import Definition, Meeting

from .conftest import NOW


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


def test_the_core_reader_reads_what_the_orm_loads(busy: Store) -> None:
    for process_id in ("not", "second"):
        with busy.connect() as conn:
            core = read_process(conn, process_id)
        with busy.transaction() as session:
            orm = row_of(load_process(session, process_id))
        assert core == orm
        assert len(core.items) > 40 and len(core.phases) == 6
        assert [m.body for m in core.meetings] == ["college Losser", "gemeenteraad Losser"]
        assert [a.name for a in core.assignments] == ["Anne", "Bob"]
    assert [s.reason for s in core.suspensions] == ["verkiezingen"]


def test_reading_many_at_once_gives_the_same_rows(busy: Store) -> None:
    with busy.connect() as conn:
        one_by_one = [read_process(conn, "not"), read_process(conn, "second")]
        assert read_processes(conn) == one_by_one
        assert read_processes(conn, ["second", "elsewhere"]) == one_by_one[1:]
        assert read_process(conn, "second", people=False).assignments == ()


def test_an_unknown_process_names_the_known_ones(busy: Store) -> None:
    with busy.connect() as conn, pytest.raises(UnknownProcessError) as refused:
        read_process(conn, "nope")
    assert "second" in str(refused.value)
    with busy.connect() as conn, pytest.raises(UnknownProcessError):
        read_process(conn, None)  # two processes: which one is not for us to guess


def test_advance_stores_exactly_the_fresh_plan(busy: Store, not_definition: Definition
                                               ) -> None:
    later = NOW + timedelta(days=30)
    advance(busy, "not", now=later, actor="t", force=True, reason="r")
    with busy.connect() as conn:
        stored = read_process(conn, "not")
    planned = plan_deadlines(not_definition, facts_of(stored, later.date()))
    assert stored.phase == "analyse" and stored.version > 1
    assert {s.phase: s.due for s in stored.phases} == {
        s.phase: planned.phase_due.get(s.phase) for s in stored.phases}
    assert {s.item_id: s.due for s in stored.items} == {
        s.item_id: planned.item_due.get(s.item_id) for s in stored.items}
    states = {s.phase: s.status for s in stored.phases}
    assert states["opstart"] == "done" and states["analyse"] == "active"
    assert history(busy, "not")[-1]["event"] == "forced"


def test_an_advance_from_stale_rows_changes_nothing(busy: Store,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real = read_process

    def read_then_someone_else_writes(*args: Any, **kwargs: Any) -> Any:
        row = real(*args, **kwargs)
        with busy.transaction() as session:  # another coordinator, committed in between
            load_process(session, "not").version += 1
        return row

    with busy.connect() as conn:
        before = read_process(conn, "not")
        events = len(conn.execute(select(tables.events.c.id)).all())
    # SQLite stops the late writer itself (its snapshot is stale); PostgreSQL finds no row
    # with the version read. Both are the same ConflictError.
    with monkeypatch.context() as patch:
        patch.setattr("ivpflow.processes.read_process", read_then_someone_else_writes)
        with pytest.raises(ConflictError):
            advance(busy, "not", now=NOW, actor="t", force=True, reason="r")
    with busy.connect() as conn:
        after = read_process(conn, "not")
        assert len(conn.execute(select(tables.events.c.id)).all()) == events
    assert after.phase == before.phase and after.phases == before.phases
    assert after.version == before.version + 1  # only the other coordinator's change


@pytest.mark.sqlite_only
def test_the_views_never_import_the_orm(tmp_path: Path, not_definition: Definition) -> None:
    # sqlalchemy.orm is a sixth of a status cold start; the views read through Core.
    store = Store.open(tmp_path / "store")
    start_process(store, not_definition, now=NOW, actor="t", process_id="not")
    store.dispose()
    script = (
        "import sys\n"
        "from ivpflow.cli import main\n"
        "for args in (['status'], ['status', '--json'], ['plan', '--json'],\n"
        "             ['processes', '--json'], ['history', 'not', '--json']):\n"
        f"    try: main(['--store', {str(tmp_path / 'store')!r}, '--now', '2026-03-02', *args])\n"
        "    except SystemExit as exit: assert exit.code == 0, (args, exit.code)\n"
        "assert 'ivpflow.store.models' not in sys.modules, 'the ORM models were imported'\n"
        "orm = [name for name in sys.modules if name.startswith('sqlalchemy.orm')]\n"
        "assert not orm, f'the ORM was imported: {orm[:3]}'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
