"""Delivering the outbox: claim queued messages, send them (SMTP or Maildir), mark them.

Claims are leases: a claimed message is left alone until its lease ends, so a crashed sender's
messages are taken over. At most the one message in flight when a sender dies can go out
twice, and then with the same Message-ID (the Maildir copy even has the same file name).
"""

from __future__ import annotations

import smtplib
import ssl
import time as _time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import bindparam, select, update

from ..dates import to_utc_naive
from ..errors import StoreBusyError
from ..store import Store, tables
from ..store.db import Sql
from ..store.rows import OutboxRow
from .mail import LEASE_SECONDS, MailSettings, render_raw, write_maildir

MAX_ATTEMPTS = 5
MARK_ATTEMPTS = 5  # tries to record a sent message when the database is busy
BACKOFF_MINUTES = (1, 5, 15, 60)  # waits after the 1st, 2nd, 3rd and 4th failed attempt

_outbox = tables.outbox
_ROW = [_outbox.c[name] for name in OutboxRow._fields]


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    problems: dict[str, str] = field(default_factory=dict)  # failing server -> last error


def claim(store: Store, now: datetime, worker: str, limit: int = 50,
          lease: float = LEASE_SECONDS) -> list[int]:
    """Lease queued messages that may be tried now; returns their ids."""
    stamp = to_utc_naive(now)
    with store.connect(immediate=True) as conn:
        # Oldest first, in the order of ix_outbox_claimable: the database stops after `limit`.
        query = (select(_outbox.c.id)
                 .where(_outbox.c.status == "queued", _outbox.c.next_attempt_at <= stamp,
                        (_outbox.c.claimed_until.is_(None)) | (_outbox.c.claimed_until < stamp))
                 .order_by(_outbox.c.next_attempt_at, _outbox.c.id).limit(limit))
        if store.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(conn.scalars(query))
        if ids:
            conn.execute(update(_outbox).where(_outbox.c.id.in_(ids))
                         .values(claimed_by=worker, claimed_until=stamp + timedelta(seconds=lease)))
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
            claimed = _time.monotonic()
            for row in _claimed_rows(store, ids, worker):
                # The claim's lease is fresh; only a slow batch renews it message by message.
                if _time.monotonic() - claimed > settings.lease_seconds / 3 and not _renew(
                        store, moment(), settings, row.id, worker):
                    continue
                _deliver_one(store, moment(), transport, row, settings.sender, report)
                if pause:
                    _time.sleep(pause)
            if len(ids) < limit:
                break
    finally:
        transport.close()
    return report


def _claimed_rows(store: Store, ids: list[int], worker: str) -> list[OutboxRow]:
    """The messages of a claim that are still ours, in the order claimed."""
    with store.connect() as conn:
        found = {row.id: row for row in (OutboxRow(*r) for r in conn.execute(
            select(*_ROW).where(_outbox.c.id.in_(ids), _outbox.c.claimed_by == worker,
                                _outbox.c.status == "queued")))}
    return [found[ident] for ident in ids if ident in found]


def _renew(store: Store, now: datetime, settings: MailSettings, ident: int,
           worker: str) -> bool:
    """Renew a message's lease just before sending it, if it is still ours: a claim that ran
    out may have been taken over, and then the other sender sends it."""
    stamp = to_utc_naive(now)
    with store.connect(immediate=True) as conn:
        renewed = conn.execute(
            update(_outbox)
            .where(_outbox.c.id == ident, _outbox.c.claimed_by == worker,
                   _outbox.c.status == "queued", _outbox.c.claimed_until >= stamp)
            .values(claimed_until=stamp + timedelta(seconds=settings.lease_seconds)))
        return bool(renewed.rowcount == 1)


def _deliver_one(store: Store, now: datetime, transport: _Transport, row: OutboxRow,
                 sender: str, report: DeliveryReport) -> None:
    ident = row.id
    raw = render_raw(row, sender)
    error: str | None = None
    try:
        transport.send(raw, row.dedupe_key, row.recipient)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}".strip()
        transport.reset()
    # The message is out (or failed): recording that must not be lost to a busy database,
    # or the message would go out again when its lease runs out.
    for attempt in range(MARK_ATTEMPTS):
        try:
            _mark(store, now, ident, error, report)
            return
        except StoreBusyError:
            if attempt + 1 == MARK_ATTEMPTS:
                raise
            _time.sleep(0.2 * (attempt + 1))


def _deliver_to_maildir(store: Store, now: datetime, settings: MailSettings, ids: list[int],
                        worker: str, report: DeliveryReport) -> None:
    """A claimed batch into the Maildir at once: a file per message under a fixed name, so
    writing one twice leaves one file; then the batch is marked sent in one transaction."""
    with store.connect() as conn:
        rows = [OutboxRow(*row) for row in conn.execute(
            select(*_ROW).where(_outbox.c.id.in_(ids), _outbox.c.claimed_by == worker,
                                _outbox.c.status == "queued"))]
    batch = [(row.id, row.dedupe_key, render_raw(row, settings.sender)) for row in rows]
    write_maildir(settings.maildir, [(key, raw) for _, key, raw in batch])
    stamp = to_utc_naive(now)
    with store.connect(immediate=True) as conn:
        conn.execute(update(_outbox)
                     .where(_outbox.c.id.in_([ident for ident, _, _ in batch]))
                     .values(status="sent", sent_at=stamp, error=None, claimed_by=None,
                             claimed_until=None, attempts=_outbox.c.attempts + 1))
    report.sent += len(batch)


_SENT = Sql(update(_outbox).where(_outbox.c.id == bindparam("ident"))
             .values(status="sent", sent_at=bindparam("stamp"), error=None,
                     attempts=_outbox.c.attempts + 1, claimed_by=None, claimed_until=None))
_ATTEMPTS = select(_outbox.c.attempts).where(_outbox.c.id == bindparam("ident"))


def _mark(store: Store, now: datetime, ident: int, error: str | None,
          report: DeliveryReport) -> None:
    stamp = to_utc_naive(now)
    if error is None:
        # The common case: one statement and its COMMIT in one round trip, not waiting for the
        # disk. Were the server to crash and forget this mark, the message would go out once
        # more when its lease ends, with the same Message-ID: never lost, at worst repeated.
        with store.transaction(write=True, durable=False) as tx:
            tx.execute([(_SENT, {"ident": ident, "stamp": stamp})], commit=True)
        report.sent += 1
        return
    with store.connect(immediate=True) as conn:
        attempts = int(conn.execute(_ATTEMPTS, {"ident": ident}).scalar_one()) + 1
        values: dict[str, object] = {"attempts": attempts, "claimed_by": None,
                                     "claimed_until": None}
        if attempts >= MAX_ATTEMPTS:
            values.update(status="failed", error=error)
            report.failed += 1
        else:
            wait = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
            values.update(error=error, next_attempt_at=stamp + timedelta(minutes=wait))
            report.retried += 1
        conn.execute(update(_outbox).where(_outbox.c.id == ident).values(**values))


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
