"""Delivering the outbox: claim queued messages, send them (SMTP or Maildir), mark them.

Claims are leases: a claimed message is left alone until its lease ends, so a crashed sender's
messages are taken over. At most the one message in flight when a sender dies can go out
twice, and then with the same Message-ID (the Maildir copy even has the same file name).

A failed try is judged by what it says about the message:

- transient: a 4xx reply, a refused, timed-out or lost connection before the message was
  handed over. Retried after 1, 5, 15, 30 and 60 minutes and then every two hours, until
  `MailSettings.retry_hours` (72) have passed since its first failure; then failed with the
  last error. An outage of the server therefore loses nothing it outlasts by less than that.
- permanent: a 5xx reply to MAIL, RCPT or DATA. Failed at once with the server's code and reply.
- unconfirmed: the connection was lost after the message's content went out and before the
  server's reply, so it may have arrived. Sent once more (the same bytes, the same
  Message-ID); unconfirmed a second time it is failed, and never sent a third time.
- held: the server refused the session's setup for good (a 5xx login reply such as 535, a 5xx
  greeting, a certificate or an extension it lacks). That is a fault of the configuration,
  not of any message: failing every reminder on a wrong password would lose them all, and
  counting it against their retry window would lose them three days later. So nothing is
  counted, the messages stay queued, and the pass reports the error for its target (one
  login try per pass, so the account is not locked by a stream of them).
"""

from __future__ import annotations

import re
import smtplib
import ssl
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import bindparam, select, update

from ..dates import to_utc_naive
from ..errors import StoreBusyError, error_line
from ..store import Store, tables
from ..store.db import Sql
from ..store.rows import OutboxRow
from .mail import LEASE_SECONDS, MailSettings, one_line, render_raw, write_maildir

MARK_ATTEMPTS = 5  # tries to record a sent message when the database is busy
BACKOFF_MINUTES = (1, 5, 15, 30, 60)  # waits after the 1st to the 5th failed attempt
THEN_EVERY_MINUTES = 120  # and after every later one
MAX_UNCONFIRMED = 2  # sends that may end without the server's reply: at most two copies

_outbox = tables.outbox
_ROW = [_outbox.c[name] for name in OutboxRow._fields]
_T = TypeVar("_T")


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    delayed: int = 0  # claimed, then put back untried: their server was down or refused us
    problems: dict[str, str] = field(default_factory=dict)  # target -> its last error


