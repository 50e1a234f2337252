"""Delivering the outbox: claim queued messages, send them (SMTP or Maildir), mark them.

Claims are leases: a claimed message is left alone until its lease ends, so a crashed sender's
messages are taken over. At most the one message in flight when a sender dies can go out
twice, and then with the same Message-ID (the Maildir copy even has the same file name).
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select, update

from .dates import local, to_utc_naive
from .errors import ConflictError, InvalidValueError
from .reminders import one_line
from .store import Store
from .store.models import OutboxMessage

MAX_ATTEMPTS = 5
MARK_ATTEMPTS = 5  # tries to record a sent message when the database is busy
BACKOFF_MINUTES = (1, 5, 15, 60)  # waits after the 1st, 2nd, 3rd and 4th failed attempt
LEASE_SECONDS = 300.0
DEFAULT_SENDER = "ivpflow <ivpflow@localhost>"


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes: an SMTP server when a URL is given, else a Maildir folder."""

    sender: str
    maildir: Path
    smtp_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    lease_seconds: float = LEASE_SECONDS  # how long a claim keeps others off a message

    @classmethod
    def from_env(cls, store_dir: str | Path) -> MailSettings:
        """Settings from IVPFLOW_SMTP_URL, _USER, _PASSWORD and IVPFLOW_MAIL_FROM."""
        settings = cls(sender=os.environ.get("IVPFLOW_MAIL_FROM") or DEFAULT_SENDER,
                       maildir=Path(store_dir) / "outbox",
                       smtp_url=os.environ.get("IVPFLOW_SMTP_URL") or None,
                       user=os.environ.get("IVPFLOW_SMTP_USER") or None,
                       password=os.environ.get("IVPFLOW_SMTP_PASSWORD") or None,
                       lease_seconds=float(os.environ.get("IVPFLOW_LEASE_SECONDS")
                                           or LEASE_SECONDS))
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse a sender or SMTP URL that cannot work, before anything is sent."""
        name, address = parseaddr(self.sender)
        if "@" not in address or any(ch in self.sender for ch in "\r\n"):
            raise InvalidValueError(f"IVPFLOW_MAIL_FROM '{self.sender}' is not an address")
        if self.smtp_url:
            url = urlsplit(self.smtp_url)
            if url.scheme not in ("smtp", "smtps") or not url.hostname:
                raise InvalidValueError(f"IVPFLOW_SMTP_URL '{self.smtp_url}' must look like "
                                        "smtp://host:port or smtps://host:port")

    @property
    def target(self) -> str:
        """Where the mail goes, for messages."""
        return self.smtp_url or f"Maildir {self.maildir}"


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def render_raw(row: OutboxMessage, sender: str) -> bytes:
    """The e-mail of an outbox row as bytes (CRLF): plain text and HTML, the .ics, headers.

    Written out directly rather than through EmailMessage, which costs ten times as much per
    message; every value that reaches a header is folded onto one line first, so no name or
    title can add a header.
    """
    sender_name, sender_address = parseaddr(sender)
    seed = sha256(row.dedupe_key.encode()).hexdigest()
    mixed, alternative = f"=_mixed_{seed[:24]}", f"=_alt_{seed[:24]}"
    headers = [
        f"From: {_address(sender_name, sender_address)}",
        f"To: {_address(row.recipient_name, row.recipient)}",
        f"Subject: {_header(row.subject)}",
        f"Date: {format_datetime(local(row.queued_at))}",
        f"Message-ID: {one_line(row.message_id)}",
        "Auto-Submitted: auto-generated",
        f"X-Ivpflow-Process: {one_line(row.process_id)}",
        "MIME-Version: 1.0",
    ]
    parts = [
        _part("text/plain; charset=\"utf-8\"", row.body_text),
        _part("text/html; charset=\"utf-8\"", row.body_html),
    ]
    body = [f"--{alternative}\r\n{part}" for part in parts]
    text = "\r\n".join(body) + f"--{alternative}--\r\n"
    if row.ics:
        headers.append(f"Content-Type: multipart/mixed; boundary=\"{mixed}\"")
        calendar = _part("text/calendar; charset=\"utf-8\"; method=PUBLISH", row.ics,
                         'Content-Disposition: attachment; filename="termijn.ics"')
        text = (f"--{mixed}\r\nContent-Type: multipart/alternative; "
                f"boundary=\"{alternative}\"\r\n\r\n{text}\r\n--{mixed}\r\n{calendar}"
                f"--{mixed}--\r\n")
    else:
        headers.append(f"Content-Type: multipart/alternative; boundary=\"{alternative}\"")
    return ("\r\n".join(headers) + "\r\n\r\n" + text).encode("ascii")


def _header(text: str) -> str:
    value = one_line(text)
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def _address(name: str, address: str) -> str:
    return formataddr((one_line(name), one_line(address)), charset="utf-8")


def _part(content_type: str, content: str, *extra: str) -> str:
    encoded = base64.encodebytes(content.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
    lines = [f"Content-Type: {content_type}", *extra, "Content-Transfer-Encoding: base64"]
    return "\r\n".join(lines) + "\r\n\r\n" + encoded


def compose(row: OutboxMessage, settings: MailSettings) -> EmailMessage:
    """The e-mail of an outbox row, parsed back as a message object (to inspect it)."""
    parsed = message_from_bytes(render_raw(row, settings.sender), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def claim(store: Store, now: datetime, worker: str, limit: int = 50,
          lease: float = LEASE_SECONDS) -> list[int]:
    """Lease queued messages that may be tried now; returns their ids."""
    stamp = to_utc_naive(now)
    with store.transaction(immediate=True) as session:
        # Oldest first, in the order of ix_outbox_claimable: the database stops after `limit`.
        query = (select(OutboxMessage.id)
                 .where(OutboxMessage.status == "queued",
                        OutboxMessage.next_attempt_at <= stamp,
                        (OutboxMessage.claimed_until.is_(None))
                        | (OutboxMessage.claimed_until < stamp))
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        if store.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if ids:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                            .values(claimed_by=worker,
                                    claimed_until=stamp + timedelta(seconds=lease)))
        return ids


def deliver(store: Store, now: datetime, settings: MailSettings, *, worker: str,
            limit: int = 50, pause: float = 0.0) -> DeliveryReport:
    """Send what is queued and due, one message at a time, marking each as it goes."""
    report = DeliveryReport()
    transport = _Transport(settings)
    began = _time.monotonic()

    def moment() -> datetime:
        # The pass's clock runs on while it sends, so leases are compared with the time of
        # each message, not of the start of the pass.
        return now + timedelta(seconds=_time.monotonic() - began)

    try:
        while True:
            ids = claim(store, moment(), worker, limit, settings.lease_seconds)
            if not ids:
                break
            if not settings.smtp_url:
                _deliver_to_maildir(store, moment(), settings, ids, worker, report)
                continue
            for ident in ids:
                _deliver_one(store, moment(), settings, transport, ident, worker, report)
                if pause:
                    _time.sleep(pause)
            if len(ids) < limit:
                break
    finally:
        transport.close()
    return report


def _deliver_one(store: Store, now: datetime, settings: MailSettings, transport: _Transport,
                 ident: int, worker: str, report: DeliveryReport) -> None:
    with store.transaction(immediate=True) as session:
        # Renew the lease just before sending, and only if it is still ours: a claim that ran
        # out may have been taken over, and then the other sender sends it.
        renewed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == ident, OutboxMessage.claimed_by == worker,
                   OutboxMessage.status == "queued",
                   OutboxMessage.claimed_until >= to_utc_naive(now))
            .values(claimed_until=to_utc_naive(now) + timedelta(seconds=settings.lease_seconds))
        )
        if getattr(renewed, "rowcount", 0) != 1:
            return
        row = session.get(OutboxMessage, ident)
        assert row is not None
        raw = render_raw(row, settings.sender)
        key, recipient = row.dedupe_key, row.recipient
    error: str | None = None
    try:
        transport.send(raw, key, recipient)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}".strip()
        transport.reset()
    # The message is out (or failed): recording that must not be lost to a busy database,
    # or the message would go out again when its lease runs out.
    for attempt in range(MARK_ATTEMPTS):
        try:
            _mark(store, now, ident, error, report)
            return
        except ConflictError:
            if attempt + 1 == MARK_ATTEMPTS:
                raise
            _time.sleep(0.2 * (attempt + 1))


def _deliver_to_maildir(store: Store, now: datetime, settings: MailSettings, ids: list[int],
                        worker: str, report: DeliveryReport) -> None:
    """A claimed batch into the Maildir at once: a file per message under a fixed name, so
    writing one twice leaves one file; then the batch is marked sent in one transaction."""
    with store.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
            OutboxMessage.status == "queued")).all()
        batch = [(row.id, row.dedupe_key, render_raw(row, settings.sender)) for row in rows]
    write_maildir(settings.maildir, [(key, raw) for _, key, raw in batch])
    stamp = to_utc_naive(now)
    with store.transaction(immediate=True) as session:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_([ident for ident, _, _ in batch]))
                        .values(status="sent", sent_at=stamp, error=None, claimed_by=None,
                                claimed_until=None, attempts=OutboxMessage.attempts + 1))
    report.sent += len(batch)


def _mark(store: Store, now: datetime, ident: int, error: str | None,
          report: DeliveryReport) -> None:
    with store.transaction(immediate=True) as session:
        row = session.get(OutboxMessage, ident)
        assert row is not None
        row.attempts += 1
        row.claimed_by = None
        row.claimed_until = None
        if error is None:
            row.status, row.sent_at, row.error = "sent", to_utc_naive(now), None
            report.sent += 1
        elif row.attempts >= MAX_ATTEMPTS:
            row.status, row.error = "failed", error
            report.failed += 1
        else:
            wait = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
            row.error = error
            row.next_attempt_at = to_utc_naive(now) + timedelta(minutes=wait)
            report.retried += 1


class _Transport:
    """One SMTP connection per delivery pass, or the Maildir."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, raw: bytes, key: str, recipient: str) -> None:
        if self.settings.smtp_url:
            self._connection().sendmail(parseaddr(self.settings.sender)[1], [recipient], raw)
        else:
            write_maildir(self.settings.maildir, [(key, raw)])

    def _connection(self) -> smtplib.SMTP:
        if self.smtp is None:
            url = urlsplit(self.settings.smtp_url or "")
            host, timeout = url.hostname or "localhost", self.settings.timeout
            context = ssl.create_default_context()
            if url.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, url.port or 465, timeout=timeout,
                                                      context=context)
            else:
                smtp = smtplib.SMTP(host, url.port or 25, timeout=timeout)
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
            if self.settings.user:
                smtp.login(self.settings.user, self.settings.password or "")
            self.smtp = smtp
        return self.smtp

    def reset(self) -> None:
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def write_maildir(folder: Path, messages: list[tuple[str, bytes]]) -> list[Path]:
    """Deliver into a Maildir, each under a name fixed by its reminder, so a retry replaces
    it; the files are on disk (one sync for the batch) before this returns."""
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    staged = []
    for key, raw in messages:
        name = f"ivpflow.{sha256(key.encode()).hexdigest()[:32]}"
        tmp = folder / "tmp" / name
        # Maildir files have plain newlines; SMTP wants CRLF.
        tmp.write_bytes(raw.replace(b"\r\n", b"\n"))
        staged.append((tmp, folder / "new" / name))
    os.sync()
    for tmp, final in staged:
        os.replace(tmp, final)
    directory = os.open(folder / "new", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return [final for _, final in staged]
