"""The outbox as a list: every message and its delivery state (`outbox`)."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func, select

from ..dates import iso, local
from ..store import Store, tables


class OutboxEntry(TypedDict):
    """One message of `outbox --json`."""

    id: int
    process: str
    kind: str
    item: str | None
    to: str
    subject: str
    status: str
    attempts: int
    message_id: str
    queued_at: str
    sent_at: str | None
    error: str | None
    due: str | None
    moment: str | None


STATUSES = ("queued", "sent", "failed", "cancelled")


def outbox_messages(store: Store, status: str | None = None, *, process: str | None = None,
                    recipient: str | None = None,
                    limit: int | None = None) -> list[OutboxEntry]:
    """The outbox, oldest first, in the shape of CONTRACT.md's `outbox --json`: every
    message, or those in a state, of a process, to an address (any case); `limit` keeps the
    newest."""
    outbox = tables.outbox
    query = select(outbox.c.id, outbox.c.process_id, outbox.c.kind, outbox.c.item,
                   outbox.c.recipient, outbox.c.subject, outbox.c.status, outbox.c.attempts,
                   outbox.c.message_id, outbox.c.queued_at, outbox.c.sent_at, outbox.c.error,
                   outbox.c.due, outbox.c.moment)
    if status is not None:
        query = query.where(outbox.c.status == status)
    if process is not None:
        query = query.where(outbox.c.process_id == process)
    if recipient is not None:
        query = query.where(func.lower(outbox.c.recipient) == recipient.strip().lower())
    if limit is not None:
        query = query.order_by(outbox.c.id.desc()).limit(limit)
    else:
        query = query.order_by(outbox.c.id)
    with store.connect() as conn:
        rows = list(conn.execute(query).all())
    if limit is not None:
        rows.reverse()
    return [OutboxEntry(id=m.id, process=m.process_id, kind=m.kind, item=m.item,
                        to=m.recipient, subject=m.subject, status=m.status,
                        attempts=m.attempts, message_id=m.message_id,
                        queued_at=local(m.queued_at).isoformat(timespec="seconds"),
                        sent_at=(local(m.sent_at).isoformat(timespec="seconds") if m.sent_at
                                 else None), error=m.error, due=iso(m.due),
                        moment=iso(m.moment)) for m in rows]
