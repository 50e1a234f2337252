"""Delivery against SMTP servers that fail: 4xx and 5xx replies, connections dropped after the
message went out, a hanging server, no server at all, and bad settings. Each case runs a real
aiosmtpd server on 127.0.0.1; time is driven by `now`, never the wall clock."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ivpflow.dates import parse_moment
from ivpflow.errors import InvalidValueError
from ivpflow.outbox.delivery import DeliveryReport, deliver, retry_wait
from ivpflow.outbox.mail import MailSettings
from ivpflow.outbox.reminders import queue_reminders
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.views.outbox import outbox_messages
from ivpflow.workflow.model import Definition

from .conftest import settle_skipped

SENDER = "IVP Noordoost Twente <ivp@not.example>"
START = parse_moment("2026-04-15T08:00")
TIMEOUT = 1.0  # the client's timeout in these tests: a hanging server must cost about this


class Faulty:
    """An aiosmtpd handler that fails as it is told: `mode` is one of ok, 451, 550 (at
    `stage` RCPT or DATA), drop / drop-once (the message is stored, then the connection is cut
    before the reply), hang (MAIL gets no reply while the mode lasts)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.stage = "DATA"
        self.stored: list[str] = []  # Message-IDs of every message kept, replied to or not
        self.replies: Counter[str] = Counter()

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        while self.mode == "hang":
            await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.stage == "RCPT" and self.mode in ("451", "550"):
            return self._refuse()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.mode in ("451", "550"):
            return self._refuse()
        found = re.search(rb"^Message-ID: (.+?)\r?$", envelope.original_content, re.M)
        message_id = found.group(1).decode() if found else ""
        first = message_id not in self.stored
        self.stored.append(message_id)
        if self.mode == "drop" or (self.mode == "drop-once" and first):
            server.transport.abort()
        return "250 OK"

    def _refuse(self) -> str:
        self.replies[self.mode] += 1
        if self.mode == "451":
            return "451 4.3.0 Try again later"
        return "550 5.1.1 No such user here"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[Faulty, int]]:
    handler = Faulty()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        handler.mode = "ok"  # ends a hang, so the server's tasks can stop
        controller.stop()


@pytest.fixture
def queued(store: Store, not_definition: Definition) -> Store:
    """The Noordoost Twente process with four messages queued on 15 April."""
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    for role in ("projectmanager", "werkgroep", "coordinator"):
        assign(store, "not", role, name=f"Anne {role}", email=f"{role}@not.example",
               now=parse_moment("2026-02-27T09:00"), actor="t")
    advance(store, "not", now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
            reason="r")
    settle_skipped(store, "not", parse_moment("2026-02-27T17:10"))  # opstart ran outside ivpflow
    queue_reminders(store, START, SENDER)
    assert len(outbox_messages(store, "queued")) == 4
    return store


def settings_for(port: int) -> MailSettings:
    return MailSettings(sender=SENDER, maildir=Path("/nonexistent"),
                        smtp_url=f"smtp://127.0.0.1:{port}", timeout=TIMEOUT)


def every(step: timedelta, until: timedelta, since: datetime = START) -> Iterator[datetime]:
    """The moments of passes from `since`, `step` apart, up to `since + until`."""
    moment = since
    while moment <= since + until:
        yield moment
        moment += step


def statuses(store: Store) -> Counter[str]:
    return Counter(m["status"] for m in outbox_messages(store))


