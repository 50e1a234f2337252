"""Due drafts that could not be rendered: kept with their error until they render, so the
tick goes on with every other draft and reminder, and `status`, the report and the digest
can say what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from ..dates import to_utc_naive
from ..errors import error_line
from ..store import Store, tables

_failures = tables.draft_failures


@dataclass(frozen=True)
class DraftFailure:
    """A due draft that could not be rendered, as recorded in `draft_failures`."""

    process: str
    document: str
    error: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime


def draft_failures(conn: Connection, process_ids: list[str]) -> list[DraftFailure]:
    """The due drafts of some processes that failed and have not rendered since, oldest
    failure first (read in the caller's transaction)."""
    query = (select(_failures.c.process_id, _failures.c.document, _failures.c.error,
                    _failures.c.attempts, _failures.c.first_failed_at,
                    _failures.c.last_failed_at)
             .where(_failures.c.process_id.in_(process_ids))
             .order_by(_failures.c.first_failed_at, _failures.c.process_id,
                       _failures.c.document))
    return [DraftFailure(*row) for row in conn.execute(query)]


def record_failure(store: Store, process_id: str, document: str, now: datetime,
                   exc: BaseException) -> DraftFailure:
    """Keep (or count once more) a draft that failed at `now`."""
    stamp, error = to_utc_naive(now), error_line(exc)
    key = (_failures.c.process_id == process_id) & (_failures.c.document == document)
    with store.connect(immediate=True) as conn:
        known = conn.execute(select(_failures.c.attempts, _failures.c.first_failed_at)
                             .where(key)).first()
        if known is None:
            conn.execute(insert(_failures).values(
                process_id=process_id, document=document, error=error, attempts=1,
                first_failed_at=stamp, last_failed_at=stamp))
            attempts, first = 1, stamp
        else:
            attempts, first = known.attempts + 1, known.first_failed_at
            conn.execute(update(_failures).where(key).values(
                error=error, attempts=attempts, last_failed_at=stamp))
    return DraftFailure(process_id, document, error, attempts, first, stamp)


def clear_failure(store: Store, process_id: str, document: str) -> None:
    """Forget a draft's failure: it rendered."""
    with store.connect(immediate=True) as conn:
        conn.execute(delete(_failures).where(_failures.c.process_id == process_id,
                                             _failures.c.document == document))
