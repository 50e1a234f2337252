"""The long-running scheduler as a real process: stopped cleanly, and killed mid-delivery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivpflow.dates import parse_moment
from ivpflow.processes import advance, assign, start_process
from ivpflow.status import outbox_messages
from ivpflow.store import Store
from ivpflow.workflow.model import Definition

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


def scheduler(store_dir: Path, now: str, env: dict[str, str],
              db_args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ivpflow", "--store", str(store_dir), *db_args, "--now", now,
         "scheduler", "--every", "0.02"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


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


def test_sigterm_stops_the_scheduler_cleanly(store: Store, store_dir: Path, db_args: list[str],
                                            not_definition: Definition) -> None:
    ready(store, not_definition, 1)
    run = scheduler(store_dir, MORNING, {}, db_args)
    wait_for(lambda: len(outbox_messages(store, "sent")) == 4)
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=20)
    assert run.returncode == 0
    assert "started: a tick every 0.02 minutes" in stderr and "stopped" in stderr
    assert len(list((store_dir / "outbox" / "new").iterdir())) == 4


def test_a_scheduler_killed_mid_delivery_loses_nothing(
        store: Store, store_dir: Path, not_definition: Definition, db_args: list[str],
        smtp_server: tuple[Collector, int]) -> None:
    handler, port = smtp_server
    ready(store, not_definition, 8)
    env = {"IVPFLOW_SMTP_URL": f"smtp://127.0.0.1:{port}", "IVPFLOW_DELIVER_PAUSE": "0.1"}
    first = scheduler(store_dir, MORNING, env, db_args)
    wait_for(lambda: len(handler.messages) >= 8)
    first.kill()
    first.communicate(timeout=20)
    assert first.returncode == -signal.SIGKILL
    assert 8 <= len(handler.messages) < 32
    # Restarted after the lease of the dead scheduler's claims has run out.
    second = scheduler(store_dir, "2026-04-15T08:10", env, db_args)
    wait_for(lambda: len(outbox_messages(store, "sent")) == 32)
    second.send_signal(signal.SIGTERM)
    second.communicate(timeout=20)
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


@pytest.mark.parametrize("kill", [False, True], ids=["both-run", "one-killed"])
def test_two_schedulers_deliver_every_reminder_once(
        store: Store, store_dir: Path, not_definition: Definition, db_args: list[str],
        smtp_server: tuple[Collector, int], kill: bool) -> None:
    handler, port = smtp_server
    many_recipients(store, not_definition, 50, 5)
    # A lease far longer than one send: the survivor takes over the dead one's claims after it.
    env = {"IVPFLOW_SMTP_URL": f"smtp://127.0.0.1:{port}", "IVPFLOW_LEASE_SECONDS": "10"}
    runs = [scheduler(store_dir, MORNING, env, db_args) for _ in range(2)]
    if kill:
        wait_for(lambda: len(handler.messages) >= 100)
        runs[0].kill()
        runs[0].communicate(timeout=20)
    wait_for(lambda: len(outbox_messages(store, "sent")) == 1000, timeout=120)
    for run in runs[kill:]:
        run.send_signal(signal.SIGTERM)
        run.communicate(timeout=20)
    received = Counter(m["Message-ID"] for m in handler.messages)
    assert len(received) == 1000
    assert set(received) == {m["message_id"] for m in outbox_messages(store)}
    assert sum(received.values()) - 1000 <= (1 if kill else 0)