def retry_wait(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failed try: growing, then two hours."""
    if attempts <= len(BACKOFF_MINUTES):
        return timedelta(minutes=BACKOFF_MINUTES[max(attempts, 1) - 1])
    return timedelta(minutes=THEN_EVERY_MINUTES)


def claim(store: Store, now: datetime, worker: str, limit: int = 50,
          lease: float = LEASE_SECONDS, *, due: datetime | None = None) -> list[int]:
    """Lease queued messages that were due by `due` (default `now`); returns their ids."""
    stamp = to_utc_naive(now)
    due_stamp = to_utc_naive(due) if due is not None else stamp
    with store.connect(immediate=True) as conn:
        # Oldest first, in the order of ix_outbox_claimable: the database stops after `limit`.
        query = (select(_outbox.c.id)
                 .where(_outbox.c.status == "queued", _outbox.c.next_attempt_at <= due_stamp,
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
    """Send what is queued and due at `now`, one message at a time, marking each as it goes.

    Over SMTP one session serves the pass. A lost connection is opened again for the next
    message; a failure to connect or set up, a timeout, a 421 or a second lost connection in
    a row ends the pass's tries: the messages still claimed are put back untried. A server
    that is down or hangs thus holds a pass for about one `settings.timeout` (the connect, or
    the one reply that does not come), however many messages wait.
    """
    report = DeliveryReport()
    transport = _Transport(settings)
    began = _time.monotonic()

    def moment() -> datetime:
        # The pass's clock runs on while it sends, so leases are compared with the time of
        # each message, not of the start of the pass.
        return now + timedelta(seconds=_time.monotonic() - began)

    try:
        while True:
            # Due by the pass's start: a message that failed in this pass waits for the next.
            ids = claim(store, moment(), worker, limit, settings.lease_seconds, due=now)
            if not ids:
                break
            if not settings.smtp_url:
                _deliver_to_maildir(store, moment(), settings, ids, worker, report)
                continue
            rows = _claimed_rows(store, ids, worker)
            if not _deliver_batch(store, now, moment, transport, rows, worker, report, pause):
                break
            if len(ids) < limit:
                break
    finally:
        transport.close()
    return report


def _deliver_batch(store: Store, now: datetime, moment: Callable[[], datetime],
                   transport: _Transport, rows: list[OutboxRow], worker: str,
                   report: DeliveryReport, pause: float) -> bool:
    """Send a claim's messages in order; False when the server is given up for this pass
    (the claim's messages not yet tried are then put back as they were)."""
    settings = transport.settings
    claimed = _time.monotonic()
    lost = 0
    for index, row in enumerate(rows):
        # The claim's lease is fresh; only a slow batch renews it message by message.
        if _time.monotonic() - claimed > settings.lease_seconds / 3 and not _renew(
                store, moment(), settings, row.id, worker):
            continue
        outcome = transport.send(render_raw(row, settings.sender), row.recipient)
        if outcome.error:
            report.problems[settings.target] = outcome.error
        if outcome.fate != "held":
            # A failure is dated by its pass, so a wait of 15 minutes ends at the moment of a
            # pass 15 minutes later, not just after it (and one more pass later).
            when = moment() if outcome.fate == "sent" else now
            _patiently(_mark, store, when, row.id, outcome, settings, report)
        lost = lost + 1 if outcome.session == "lost" else 0
        if outcome.session == "down" or lost >= 2:
            untried = rows[index:] if outcome.fate == "held" else rows[index + 1:]
            report.delayed += _patiently(_release, store, untried, worker)
            return False
        if pause:
            _time.sleep(pause)
    return True


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


def _release(store: Store, rows: list[OutboxRow], worker: str) -> int:
    """Put claimed messages back untried, as they were: no attempt counted, their turn kept,
    so they go first when the server is back. Returns how many were still ours."""
    if not rows:
        return 0
    with store.connect(immediate=True) as conn:
        released = conn.execute(
            update(_outbox)
            .where(_outbox.c.id.in_([row.id for row in rows]), _outbox.c.claimed_by == worker,
                   _outbox.c.status == "queued")
            .values(claimed_by=None, claimed_until=None))
        return int(released.rowcount)


def _patiently(write: Callable[..., _T], *args: Any) -> _T:
    """A write that must not be lost to a busy database, tried again a few times: a sent
    message that is not recorded would go out again when its lease runs out."""
    for attempt in range(MARK_ATTEMPTS - 1):
        try:
            return write(*args)
        except StoreBusyError:
            _time.sleep(0.2 * (attempt + 1))
    return write(*args)


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
_FAILURES = select(_outbox.c.attempts, _outbox.c.first_failed_at, _outbox.c.unconfirmed).where(
    _outbox.c.id == bindparam("ident"))


def _mark(store: Store, now: datetime, ident: int, outcome: _Outcome, settings: MailSettings,
          report: DeliveryReport) -> None:
    """Record how a try ended: sent, to be retried, or failed for good."""
    stamp = to_utc_naive(now)
    if outcome.fate == "sent":
        # The common case: one statement and its COMMIT in one round trip, not waiting for the
        # disk. Were the server to crash and forget this mark, the message would go out once
        # more when its lease ends, with the same Message-ID: never lost, at worst repeated.
        with store.transaction(write=True, durable=False) as tx:
            tx.execute([(_SENT, {"ident": ident, "stamp": stamp})], commit=True)
        report.sent += 1
        return
    with store.connect(immediate=True) as conn:
        attempts, first, unconfirmed = conn.execute(_FAILURES, {"ident": ident}).one()
        values = after_failure(outcome, stamp, attempts=attempts + 1, first=first or stamp,
                               unconfirmed=unconfirmed,
                               window=timedelta(hours=settings.retry_hours))
        conn.execute(update(_outbox).where(_outbox.c.id == ident).values(**values))
    if values.get("status") == "failed":
        report.failed += 1
    else:
        report.retried += 1


def after_failure(outcome: _Outcome, stamp: datetime, *, attempts: int, first: datetime,
                  unconfirmed: int, window: timedelta) -> dict[str, Any]:
    """The outbox columns of a message after a failed try: its next try, or failed for good
    (with `status`). `attempts` counts this try; `first` is when its failures began."""
    values: dict[str, Any] = {"attempts": attempts, "first_failed_at": first,
                              "unconfirmed": unconfirmed, "error": outcome.error,
                              "claimed_by": None, "claimed_until": None}
    if outcome.fate == "unconfirmed":
        values["unconfirmed"] = unconfirmed = unconfirmed + 1
        if unconfirmed >= MAX_UNCONFIRMED:
            values.update(status="failed", error=(
                f"delivery could not be confirmed {unconfirmed} times and the server may have "
                f"received it, so it is not sent again; last: {outcome.error}"))
            return values
    if outcome.fate == "permanent":
        values["status"] = "failed"
    elif stamp - first >= window:
        hours = (stamp - first) / timedelta(hours=1)
        values.update(status="failed", error=f"gave up after {hours:.1f} h of retries; "
                                             f"last: {outcome.error}")
    else:
        values["next_attempt_at"] = stamp + retry_wait(attempts)
    return values


@dataclass(frozen=True)
class _Outcome:
    """How one try ended, for the message and for the pass's session with its server."""

    fate: str  # sent | transient | permanent | unconfirmed | held
    error: str | None = None
    session: str = "kept"  # kept | lost (open another for the next message) | down


_DELIVERED = _Outcome("sent")
_DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


class _Reply(Exception):
    """A reply other than the one that lets the message go on."""

    def __init__(self, code: int, text: bytes | str) -> None:
        self.code = code
        self.text = _reply_text(code, text)
        super().__init__(self.text)


class _Transport:
    """The pass's SMTP session: opened when first needed, and again after a lost one.

    MAIL, RCPT and DATA are driven one by one rather than through sendmail(), to know whether
    the message's content went out when the connection is lost: before, it surely did not
    arrive; after, it may have."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.sender = parseaddr(settings.sender)[1]
        self.smtp: smtplib.SMTP | None = None

    def send(self, raw: bytes, recipient: str) -> _Outcome:
        """Hand one message to the server; how it went, never an exception."""
        if self.smtp is not None:
            outcome = self._try(self.smtp, raw, recipient)
            if outcome.session != "lost" or outcome.fate != "transient":
                return outcome
            # A kept session the server closed in the meantime (an idle timeout): the message
            # never went out, so a new session may try it at once.
        try:
            smtp = self._connection()
        except (OSError, smtplib.SMTPException) as exc:
            return _setup_failure(exc)
        return self._try(smtp, raw, recipient)

    def _try(self, smtp: smtplib.SMTP, raw: bytes, recipient: str) -> _Outcome:
        handed_over = False
        try:
            _expect(smtp.mail(self.sender), 250)
            _expect(smtp.rcpt(recipient), 250, 251)
            _expect(smtp.docmd("DATA"), 354)
            smtp.send(_stuffed(raw))
            handed_over = True
            _expect(smtp.getreply(), 250)
            return _DELIVERED
        except _Reply as reply:
            return self._refused(reply)
        except (OSError, smtplib.SMTPException) as exc:
            self.reset()
            session = "down" if _timed_out(exc) else "lost"
            if handed_over:
                return _Outcome("unconfirmed", "not confirmed: the connection was lost after "
                                f"the message was sent ({_describe(exc)})", session)
            return _Outcome("transient", _describe(exc), session)

    def _refused(self, reply: _Reply) -> _Outcome:
        """A 4xx or 5xx reply: the session goes on with the next message after RSET, but a
        421 means the server is closing it, and a reply out of turn leaves it unclear."""
        if reply.code == 421:
            self.reset()
            return _Outcome("transient", reply.text, "down")
        if not 400 <= reply.code < 600:
            self.reset()
            return _Outcome("transient", reply.text, "lost")
        try:
            assert self.smtp is not None
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.reset()
        return _Outcome("permanent" if reply.code >= 500 else "transient", reply.text)

    def _connection(self) -> smtplib.SMTP:
        url = urlsplit(self.settings.smtp_url or "")
        host, timeout = url.hostname or "localhost", self.settings.timeout
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if url.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, url.port or 465, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, url.port or 25, timeout=timeout)
        try:
            if url.scheme != "smtps":
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
            smtp.ehlo_or_helo_if_needed()
            if self.settings.user:
                smtp.login(self.settings.user, self.settings.password or "")
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp
        return smtp

    def reset(self) -> None:
        """Drop the session without QUIT: after a timeout a QUIT would wait as long again."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.reset()


def _setup_failure(exc: BaseException) -> _Outcome:
    """A session that could not be set up. Refused for good (a 5xx such as 535 for the
    login, a certificate, a missing extension) the messages are held; else (refused
    connection, timeout, 4xx, lost) the message at hand counts a transient failure."""
    code = getattr(exc, "smtp_code", 0)
    if (isinstance(exc, smtplib.SMTPResponseException) and 500 <= code < 600) or isinstance(
            exc, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError):
        return _Outcome("held", _describe(exc), "down")
    return _Outcome("transient", _describe(exc), "down")


def _expect(reply: tuple[int, bytes], *codes: int) -> None:
    if reply[0] not in codes:
        raise _Reply(*reply)


def _stuffed(raw: bytes) -> bytes:
    """The message as DATA sends it: a dot that starts a line doubled, and the final dot."""
    data = _DOT_AT_LINE_START.sub(b"..", raw)
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _timed_out(exc: BaseException) -> bool:
    """Whether the server stopped answering (smtplib wraps the timeout of a reply)."""
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_text(exc.smtp_code, exc.smtp_error)
    return error_line(exc)


def _reply_text(code: int, text: bytes | str) -> str:
    """A server's reply on one line, its code first: '550 5.1.1 No such user'."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return one_line(f"{code} {text}")