def test_451_for_three_hours_then_every_message_goes_out_once(
        queued: Store, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.mode = "451"
    for moment in every(timedelta(minutes=15), timedelta(hours=3)):
        deliver(queued, moment, settings_for(port), worker="w")
    assert statuses(queued) == {"queued": 4} and handler.stored == []
    # Tried at 0:00, 0:15, 0:30, 0:45, 1:15 and 2:15: the waits grow (1, 5, 15, 30, 60 min).
    assert handler.replies["451"] == 4 * 6
    handler.mode = "ok"
    for moment in every(timedelta(minutes=15), timedelta(hours=3), START + timedelta(hours=3)):
        deliver(queued, moment, settings_for(port), worker="w")
    assert statuses(queued) == {"sent": 4}
    assert sorted(Counter(handler.stored).values()) == [1, 1, 1, 1]
    assert {m["attempts"] for m in outbox_messages(queued)} == {7}


def test_the_waits_grow_from_a_minute_to_two_hours() -> None:
    assert [retry_wait(n) / timedelta(minutes=1) for n in range(1, 9)] == [
        1, 5, 15, 30, 60, 120, 120, 120]


@pytest.mark.parametrize("stage", ["RCPT", "DATA"], ids=["recipient", "data"])
def test_a_550_fails_at_the_first_attempt_with_the_reply(
        queued: Store, server: tuple[Faulty, int], stage: str) -> None:
    handler, port = server
    handler.mode, handler.stage = "550", stage
    report = deliver(queued, START, settings_for(port), worker="w")
    assert (report.sent, report.retried, report.failed) == (0, 0, 4)
    assert report.problems == {f"smtp://127.0.0.1:{port}": "550 5.1.1 No such user here"}
    rows = outbox_messages(queued)
    assert {(m["status"], m["attempts"], m["error"]) for m in rows} == {
        ("failed", 1, "550 5.1.1 No such user here")}
    assert handler.replies["550"] == 4  # one session: each message refused, none held back


def test_a_transient_failure_fails_only_after_the_retry_window(
        queued: Store, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.mode, handler.stage = "451", "RCPT"
    failed_at = None
    for moment in every(timedelta(minutes=30), timedelta(hours=78)):
        report = deliver(queued, moment, settings_for(port), worker="w")
        if report.failed and failed_at is None:
            failed_at = moment
            assert report.failed == 4
    assert failed_at is not None and failed_at - START == timedelta(hours=73)
    rows = outbox_messages(queued)
    assert {m["status"] for m in rows} == {"failed"}
    assert all(re.fullmatch(r"gave up after 73\.0 h of retries; last: 451 4\.3\.0 Try "
                            r"again later", m["error"]) for m in rows), rows[0]["error"]


def test_a_shorter_retry_window_is_a_setting(queued: Store,
                                             server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.mode = "451"
    settings = MailSettings(sender=SENDER, maildir=Path("/nonexistent"),
                            smtp_url=f"smtp://127.0.0.1:{port}", timeout=TIMEOUT, retry_hours=1)
    reports = [deliver(queued, moment, settings, worker="w")
               for moment in every(timedelta(minutes=15), timedelta(hours=2))]
    # Tried at 0:00, 0:15, 0:30, 0:45 and 1:15: failed at the first try an hour after the
    # first failure.
    assert [(r.retried, r.failed) for r in reports] == [
        (4, 0), (4, 0), (4, 0), (4, 0), (0, 0), (0, 4), (0, 0), (0, 0), (0, 0)]


def test_a_connection_cut_after_data_sends_a_message_at_most_twice(
        queued: Store, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.mode = "drop"
    for moment in every(timedelta(minutes=15), timedelta(hours=2)):
        deliver(queued, moment, settings_for(port), worker="w")
    ids = {m["message_id"] for m in outbox_messages(queued)}
    assert Counter(handler.stored) == {message_id: 2 for message_id in ids}
    rows = outbox_messages(queued)
    assert {m["status"] for m in rows} == {"failed"}
    assert all(m["error"].startswith("delivery could not be confirmed 2 times and the server "
                                     "may have received it, so it is not sent again")
               for m in rows)


def test_a_message_unconfirmed_once_is_sent_again_and_confirmed(
        queued: Store, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.mode = "drop-once"
    for moment in every(timedelta(minutes=15), timedelta(hours=1)):
        deliver(queued, moment, settings_for(port), worker="w")
    ids = {m["message_id"] for m in outbox_messages(queued)}
    assert Counter(handler.stored) == {message_id: 2 for message_id in ids}
    assert statuses(queued) == {"sent": 4}


def test_a_hanging_server_holds_a_pass_for_one_timeout(
        queued: Store, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.mode = "hang"
    began = time.monotonic()
    report = deliver(queued, START, settings_for(port), worker="w")
    elapsed = time.monotonic() - began
    assert TIMEOUT <= elapsed < TIMEOUT + 1.0, elapsed  # not 4 timeouts, one per message
    assert (report.sent, report.retried, report.failed, report.delayed) == (0, 1, 0, 3)
    assert "timed out" in report.problems[f"smtp://127.0.0.1:{port}"]
    assert statuses(queued) == {"queued": 4}
    handler.mode = "ok"
    report = deliver(queued, START + timedelta(minutes=15), settings_for(port), worker="w")
    assert report.sent == 4 and statuses(queued) == {"sent": 4}
    assert len(handler.stored) == 4 and report.problems == {}


def test_a_refused_connection_counts_one_attempt_per_pass(queued: Store) -> None:
    settings = settings_for(free_port())
    reports: list[DeliveryReport] = []
    for moment in every(timedelta(minutes=15), timedelta(minutes=45)):
        reports.append(deliver(queued, moment, settings, worker="w"))
    assert [(r.retried, r.delayed, r.failed) for r in reports] == [(1, 3, 0)] * 4
    assert reports[0].problems == {
        settings.target: "ConnectionRefusedError: [Errno 111] Connection refused"}
    # Four passes, each tried the message whose turn it was: each has one attempt.
    rows = outbox_messages(queued)
    assert [m["attempts"] for m in rows] == [1, 1, 1, 1]
    assert {m["status"] for m in rows} == {"queued"}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [("IVPFLOW_LEASE_SECONDS", "abc",
      "IVPFLOW_LEASE_SECONDS 'abc' must be a number of seconds from 10 to 86400"),
     ("IVPFLOW_LEASE_SECONDS", "nan",
      "IVPFLOW_LEASE_SECONDS 'nan' must be a number of seconds from 10 to 86400"),
     ("IVPFLOW_RETRY_HOURS", "0", "IVPFLOW_RETRY_HOURS '0' must be a number of hours "
                                  "from 1 to 720"),
     ("IVPFLOW_SMTP_TIMEOUT", "inf", "IVPFLOW_SMTP_TIMEOUT 'inf' must be a number of seconds "
                                     "from 1 to 600")],
    ids=["lease-text", "lease-nan", "retry-zero", "timeout-inf"],
)
def test_bad_delivery_numbers_are_refused_in_one_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str,
        message: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidValueError, match=f"^{message}$"):
        MailSettings.from_env(tmp_path)


def test_delivery_numbers_are_read_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for variable, value in (("IVPFLOW_LEASE_SECONDS", "60"), ("IVPFLOW_RETRY_HOURS", "24"),
                            ("IVPFLOW_SMTP_TIMEOUT", " 5 ")):
        monkeypatch.setenv(variable, value)
    settings = MailSettings.from_env(tmp_path)
    assert (settings.lease_seconds, settings.retry_hours, settings.timeout) == (60, 24, 5)


@pytest.fixture
def unwelcoming() -> Iterator[int]:
    """A server that greets every connection with 554 and closes it: a configuration
    problem (as a 535 to the login is), not a message's."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.sendall(b"554 5.7.1 Not welcome here\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_a_server_that_refuses_the_session_holds_the_messages_uncounted(
        queued: Store, unwelcoming: int) -> None:
    settings = settings_for(unwelcoming)
    for moment in every(timedelta(minutes=15), timedelta(hours=2)):
        report = deliver(queued, moment, settings, worker="w")
        assert (report.sent, report.failed) == (0, 0)
        assert "554" in report.problems[settings.target]
    rows = outbox_messages(queued)
    assert {m["status"] for m in rows} == {"queued"}
    assert {m["attempts"] for m in rows} == {0}


def test_a_550_makes_the_tick_exit_1_with_the_server_named(
        store: Store, store_dir: Path, not_definition: Definition, server: tuple[Faulty, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ivpflow.cli import cli

    handler, port = server
    handler.mode, handler.stage = "550", "RCPT"
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    assign(store, "not", "coordinator", name="C", email="c@not.example",
           now=parse_moment("2026-02-27T09:00"), actor="t")
    monkeypatch.setenv("IVPFLOW_SMTP_URL", f"smtp://127.0.0.1:{port}")
    result = CliRunner().invoke(cli, ["--store", str(store_dir), "--now", "2026-03-02T09:00",
                                      "tick"], env={"IVPFLOW_DB": store.url})
    assert result.exit_code == 1, result.output
    assert (f"Problem: mail to smtp://127.0.0.1:{port}: 550 5.1.1 No such user here"
            in result.stderr)
    assert "failed for good: see `ivpflow outbox --status failed`" in result.stderr
