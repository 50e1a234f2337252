"""Mail delivery against a real SMTP server on 127.0.0.1 (aiosmtpd), and into a Maildir."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import event, select, update

from ivpflow.dates import parse_moment
from ivpflow.outbox.delivery import claim, deliver
from ivpflow.outbox.mail import MailSettings, compose
from ivpflow.outbox.reminders import queue_reminders
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.people import assign
from ivpflow.store import Store, tables
from ivpflow.views.outbox import outbox_messages
from ivpflow.workflow.model import Definition

from .conftest import outbox_row, settle_skipped

SENDER = "IVP Noordoost Twente <ivp@not.example>"


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def queued(store: Store, not_definition: Definition) -> Store:
    """The Noordoost Twente process in analyse with three reminders queued on 15 April."""
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    for role in ("projectmanager", "werkgroep", "coordinator"):
        assign(store, "not", role, name=f"Anne {role.capitalize()}", email=f"{role}@not.example",
               now=parse_moment("2026-02-27T09:00"), actor="t")
    advance(store, "not", now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
            reason="r")
    settle_skipped(store, "not", parse_moment("2026-02-27T17:10"))  # opstart ran outside ivpflow
    queue_reminders(store, parse_moment("2026-04-15T08:00"), SENDER)
    return store


def test_smtp_delivers_every_message_with_its_headers(queued: Store, tmp_path: Path,
                                                      smtp: tuple[Collector, int]) -> None:
    handler, port = smtp
    settings = MailSettings(sender=SENDER, maildir=tmp_path / "unused",
                            smtp_url=f"smtp://127.0.0.1:{port}")
    report = deliver(queued, parse_moment("2026-04-15T08:00"), settings, worker="w")
    assert (report.sent, report.failed) == (4, 0)
    rows = {m["message_id"]: m for m in outbox_messages(queued)}
    first = next(m for m in handler.messages if "veiligheidsmonitor" in m["Subject"])
    assert first["From"] == "IVP Noordoost Twente <ivp@not.example>"
    assert first["To"] == "Anne Projectmanager <projectmanager@not.example>"
    assert first["Subject"] == ("Herinnering: Oplevering resultaten veiligheidsmonitor door "
                                "extern bureau — uiterlijk 30 april 2026 (Integraal "
                                "Veiligheidsplan Noordoost Twente 2027-2030)")
    assert first["Date"] == "Wed, 15 Apr 2026 08:00:00 +0200"
    assert first["Message-ID"] in rows and rows[first["Message-ID"]]["status"] == "sent"
    assert {m["Message-ID"] for m in handler.messages} == set(rows)
    assert handler.envelopes[0][0] == "ivp@not.example"


def test_a_message_has_text_html_and_an_ics_for_the_deadline(
        queued: Store, tmp_path: Path, smtp: tuple[Collector, int]) -> None:
    handler, port = smtp
    settings = MailSettings(sender=SENDER, maildir=tmp_path, smtp_url=f"smtp://127.0.0.1:{port}")
    deliver(queued, parse_moment("2026-04-15T08:00"), settings, worker="w")
    message = next(m for m in handler.messages if "veiligheidsmonitor" in m["Subject"])
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "  Uiterlijk:   donderdag 30 april 2026" in text
    # The project manager is told whom to tell, not a command, and a reply reaches the
    # coordinator.
    assert "ivpflow" not in text.split("--")[0]
    assert ("Klaar of vertraagd? Laat het Anne Coordinator weten, coordinator@not.example"
            in text)
    assert message["Reply-To"] == "Anne Coordinator <coordinator@not.example>"
    assert "Blokkeert:   het afronden van de fase Veiligheidsanalyse" in text
    assert "<td>donderdag 30 april 2026</td>" in html
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == "not.veiligheidsmonitor@ivpflow"
    assert event.decoded("DTSTART").isoformat() == "2026-04-30"


def test_an_unreachable_server_is_retried_for_three_days_then_marked_failed(
        queued: Store, tmp_path: Path) -> None:
    settings = MailSettings(sender=SENDER, maildir=tmp_path,
                            smtp_url=f"smtp://127.0.0.1:{free_port()}", timeout=2)
    now = parse_moment("2026-04-15T08:00")
    while now < parse_moment("2026-04-18T08:00"):  # 72 hours: retried, never failed
        assert deliver(queued, now, settings, worker="w").failed == 0
        now += timedelta(hours=2)
    while outbox_messages(queued, "queued"):
        assert deliver(queued, now, settings, worker="w").sent == 0
        now += timedelta(hours=2)
    rows = outbox_messages(queued)
    assert {m["status"] for m in rows} == {"failed"}
    assert all(m["error"].endswith("last: ConnectionRefusedError: [Errno 111] Connection "
                                   "refused") for m in rows)


def test_a_failed_attempt_waits_before_the_next(queued: Store, tmp_path: Path) -> None:
    settings = MailSettings(sender=SENDER, maildir=tmp_path,
                            smtp_url=f"smtp://127.0.0.1:{free_port()}", timeout=2)
    now = parse_moment("2026-04-15T08:00")
    # A server that is down costs a pass one try: the four messages take turns.
    tries = [deliver(queued, now + timedelta(seconds=s), settings, worker="w").retried
             for s in (0, 10, 20, 30, 40)]
    assert tries == [1, 1, 1, 1, 0]
    assert deliver(queued, now + timedelta(minutes=2), settings, worker="w").retried == 1


def test_maildir_delivery_uses_one_file_per_reminder(queued: Store, tmp_path: Path) -> None:
    settings = MailSettings(sender=SENDER, maildir=tmp_path / "outbox")
    deliver(queued, parse_moment("2026-04-15T08:00"), settings, worker="w")
    files = sorted((tmp_path / "outbox" / "new").iterdir())
    assert len(files) == 4 and not list((tmp_path / "outbox" / "tmp").iterdir())
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Message-ID"] in {m["message_id"] for m in outbox_messages(queued)}


def test_line_breaks_in_names_cannot_add_headers(queued: Store, tmp_path: Path) -> None:
    row = outbox_row(queued, 1)._replace(recipient_name="Anne\r\nBcc: evil@example.org",
                                         subject="Herinnering\r\nBcc: evil@example.org")
    message = compose(row, MailSettings(sender=SENDER, maildir=tmp_path))
    raw = message.as_string()
    assert "\nBcc:" not in raw
    assert message["To"] == '"Anne Bcc: evil@example.org" <projectmanager@not.example>'


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [("IVPFLOW_MAIL_FROM", "geen adres", "IVPFLOW_MAIL_FROM 'geen adres' is not an address"),
     ("IVPFLOW_SMTP_URL", "http://mail", "IVPFLOW_SMTP_URL 'http://mail' must look like "
                                         "smtp://host:port or smtps://host:port")],
    ids=["sender", "smtp-url"],
)
def test_bad_mail_settings_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       variable: str, value: str, message: str) -> None:
    from ivpflow.errors import InvalidValueError

    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidValueError, match=f"^{message}$"):
        MailSettings.from_env(tmp_path)


def test_claim_takes_the_oldest_claimable_messages_first(queued: Store) -> None:
    moment = parse_moment("2026-04-15T08:00")
    outbox = tables.outbox
    with queued.connect() as conn:
        rows = conn.execute(select(outbox.c.id, outbox.c.next_attempt_at)
                            .order_by(outbox.c.id)).all()
        # The first message is waiting for a retry: the others are older to claim now.
        conn.execute(update(outbox).where(outbox.c.id == rows[0].id).values(
            next_attempt_at=rows[-1].next_attempt_at + timedelta(minutes=1)))
        expected = [row.id for row in rows[1:]] + [rows[0].id]
    first = claim(queued, moment + timedelta(minutes=2), "a", limit=2)
    rest = claim(queued, moment + timedelta(minutes=2), "b", limit=10)
    assert first + rest == expected
    assert claim(queued, moment + timedelta(minutes=2), "c") == []  # all leased


@pytest.mark.sqlite_only
def test_a_claim_reads_a_batch_from_the_index_without_sorting_the_backlog(
        queued: Store) -> None:
    # Claims ordered differently from their index sorted every queued message each time:
    # draining 10,000 took the square of it.
    seen: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT outbox.id"):
            seen.append((statement, parameters))

    event.listen(queued.engine, "before_cursor_execute", remember)
    claim(queued, parse_moment("2026-04-15T08:00"), "a")
    event.remove(queued.engine, "before_cursor_execute", remember)
    assert len(seen) == 1
    with queued.engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {seen[0][0]}", seen[0][1]))
    assert "USING INDEX ix_outbox_claimable" in plan and "TEMP B-TREE" not in plan, plan
