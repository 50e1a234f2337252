"""Two coordinators at once, as two real processes on one database: writes to different
processes never meet, and a race on one process has exactly one winner."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ivpflow.dates import parse_moment
from ivpflow.errors import IvpflowError
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.views.history import history
from ivpflow.workflow.model import Definition

from .conftest import NOW

TRIALS = 50
MOMENT = "2026-03-02T10:00"


def coordinator(store_dir: str, url: str | None, name: str, jobs: list[tuple[str, str, str]],
                start: Any, results: Any) -> None:
    """One coordinator's terminal: for each job, wait for the other, then write."""
    store = Store.open(store_dir, url)
    now = parse_moment(MOMENT)
    try:
        for trial, (command, process, item) in enumerate(jobs):
            start.wait(timeout=60)
            try:
                if command == "done":
                    complete(store, process, item, now=now, actor=name)
                elif command == "decide":
                    decide(store, process, item, outcome="vastgesteld", now=now, actor=name)
                else:
                    assign(store, process, item, name=name, email=f"{name}@example.org",
                           now=now, actor=name)
                results.put((trial, name, "ok", ""))
            except IvpflowError as exc:
                results.put((trial, name, type(exc).__name__, str(exc)))
    finally:
        store.dispose()


def run_pair(store_dir: Path, url: str | None,
             jobs: dict[str, list[tuple[str, str, str]]]) -> list[tuple[int, str, str, str]]:
    """Run both coordinators' jobs, trial by trial at the same moment; every outcome."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(len(jobs)), context.Queue()
    workers = [context.Process(target=coordinator, args=(str(store_dir), url, name, mine,
                                                         start, results))
               for name, mine in jobs.items()]
    for worker in workers:
        worker.start()
    try:
        outcomes = [results.get(timeout=120) for _ in range(sum(map(len, jobs.values())))]
    finally:
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()
                worker.join()
    assert [worker.exitcode for worker in workers] == [0] * len(workers)
    return sorted(outcomes)


@pytest.fixture
def many(store: Store, not_definition: Definition) -> Store:
    for prefix in ("a", "b", "r"):
        for trial in range(TRIALS):
            start_process(store, not_definition, now=NOW, actor="t",
                          process_id=f"{prefix}{trial:02d}")
    return store


def test_writes_to_different_processes_at_once_all_succeed(many: Store, store_dir: Path,
                                                           db_url: str | None) -> None:
    outcomes = run_pair(store_dir, db_url, {
        "anne": [("done", f"a{t:02d}", "werkgroep-samenstellen") for t in range(TRIALS)],
        "bob": [("assign", f"b{t:02d}", "griffie") for t in range(TRIALS)],
    })
    assert Counter(outcome for _, _, outcome, _ in outcomes) == {"ok": 2 * TRIALS}
    assert history(many, "a07")[-1]["event"] == "done"
    assert history(many, "b07")[-1]["event"] == "assigned"


def test_a_race_on_one_process_has_exactly_one_winner(many: Store, store_dir: Path,
                                                      db_url: str | None) -> None:
    same = [("done", f"r{t:02d}", "werkgroep-samenstellen") if t % 2 else
            ("decide", f"r{t:02d}", "startnotitie-driehoek") for t in range(TRIALS)]
    outcomes = run_pair(store_dir, db_url, {"anne": same, "bob": same})
    for trial in range(TRIALS):
        mine = [(outcome, message) for number, _, outcome, message in outcomes
                if number == trial]
        assert sorted(outcome for outcome, _ in mine) == ["AlreadyDoneError", "ok"], mine
    winners = Counter(e["actor"] for t in range(TRIALS)
                      for e in history(many, f"r{t:02d}") if e["event"] in ("done", "decided"))
    assert sum(winners.values()) == TRIALS
