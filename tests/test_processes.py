"""The library API: concurrency, the shared machine, and what every change writes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import ivpflow
from ivpflow.errors import BlockedError, ConflictError, TransitionError
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.store import Store
from ivpflow.store.reader import read_definition
from ivpflow.store.rows import ProcessRow
from ivpflow.store.writer import Change, write
from ivpflow.views.history import history
from ivpflow.views.status import process_status
from ivpflow.workflow.machine import machine_for
from ivpflow.workflow.model import Definition

from .conftest import NOT, NOW, read


def read_definition_of(store: Store, process: ProcessRow) -> Definition:
    with store.transaction() as tx:
        return read_definition(tx, process.definition_digest)


@pytest.fixture
def process(store: Store, not_definition: Definition) -> str:
    return start_process(store, not_definition, now=NOW, actor="t", process_id="not")


def finish(store: Store, definition: Definition, phase: str) -> None:
    for item in definition.phase(phase).items:
        if item.kind == "decision" and item.required:
            decide(store, "not", item.id, outcome="vastgesteld", now=NOW, actor="t")
        elif item.kind == "task" and item.required:
            complete(store, "not", item.id, now=NOW, actor="t")


def test_two_coordinators_advancing_at_once_give_one_transition(
        store: Store, not_definition: Definition, process: str) -> None:
    finish(store, not_definition, "opstart")
    outcomes: list[object] = []
    ready = threading.Barrier(2, timeout=10)

    def coordinator(name: str) -> None:
        ready.wait()
        try:
            outcomes.append(advance(store, "not", now=NOW, actor=name))
        except (BlockedError, ConflictError) as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=coordinator, args=(n,)) for n in ("anne", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The two changes follow each other: the second finds the process in analyse, whose
    # required work is open; nobody meets a conflict.
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], BlockedError)
    assert str(refused[0]).startswith("Cannot advance 'not' from 'analyse'")
    assert process_status(store, "not", now=NOW)["phase"] == "analyse"
    assert [e["event"] for e in history(store, "not")].count("advanced") == 1


def test_a_change_made_from_stale_rows_is_a_conflict(store: Store, process: str) -> None:
    stale = read(store)
    complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="other")
    work = Change(stale, read_definition_of(store, stale), now=NOW, actor="late")
    work.set(phase="analyse")
    work.record("forced", source="opstart", dest="analyse")
    with pytest.raises(ConflictError) as refused, store.transaction(write=True) as tx:
        write(tx, work)
    assert refused.value.version == stale.version
    assert process_status(store, "not", now=NOW)["phase"] == "opstart"
    assert [e["actor"] for e in history(store, "not")] == ["t", "other"]


def test_two_cli_processes_advancing_at_once(tmp_path: Path, store: Store, db_args: list[str],
                                             not_definition: Definition, process: str) -> None:
    finish(store, not_definition, "opstart")
    command = [sys.executable, "-m", "ivpflow", "--store", str(tmp_path / "store"), *db_args,
               "--now", "2026-03-02T10:00", "advance", "not"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = sorted((run.wait(timeout=60), run.communicate()[1]) for run in runs)
    assert [code for code, _ in results] == [0, 1]
    # Whoever lost either met the conflict or, coming second, the next phase's guard.
    assert results[1][1].startswith(("Error: Process 'not' was changed by someone else",
                                     "Error: Cannot advance 'not' from 'analyse'"))
    assert process_status(store, "not", now=NOW)["phase"] == "analyse"


def test_every_process_shares_one_machine_per_definition(
        store: Store, not_definition: Definition, process: str) -> None:
    machine = machine_for(not_definition)
    advance(store, "not", now=NOW, actor="t", force=True, reason="r")
    start_process(store, not_definition, now=NOW, actor="t", process_id="second")
    advance(store, "second", now=NOW, actor="t", force=True, reason="r")
    assert machine_for(not_definition) is machine
    assert machine.models == []  # no process is left attached to the shared machine


def test_a_blocked_advance_writes_nothing(store: Store, process: str) -> None:
    before, events = read(store), len(history(store, "not"))
    with pytest.raises(BlockedError) as refused:
        advance(store, "not", now=NOW, actor="t")
    assert refused.value.blockers["decisions without a positive outcome"] == [
        "verlenging-ivp-losser", "startnotitie-driehoek"]
    assert len(history(store, "not")) == events
    assert read(store) == before


def test_every_change_bumps_the_version(store: Store, process: str) -> None:
    first = read(store).version
    complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="t")
    assert read(store).version == first + 1


def test_the_event_log_refuses_updates_and_deletes(store: Store, process: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE events SET note = 'weg'", "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="the event log is append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    assert len(history(store, "not")) == 1


def test_reopen_from_a_phase_not_after_it_is_a_transition_error(store: Store,
                                                                 process: str) -> None:
    with pytest.raises(TransitionError, match="'analyse' is not before 'opstart'"):
        ivpflow.reopen(store, "not", to="analyse", reason="x", now=NOW, actor="t")


def test_the_package_exports_the_library_api() -> None:
    assert ivpflow.start_process is start_process
    assert ivpflow.Store is Store
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = ivpflow.nothing


def test_a_definition_is_stored_with_the_process(store: Store, tmp_path: Path,
                                                 not_definition: Definition) -> None:
    """Changing the workflow file later does not change a running process."""
    own = tmp_path / "own.yaml"
    own.write_text(not_definition.source, encoding="utf-8")
    definition = ivpflow.load_definition(own)
    start_process(store, definition, now=NOW, actor="t", process_id="p")
    own.write_text("broken: [", encoding="utf-8")
    status = process_status(store, "p", now=NOW)
    assert status["workflow"] == NOT and len(status["decisions"]) == 46
    assert json.loads(json.dumps(status)) == status
