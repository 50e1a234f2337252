"""Messages that did not go out: failed for good, or waiting an hour or more.

What the tick's exit code, the coordinator's digest, `status` and the report show, so that
nothing fails silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, select

from ..dates import to_utc_naive
from ..errors import InvalidValueError
from ..i18n import _
from ..store import Store, tables

DELAYED_AFTER = timedelta(hours=1)  # a queued message this old is late, and the tick says so


class Undelivered(NamedTuple):
    """A message that failed for good or has waited past DELAYED_AFTER."""

    id: int
    process_id: str
    kind: str
    item: str | None
    recipient: str
    recipient_name: str
    status: str  # failed | queued
    attempts: int
    queued_at: datetime
    error: str | None


def _delayed(now: datetime) -> Any:
    """The messages still queued DELAYED_AFTER or longer after they were queued."""
    outbox = tables.outbox
    return (outbox.c.status == "queued") & (outbox.c.queued_at
                                            <= to_utc_naive(now - DELAYED_AFTER))


def delayed_count(store: Store, now: datetime) -> int:
    """How many queued messages have waited an hour or more since they were queued."""
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.outbox)
                                .where(_delayed(now))).scalar_one())


def undelivered(conn: Connection, process_ids: list[str], now: datetime,
                limit: int = 50) -> list[Undelivered]:
    """The failed and delayed messages of some processes, oldest first (at most `limit`)."""
    outbox = tables.outbox
    query = (select(*(outbox.c[name] for name in Undelivered._fields))
             .where(outbox.c.process_id.in_(process_ids),
                    (outbox.c.status == "failed") | _delayed(now))
             .order_by(outbox.c.queued_at, outbox.c.id).limit(limit))
    return [Undelivered(*row) for row in conn.execute(query)]


def requeue(store: Store, ids: list[int] | None, *, now: datetime, actor: str,
            process_id: str | None = None) -> list[int]:
    """Put failed messages back in the queue (the given ids, or every failed one, of one
    process if given), each recorded in its process's history; the ids requeued.

    Every id must be a failed message, or nothing is requeued.
    """
    outbox = tables.outbox
    query = select(outbox.c.id, outbox.c.process_id, outbox.c.status, outbox.c.kind,
                   outbox.c.item, outbox.c.recipient, outbox.c.error).order_by(outbox.c.id)
    if ids is not None:
        query = query.where(outbox.c.id.in_(ids))
    else:
        query = query.where(outbox.c.status == "failed")
        if process_id is not None:
            query = query.where(outbox.c.process_id == process_id)
    with store.connect() as conn:
        rows = conn.execute(query).all()
    if ids is not None:
        found = {row.id: row for row in rows}
        for ident in ids:
            if ident not in found:
                raise InvalidValueError(_("Message"), ident, _("is not in the outbox"))
            if found[ident].status != "failed":
                raise InvalidValueError(_("Message"), ident, _(
                    "is {status}; only failed messages are requeued").format(
                    status=found[ident].status))
    by_process: dict[str, list[Any]] = {}
    for row in rows:
        by_process.setdefault(row.process_id, []).append(row)
    for pid, messages in by_process.items():
        from ..store.writer import change  # a write: `status` reads this module

        with change(store, pid, now=now, actor=actor, parts=(), touch=False) as work:
            for message in messages:
                work.requeue_message(message.id)
                work.record("mail-requeued", source="failed", dest=message.recipient,
                            item=message.item,
                            note=f"message {message.id} ({message.kind}); it failed with: "
                                 f"{' '.join((message.error or '').split())[:300]}")
    return [row.id for row in rows]
