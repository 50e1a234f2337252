"""The long-running scheduler as a real process: stopped cleanly, and killed mid-delivery.

These tests wait on progress, not on the clock: a loaded machine makes them slower, not red.
Every scheduler a test starts is stopped when the test ends, whatever happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from ivpflow.dates import parse_moment
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.views.outbox import outbox_messages
from ivpflow.workflow.model import Definition

from .conftest import settle_skipped
from .test_mail import Collector, free_port

MORNING = "2026-04-15T08:00"


def ready(store: Store, definition: Definition, count: int) -> None:
    """`count` Noordoost Twente processes in analyse, each owed 3 reminders and a digest."""
    september = parse_moment("2026-02-27T09:00")
    for number in range(count):
        pid = f"not-{number}"
        start_process(store, definition, now=september, actor="t", process_id=pid)
        for role in ("projectmanager", "werkgroep", "coordinator"):
            assign(store, pid, role, name=role, email=f"{role}.{number}@not.example",
                   now=september, actor="t")
        advance(store, pid, now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
                reason="r")
        settle_skipped(store, pid, parse_moment("2026-02-27T17:10"))  # ran outside ivpflow


Start = Callable[[str, dict[str, str]], subprocess.Popen[str]]


@pytest.fixture
def schedulers(store_dir: Path, db_args: list[str], tmp_path: Path) -> Iterator[Start]:
    """Start scheduler processes (`--now`, extra environment); each is ended afterwards."""
    started: list[subprocess.Popen[str]] = []

    def start(now: str, env: dict[str, str]) -> subprocess.Popen[str]:
        log = (tmp_path / f"scheduler-{len(started)}.log").open("w")  # a pipe could fill up
        run = subprocess.Popen(
            [sys.executable, "-m", "ivpflow", "--store", str(store_dir), *db_args, "--now", now,
             "scheduler", "--every", "0.02"],
            stdout=subprocess.DEVNULL, stderr=log, text=True, env={**os.environ, **env})
        log.close()
        run.log = tmp_path / f"scheduler-{len(started)}.log"  # type: ignore[attr-defined]
        started.append(run)
        return run

    yield start
    for run in started:
        if run.poll() is None:
            run.terminate()
            try:
                run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                run.kill()
                run.wait()


def stop(run: subprocess.Popen[str]) -> str:
    """Stop a scheduler with SIGTERM as a service manager does; what it logged."""
    run.send_signal(signal.SIGTERM)
    run.wait(timeout=60)
    return str(run.log.read_text())  # type: ignore[attr-defined]


def wait_for(condition: Callable[[], bool], *, progress: Callable[[], object] | None = None,
             stall: float = 60.0, runs: Sequence[subprocess.Popen[str]] = ()) -> None:
    """Wait until `condition()` holds while `progress()` keeps changing; fail after `stall`
    seconds without any change, or when every scheduler in `runs` has died."""
    last, since = None, time.monotonic()
    while not condition():
        if runs and all(run.poll() is not None for run in runs):
            logs = "; ".join(run.log.read_text()[-300:] for run in runs)  # type: ignore[attr-defined]
            raise AssertionError(f"every scheduler ended: {logs}")
        seen = progress() if progress is not None else None
        if seen != last:
            last, since = seen, time.monotonic()
        elif time.monotonic() - since > stall:
            raise AssertionError(f"no progress for {stall:.0f} s (last seen: {last})")
        time.sleep(0.1)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collector, int]]:
    from aiosmtpd.controller import Controller

    handler, port = Collector(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_sigterm_stops_the_scheduler_cleanly(store: Store, store_dir: Path, schedulers: Start,
                                            not_definition: Definition) -> None:
    ready(store, not_definition, 1)
    run = schedulers(MORNING, {})
    wait_for(lambda: len(outbox_messages(store, "sent")) == 4, runs=[run])
    time.sleep(3)  # two or three idle ticks more, which log nothing
    stderr = stop(run)
    assert run.returncode == 0
    assert "started: a tick every 0.02 minutes" in stderr and "stopped" in stderr
    # One line for the tick that sent, none for the idle ones, none of APScheduler's own;
    # times in Europe/Amsterdam.
    ticks = [line for line in stderr.splitlines() if " tick at " in line]
    assert len(ticks) == 1 and "4 sent" in ticks[0], stderr
    assert "Running job" not in stderr and "executed successfully" not in stderr
    assert all(line.split()[2] in ("CET", "CEST") for line in stderr.splitlines()
               if line[:2] == "20"), stderr
    assert len(list((store_dir / "outbox" / "new").iterdir())) == 4


def test_a_scheduler_killed_mid_delivery_loses_nothing(
        store: Store, not_definition: Definition, schedulers: Start,
        smtp_server: tuple[Collector, int]) -> None:
    handler, port = smtp_server
    ready(store, not_definition, 8)
    env = {"IVPFLOW_SMTP_URL": f"smtp://127.0.0.1:{port}", "IVPFLOW_DELIVER_PAUSE": "0.1"}
    first = schedulers(MORNING, env)
    wait_for(lambda: len(handler.messages) >= 8, runs=[first])
    first.kill()
    first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL
    assert 8 <= len(handler.messages) < 32
    # Restarted after the lease of the dead scheduler's claims has run out.
    second = schedulers("2026-04-15T08:10", env)
    wait_for(lambda: len(outbox_messages(store, "sent")) == 32,
             progress=lambda: len(handler.messages), runs=[second])
    stop(second)
    received = Counter(m["Message-ID"] for m in handler.messages)
    assert set(received) == {m["message_id"] for m in outbox_messages(store)}
    assert sum(count - 1 for count in received.values()) <= 1


def many_recipients(store: Store, definition: Definition, processes: int,
                    people: int) -> None:
    """Processes in analyse whose roles have `people` holders each: 4 x people messages per
    process on 15 April (three reminders and the digest)."""
    september = parse_moment("2026-02-27T09:00")
    for number in range(processes):
        pid = f"p{number:03d}"
        start_process(store, definition, now=september, actor="t", process_id=pid)
        for role in ("projectmanager", "werkgroep", "coordinator"):
            for person in range(people):
                assign(store, pid, role, name=f"{role} {person}",
                       email=f"{role}.{person}@{pid}.example", now=september, actor="t")
        advance(store, pid, now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
                reason="r")
        settle_skipped(store, pid, parse_moment("2026-02-27T17:10"))  # ran outside ivpflow


@pytest.mark.parametrize("kill", [False, True], ids=["both-run", "one-killed"])
def test_two_schedulers_deliver_every_reminder_once(
        store: Store, not_definition: Definition, schedulers: Start,
        smtp_server: tuple[Collector, int], kill: bool) -> None:
    handler, port = smtp_server
    many_recipients(store, not_definition, 50, 5)
    # A lease far longer than one send: the survivor takes over the dead one's claims after it.
    env = {"IVPFLOW_SMTP_URL": f"smtp://127.0.0.1:{port}", "IVPFLOW_LEASE_SECONDS": "10"}
    runs = [schedulers(MORNING, env) for _ in range(2)]
    if kill:
        wait_for(lambda: len(handler.messages) >= 100, progress=lambda: len(handler.messages),
                 runs=runs)
        runs[0].kill()
        runs[0].wait(timeout=60)
    # Progress is what the server received; the dead one's claims wait out their lease.
    wait_for(lambda: len(outbox_messages(store, "sent")) == 1000,
             progress=lambda: len(handler.messages), runs=runs[kill:])
    for run in runs[kill:]:
        stop(run)
    received = Counter(m["Message-ID"] for m in handler.messages)
    assert len(received) == 1000
    assert set(received) == {m["message_id"] for m in outbox_messages(store)}
    assert sum(received.values()) - 1000 <= (1 if kill else 0)
