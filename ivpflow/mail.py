"""Delivering the outbox: claim queued messages, send them (SMTP or Maildir), mark them.

Claims are leases: a claimed message is left alone until its lease ends, so a crashed sender's
messages are taken over. At most the one message in flight when a sender dies can go out
twice, and then with the same Message-ID (the Maildir copy even has the same file name).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from .dates import local, to_utc_naive
from .errors import InvalidValueError
from .store import Store
from .store.models import OutboxMessage

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = (1, 5, 15, 60)  # waits after the 1st, 2nd, 3rd and 4th failed attempt
LEASE = timedelta(minutes=5)
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

    @classmethod
    def from_env(cls, store_dir: str | Path) -> MailSettings:
        """Settings from IVPFLOW_SMTP_URL, _USER, _PASSWORD and IVPFLOW_MAIL_FROM."""
        settings = cls(sender=os.environ.get("IVPFLOW_MAIL_FROM") or DEFAULT_SENDER,
                       maildir=Path(store_dir) / "outbox",
                       smtp_url=os.environ.get("IVPFLOW_SMTP_URL") or None,
                       user=os.environ.get("IVPFLOW_SMTP_USER") or None,
                       password=os.environ.get("IVPFLOW_SMTP_PASSWORD") or None)
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


def compose(row: OutboxMessage, settings: MailSettings) -> EmailMessage:
    """The e-mail of an outbox row: plain text and HTML, the .ics, stable headers."""
    message = EmailMessage()
    sender_name, sender_address = parseaddr(settings.sender)
    message["From"] = _address(sender_name, sender_address)
    message["To"] = _address(row.recipient_name, row.recipient)
    message["Subject"] = " ".join(row.subject.split())
    message["Date"] = format_datetime(local(row.queued_at))
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Ivpflow-Process"] = row.process_id
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    if row.ics:
        message.add_attachment(row.ics.encode(), maintype="text", subtype="calendar",
                               filename="termijn.ics", params={"method": "PUBLISH"})
    return message


def _address(name: str, address: str) -> Address:
    # Address objects refuse line breaks, so no name or title can add a header.
    user, _, domain = address.partition("@")
    return Address(display_name=" ".join(name.split()), username=user, domain=domain)


def claim(store: Store, now: datetime, worker: str, limit: int = 200) -> list[int]:
    """Lease queued messages that may be tried now; returns their ids."""
    stamp = to_utc_naive(now)
    with store.transaction(immediate=True) as session:
        query = (select(OutboxMessage)
                 .where(OutboxMessage.status == "queued",
                        OutboxMessage.next_attempt_at <= stamp,
                        (OutboxMessage.claimed_until.is_(None))
                        | (OutboxMessage.claimed_until < stamp))
                 .order_by(OutboxMessage.id).limit(limit))
        if store.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.scalars(query).all()
        for row in rows:
            row.claimed_by = worker
            row.claimed_until = stamp + LEASE
        return [row.id for row in rows]


def deliver(store: Store, now: datetime, settings: MailSettings, *, worker: str,
            limit: int = 200, pause: float = 0.0) -> DeliveryReport:
    """Send what is queued and due, one message at a time, marking each as it goes."""
    report = DeliveryReport()
    transport = _Transport(settings)
    try:
        while True:
            ids = claim(store, now, worker, limit)
            if not ids:
                break
            for ident in ids:
                _deliver_one(store, now, settings, transport, ident, worker, report)
                if pause:
                    _time.sleep(pause)
            if len(ids) < limit:
                break
    finally:
        transport.close()
    return report


def _deliver_one(store: Store, now: datetime, settings: MailSettings, transport: _Transport,
                 ident: int, worker: str, report: DeliveryReport) -> None:
    with store.transaction() as session:
        row = session.get(OutboxMessage, ident)
        if row is None or row.status != "queued" or row.claimed_by != worker:
            return
        message = compose(row, settings)
        key = row.dedupe_key
    error: str | None = None
    try:
        transport.send(message, key)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}".strip()
        transport.reset()
    with store.transaction() as session:
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

    def send(self, message: EmailMessage, key: str) -> None:
        if self.settings.smtp_url:
            self._connection().send_message(message)
        else:
            write_maildir(self.settings.maildir, message, key)

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


def write_maildir(folder: Path, message: EmailMessage, key: str) -> Path:
    """Deliver into a Maildir under a name fixed by the reminder, so a retry replaces it."""
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    name = f"ivpflow.{sha256(key.encode()).hexdigest()[:32]}"
    tmp = folder / "tmp" / name
    with open(tmp, "wb") as handle:
        handle.write(message.as_bytes())
        handle.flush()
        os.fsync(handle.fileno())
    final = folder / "new" / name
    os.replace(tmp, final)
    return final
