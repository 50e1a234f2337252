"""The portfolio: every process with its phase, next deadline and how many of its items are
overdue and at risk (`processes`).

It reads the summary every write stores with a process (and the scheduler refreshes each new
day), one row per process; only a process whose summary does not hold on the day asked for is
read whole and planned here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Date, String, and_, bindparam, case, select, type_coerce

from ..planning.summary import Summary, summarize
from ..store import Store, tables
from ..store.reader import CHUNK, read_definition, read_processes
from ..store.rows import facts_of
from ..store.succession import successors

SORTS = ("id", "deadline", "risk")


class PortfolioRow(TypedDict):
    """One process of `processes --json` (`next_item` is shown in the table only)."""

    id: str
    workflow: str
    phase: str
    next_deadline: str | None
    next_item: str | None
    overdue: int
    at_risk: int


_p = tables.processes
_TODAY = bindparam("today", type_=Date)
# Whether the stored summary holds on the day is asked in SQL (Summary.holds_on, on the
# columns: through is 9999-12-31 for good, NULL for none yet, as stale_summaries reads it),
# and the next deadline comes as the database keeps it: for 10,000 processes, 30,000 dates
# not made in Python only to be compared and written out as text again.
_HEADS = select(_p.c.id, _p.c.workflow, _p.c.phase,
                case((and_(_p.c.summary_on <= _TODAY, _p.c.summary_through >= _TODAY), 1),
                     else_=0),
                _p.c.overdue, _p.c.at_risk, type_coerce(_p.c.next_due, String), _p.c.next_item,
                _p.c.definition_digest)


def list_processes(store: Store, *, now: datetime, sort: str = "id",
                   limit: int | None = None) -> list[PortfolioRow]:
    """Every process (or the first `limit` in the order asked for) with its phase, next
    deadline and counts of overdue and at-risk items on the day of `now`."""
    today = now.date()
    found: list[PortfolioRow] = []
    stale: list[str] = []
    # A few workflows, phases and days for any number of processes: one string each.
    shared: dict[object, str] = {}

    def one(value: object, text: Any) -> Any:
        return shared.setdefault(value, text)

    with store.connect() as conn:
        query = _HEADS.order_by(_p.c.id)
        limited = sort == "id" and limit is not None
        if limited:
            query = query.limit(limit)
        # Streamed a few thousand rows at a time (a server-side cursor on PostgreSQL): only
        # the portfolio's own rows are ever held, not the driver's copy of every head too.
        heads = conn.execution_options(yield_per=2000).execute(query, {"today": today})
        digests: list[tuple[str, str]] = []
        for pid, workflow, phase, holds, overdue, at_risk, due, item, digest in heads:
            if not holds:
                stale.append(pid)
            if due is not None and not isinstance(due, str):  # PostgreSQL's driver: a date
                due = due.isoformat()
            digests.append((pid, one(digest, digest)))
            found.append(PortfolioRow(id=pid, workflow=one(workflow, workflow),
                                      phase=one(phase, phase), next_deadline=one(due, due),
                                      next_item=one(item, item), overdue=overdue or 0,
                                      at_risk=at_risk or 0))
        # A stored summary counts an adopted plan's clock warning as if nobody followed it:
        # where the store holds a successor, the process is summarized again knowing it.
        followed = successors(conn) if limited else successors(conn, digests)
        del digests
        if followed:
            held = set(stale)
            stale += [r["id"] for r in found
                      if r["at_risk"] and r["id"] in followed and r["id"] not in held]
        if stale:
            fresh = {}
            for start in range(0, len(stale), CHUNK):
                for process in read_processes(conn, stale[start:start + CHUNK]):
                    definition = read_definition(conn, process.definition_digest)
                    fresh[process.id] = summarize(definition, facts_of(process, today),
                                                  followed=process.id in followed)
            found = [_row(r["id"], r["workflow"], r["phase"], fresh[r["id"]])
                     if r["id"] in fresh else r for r in found]
    if sort == "deadline":
        found.sort(key=lambda r: (r["next_deadline"] is None, r["next_deadline"] or "",
                                  r["id"]))
    elif sort == "risk":
        found.sort(key=lambda r: (-r["overdue"], -r["at_risk"], r["next_deadline"] or "9999",
                                  r["id"]))
    return found[:limit] if limit is not None else found


def _row(process_id: str, workflow: str, phase: str, summary: Summary) -> PortfolioRow:
    return PortfolioRow(
        id=process_id, workflow=workflow, phase=phase,
        next_deadline=summary.next_due.isoformat() if summary.next_due else None,
        next_item=summary.next_item, overdue=summary.overdue, at_risk=summary.at_risk)


class PlanRow(TypedDict):
    """One adopted plan of `processes --plans --json`, with its four-year clock."""

    id: str
    workflow: str
    period: str | None
    adopted: str | None
    expires: str
    extended_until: str | None
    next_start_by: str
    successor: str | None
    warnings: list[str | None]
    reasons: list[dict[str, Any]]


def plans_in_force(store: Store, *, now: datetime) -> list[PlanRow]:
    """The adopted plans of the store, each with its clock on the day of `now`: when it
    expires and when the next process must start, what it warns of, and its successor."""
    from ..outbox.clockmail import adopted_processes
    from .status import process_status

    with store.connect() as conn:
        ids = adopted_processes(conn)
    rows: list[PlanRow] = []
    for process_id in ids:
        status = process_status(store, process_id, now=now)
        clock = status["clock"]
        if clock is None:
            continue
        rows.append(PlanRow(id=process_id, workflow=status["workflow"], period=clock["period"],
                            adopted=clock.get("adopted"), expires=clock["expires"],
                            extended_until=clock.get("extended_until"),
                            next_start_by=clock["next_start_by"],
                            successor=clock.get("successor"), warnings=clock["warnings"],
                            reasons=clock["reasons"]))
    return rows

