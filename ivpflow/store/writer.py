"""Writing a process: one unit of work per command.

    with change(store, process_id, now=now, actor=actor) as work:
        state = work.process.item("thematafels")
        work.update("items", "thematafels", status="done", ...)
        work.record("done", item="thematafels")

The block decides in memory on the rows read at its start (the process with its version, and
the parts named); when it ends, the writer applies the plan (every deadline and the summary the
portfolio reads), writes the rows that differ from what was read, appends the events, checks
the version and commits. On PostgreSQL that is two round trips: the read, and the writes with
the COMMIT. A refusal raised inside the block writes nothing.

Two changes of one process follow each other (SQLite's write lock, PostgreSQL's row lock), so
the version check fails only for a change made from rows read outside this unit of work: a
ConflictError means the process's version changed, never that another process did.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from ..dates import dutch_date, dutch_moment, to_utc_naive
from ..errors import BackdatedError, ConflictError, InvalidValueError, ProcessExistsError
from ..i18n import _, say_date, say_moment
from ..planning.deadlines import plan_deadlines
from ..planning.summary import Summary, summarize
from ..text import check_text
from ..workflow.loader import compile_definition
from ..workflow.model import Definition
from . import tables
from .db import Duplicate, Params, Sql, Stale, Store, Tx
from .reader import CHUNK, read_definition, read_events, read_process, read_processes
from .rows import HEAD, PARTS, PLANNING, EventRow, Part, ProcessRow, facts_of

_processes = tables.processes
_INSERT_HEAD = Sql(insert(_processes), keys=HEAD)
_INSERT_EVENT = Sql(insert(tables.events), keys=["process_id", "at", "actor", "event",
                                                 "from_state", "to_state", "item", "note"])
_INSERT_DEFINITION = Sql(insert(tables.definitions),
                         keys=["digest", "workflow", "path", "source", "compiled", "stored_at"])
_outbox = tables.outbox
_CANCEL = Sql(
    update(_outbox)
    .where(_outbox.c.process_id == bindparam("pid"), _outbox.c.item == bindparam("item"),
           _outbox.c.status == "queued")
    .values(status="cancelled", error=bindparam("why")))
# A failed message back in the queue, to be tried now as if new.
_REQUEUE = Sql(
    update(_outbox)
    .where(_outbox.c.id == bindparam("ident"), _outbox.c.process_id == bindparam("pid"),
           _outbox.c.status == "failed")
    .values(status="queued", attempts=0, next_attempt_at=bindparam("stamp"), error=None,
            first_failed_at=None, unconfirmed=0, claimed_by=None, claimed_until=None))
# The never-sent reminders of an item that is open again (an undone `done`): their dedupe keys
# are freed, so the scheduler queues the item's latest moment afresh; sent ones stay and keep
# their keys, so nothing goes out twice.
_REARM = Sql(
    delete(_outbox)
    .where(_outbox.c.process_id == bindparam("pid"), _outbox.c.item == bindparam("item"),
           _outbox.c.status == "cancelled", _outbox.c.sent_at.is_(None)))
SUMMARY_COLUMNS = ("summary_on", "summary_through", "overdue", "at_risk", "next_due",
                   "next_kind", "next_item")
_SUMMARY = Sql(
    update(_processes)
    .where(_processes.c.id == bindparam("pid"), _processes.c.version == bindparam("was"))
    .values({name: bindparam(name) for name in SUMMARY_COLUMNS}))


def _part_statements(part: Part) -> tuple[Sql, Sql]:
    table = part.table
    inserted = [f for f in part.row._fields if f != part.generated]
    return (Sql(insert(table), keys=["process_id", *inserted]),
            Sql(delete(table).where(*_keyed(part))))


def _keyed(part: Part) -> list[Any]:
    table = part.table
    return [table.c.process_id == bindparam("pid"),
            *(table.c[k] == bindparam(f"key_{k}") for k in part.key)]


_PART_STATEMENTS = {name: _part_statements(part) for name, part in PARTS.items()}
# A ProcessRow holds the head's fields first, in HEAD's order (write zips them).
assert list(ProcessRow._fields[:len(HEAD)]) == HEAD
# UPDATEs name only the columns that changed: an unchanged indexed column written again
# still costs its index an entry out and in. One statement per set of columns, made once.
_UPDATES: dict[tuple[str, frozenset[str]], Sql] = {}


def _update(table: str, columns: frozenset[str]) -> Sql:
    found = _UPDATES.get((table, columns))
    if found is None:
        if table == "processes":
            where = [_processes.c.id == bindparam("pid"),
                     _processes.c.version == bindparam("was")]
            target = _processes
        else:
            part = PARTS[table]
            where, target = _keyed(part), part.table
        found = _UPDATES[(table, columns)] = Sql(
            update(target).where(*where).values({c: bindparam(c) for c in sorted(columns)}))
    return found


class Change:
    """What one command does to one process: the rows as read, as changed, and the events."""

    def __init__(self, process: ProcessRow, definition: Definition, *, now: datetime,
                 actor: str, touch: bool = True, new: bool = False) -> None:
        check_actor(actor)
        self.before = process
        self.process = process
        self.definition = definition
        self.now = now
        self.actor = actor
        self.stamp = to_utc_naive(now)
        self.touch = touch  # a change of the process's data: a new version, the time it changed
        self.new = new
        self.events: list[dict[str, Any]] = []
        self.cancelled: list[tuple[str, str]] = []
        self.rearmed: list[str] = []
        self.history: list[EventRow] = []  # read only when the change asks for it
        self.requeued: list[int] = []
        self.stored: list[Definition] = []
        self.backdated: list[str] = []  # why the events are out of order (forced)

    def allow_earlier(self, refusal: BackdatedError) -> None:
        """Record something out of order when the caller allowed it with `backdating()`
        (the events' notes and the warnings say what), else raise the refusal."""
        allowed = _BACKDATING.get()
        if allowed is None:
            raise refusal
        allowed.warnings.append(refusal.fact)
        self.backdated.append(f"forced: {refusal.recorded}")

    # ---------------------------------------------------------------- the rows

    def set(self, **fields: Any) -> None:
        """Change fields of the process row itself (its phase, …), or replace a part's rows
        whole (an upgrade's phases and items, in their new order)."""
        self.process = self.process._replace(**fields)

    def update(self, part: str, key: Any, **fields: Any) -> None:
        """Change fields of one row of a part ('items', 'phases', …), found by its key."""
        wanted = key if isinstance(key, tuple) else (key,)
        key_of = PARTS[part].key_of
        rows = getattr(self.process, part)
        found = False
        changed = []
        for row in rows:
            if key_of(row) == wanted:
                row, found = row._replace(**fields), True
            changed.append(row)
        if not found:
            raise KeyError(f"{part} {key}")
        self._parts(part, tuple(changed))

    def add(self, part: str, row: Any) -> None:
        """Add a row to a part."""
        self._parts(part, (*getattr(self.process, part), row))

    def remove(self, part: str, key: Any) -> None:
        """Remove the row of a part with this key."""
        wanted = key if isinstance(key, tuple) else (key,)
        spec = PARTS[part]
        rows = getattr(self.process, part)
        kept = tuple(row for row in rows if spec.key_of(row) != wanted)
        if len(kept) == len(rows):
            raise KeyError(f"{part} {key}")
        self._parts(part, kept)

    def _parts(self, part: str, rows: tuple[Any, ...]) -> None:
        fields: dict[str, Any] = {part: rows}
        self.process = self.process._replace(**fields)

    # ---------------------------------------------------------------- what else

    def record(self, event: str, *, source: str | None = None, dest: str | None = None,
               item: str | None = None, note: str | None = None) -> None:
        """Append an entry to the history: who, when, what, from and to, and why."""
        if self.backdated:
            note = "; ".join(part for part in (note, *self.backdated) if part)
        self.events.append({"process_id": self.process.id, "at": self.stamp,
                            "actor": self.actor, "event": event, "from_state": source,
                            "to_state": dest, "item": item, "note": note})

    def cancel_reminders(self, item_id: str, why: str = "item settled") -> None:
        """Cancel the queued reminders of an item this change settles (or removes)."""
        self.cancelled.append((item_id, why))

    def rearm_reminders(self, item_id: str) -> None:
        """Let the reminders of an item this change opens again go out again (those cancelled
        and never sent); a reminder already sent is not sent twice."""
        self.rearmed.append(item_id)

    def use_definition(self, definition: Definition) -> None:
        """Point the process at another definition of its workflow, stored (once, by its
        digest) with this change; the plan is made from it."""
        self.definition = definition
        self.set(definition_digest=definition.digest, workflow=definition.id)
        self.stored.append(definition)

    def requeue_message(self, ident: int) -> None:
        """Put a failed outbox message of this process back in the queue."""
        self.requeued.append(ident)


class Backdating:
    """Permission, for the writes inside `backdating()`, to record at a moment earlier than a
    process's last change; the warnings say what was recorded out of order."""

    def __init__(self) -> None:
        self.warnings: list[str] = []


_BACKDATING: ContextVar[Backdating | None] = ContextVar("ivpflow_backdating", default=None)


@contextmanager
def backdating() -> Iterator[Backdating]:
    """Allow the changes made inside the block to act at a moment earlier than a process's
    last change (or to date a decision before the process began). Each such event's note
    says so, and the returned object's warnings list them."""
    allowed = Backdating()
    token = _BACKDATING.set(allowed)
    try:
        yield allowed
    finally:
        _BACKDATING.reset(token)


MAX_ACTOR = 200  # events.actor, items.completed_by


def moment_refusal(process_id: str, moment: datetime, last: datetime) -> BackdatedError:
    """The refusal of a change at `moment`, before the process's last event at `last`."""
    return BackdatedError(
        _("Process '{process_id}': the moment").format(process_id=process_id),
        say_moment(moment), say_moment(last), _("the last event in its history"),
        recorded=f"Process '{process_id}': the moment {dutch_moment(moment)} lies before the "
                 f"last event in its history ({dutch_moment(last)})")


def decision_date_refusal(process_id: str, day: date, start: date) -> BackdatedError:
    """The refusal of a decision dated `day`, before the process's start on `start`."""
    return BackdatedError(
        _("Decision date"), say_date(day), say_date(start),
        _("the start of '{process_id}'").format(process_id=process_id),
        recorded=f"Decision date {dutch_date(day)} lies before the start of '{process_id}' "
                 f"({dutch_date(start)})")


def check_actor(actor: str) -> str:
    """Who acts, as the history keeps it: one line of at most 200 characters."""
    if not actor.strip() or len(actor) > MAX_ACTOR:
        raise InvalidValueError(_("Actor"), actor if len(actor) <= 40 else actor[:40] + "…",
                                _("must be one line of 1 to {count} characters").format(
                                    count=MAX_ACTOR))
    return check_text(_("Actor"), actor, one_line=True)


# --------------------------------------------------------------------------- the unit of work


@contextmanager
def change(store: Store, process_id: str, *, now: datetime, actor: str,
           parts: Iterable[str] = PLANNING, touch: bool = True,
           history: bool = False) -> Iterator[Change]:
    """Read a process for a change, let the block change it in memory, then write it.

    The planning parts are always read: the writer plans every change afresh. With `history`
    the block also has the process's events (`work.history`), read under the same lock.
    """
    with store.transaction(write=True) as tx:
        process = read_process(tx, process_id, parts=PLANNING | frozenset(parts), lock=True)
        work = Change(process, read_definition(tx, process.definition_digest), now=now,
                      actor=actor, touch=touch)
        if history:
            work.history = read_events(tx, process.id)
        # Only the data's changes are kept in order: the scheduler's own events (a draft
        # made, a message requeued) follow the real clock whatever a replay's --now says.
        if touch and work.stamp < process.updated_at:
            work.allow_earlier(moment_refusal(process.id, now, process.updated_at))
        yield work
        write(tx, work)


def create(store: Store, process: ProcessRow, definition: Definition, *, now: datetime,
           actor: str, note: str) -> None:
    """Write a new process (and the definition it was started from, once) with its first
    event; a process of the same id is a ProcessExistsError."""
    work = Change(process, definition, now=now, actor=actor, new=True)
    work.record("started", dest=process.phase, note=note)
    try:
        with store.transaction(write=True) as tx:
            stored = tx.fetch([(_DEFINITION_KNOWN, {"digest": definition.digest}),
                               (_PROCESS_KNOWN, {"pid": process.id})])
            if stored[1]:
                raise ProcessExistsError(process.id)
            writes: list[tuple[Sql, Params | Sequence[Params]]] = []
            if not stored[0]:
                writes.append((_INSERT_DEFINITION, {
                    "digest": definition.digest, "workflow": definition.id,
                    "path": definition.path, "source": definition.source,
                    "compiled": compile_definition(definition), "stored_at": work.stamp}))
            write(tx, work, before=writes)
    except Duplicate:  # a second start of the same id, at the same moment
        raise ProcessExistsError(process.id) from None


_DEFINITION_KNOWN = Sql(tables.definitions.select().with_only_columns(
    tables.definitions.c.digest).where(tables.definitions.c.digest == bindparam("digest")))
_PROCESS_KNOWN = Sql(_processes.select().with_only_columns(_processes.c.id)
                     .where(_processes.c.id == bindparam("pid")))


def apply_plan(process: ProcessRow, definition: Definition, today: date) -> ProcessRow:
    """The process with every deadline planned afresh and its summary for `today`."""
    facts = facts_of(process, today)  # deadlines are not facts: planning them changes none
    planned = plan_deadlines(definition, facts)
    phase_due, item_due = planned.phase_due, planned.item_due
    phases = tuple(p if p.due == phase_due.get(p.phase) else p._replace(due=phase_due.get(p.phase))
                   for p in process.phases)
    items = tuple(i if i.due == item_due.get(i.item_id) else i._replace(due=item_due.get(i.item_id))
                  for i in process.items)
    # One new row for the deadlines and the summary.
    return process._replace(phases=phases, items=items,
                            **summary_columns(summarize(definition, facts, planned)))


def summary_columns(summary: Summary) -> dict[str, Any]:
    """A summary as the process row's columns keep it (SUMMARY_COLUMNS)."""
    return {"summary_on": summary.on, "summary_through": summary.stored_through,
            "overdue": summary.overdue, "at_risk": summary.at_risk,
            "next_due": summary.next_due, "next_kind": summary.next_kind,
            "next_item": summary.next_item}


def write(tx: Tx, work: Change, *,
          before: Sequence[tuple[Sql, Params | Sequence[Params]]] = ()) -> None:
    """Write what a change did: its rows, events and cancelled reminders, in one batch after
    the version check's UPDATE (or the INSERT of a new process)."""
    was = work.before
    after = apply_plan(work.process, work.definition, work.now.date())
    if work.touch:
        # The latest moment, also after a forced earlier one: the next change is held to it.
        after = after._replace(version=was.version + (0 if work.new else 1),
                               updated_at=work.stamp if work.new
                               else max(work.stamp, was.updated_at))
    writes: list[tuple[Sql, Params | Sequence[Params]]] = list(before)
    if work.stored:
        writes += _definition_writes(tx, work.stored, work.stamp)
    if work.new:
        writes.append((_INSERT_HEAD, dict(zip(HEAD, after, strict=False))))
    else:
        # The version is in every UPDATE of the process, changed or not: it is the check.
        changed = {name: value for name, value, old in zip(HEAD, after, was, strict=False)
                   if value != old or name == "version"}
        writes.append((_update("processes", frozenset(changed)),
                       {**changed, "pid": was.id, "was": was.version}))
    check = len(writes) - 1
    for name, part in PARTS.items():
        rows, before_rows = getattr(after, name), () if work.new else getattr(was, name)
        if rows is not before_rows and rows != before_rows:
            writes += _part_writes(name, part, was.id, before_rows, rows)
    if work.cancelled:
        writes.append((_CANCEL, [{"pid": was.id, "item": item, "why": why}
                                 for item, why in work.cancelled]))
    if work.rearmed:
        writes.append((_REARM, [{"pid": was.id, "item": item} for item in work.rearmed]))
    if work.requeued:
        writes.append((_REQUEUE, [{"pid": was.id, "ident": ident, "stamp": work.stamp}
                                  for ident in work.requeued]))
    if work.events:
        writes.append((_INSERT_EVENT, work.events[0] if len(work.events) == 1 else work.events))
    try:
        tx.execute(writes, check=None if work.new else check, commit=True)
    except Stale:
        raise ConflictError(was.id, was.version) from None


def _definition_writes(tx: Tx, definitions: Sequence[Definition],
                       stamp: datetime) -> list[tuple[Sql, Params | Sequence[Params]]]:
    """The INSERTs of the definitions the database does not hold yet (before the process row
    that refers to them)."""
    known = tx.fetch([(_DEFINITION_KNOWN, {"digest": d.digest}) for d in definitions])
    return [(_INSERT_DEFINITION, {
        "digest": d.digest, "workflow": d.id, "path": d.path, "source": d.source,
        "compiled": compile_definition(d), "stored_at": stamp})
        for d, rows in zip(definitions, known, strict=True) if not rows]


def _part_writes(name: str, part: Part, process_id: str, before: Sequence[Any],
                 after: Sequence[Any]) -> list[tuple[Sql, Params | Sequence[Params]]]:
    """The INSERTs, UPDATEs and DELETEs that turn one part's rows as read into as changed."""
    if before == after:
        return []
    insert_sql, delete_sql = _PART_STATEMENTS[name]
    key_of = part.key_of
    old = {key_of(row): row for row in before}
    new_keys = set()
    inserted: list[Any] = []
    updated: list[tuple[tuple[Any, ...], Any]] = []  # (key, row)
    for row in after:
        key = key_of(row)
        if part.generated and key == (None,):
            inserted.append(row)
            continue
        new_keys.add(key)
        if key not in old:
            inserted.append(row)
        elif old[key] != row:
            updated.append((key, row))
    deleted = [key for key in old if key not in new_keys]

    def keyed(key: tuple[Any, ...]) -> dict[str, Any]:
        return {"pid": process_id, **{f"key_{k}": v for k, v in zip(part.key, key,
                                                                    strict=True)}}

    writes: list[tuple[Sql, Params | Sequence[Params]]] = []
    if deleted:
        writes.append((delete_sql, [keyed(key) for key in deleted]))
    by_columns: dict[frozenset[str], list[dict[str, Any]]] = {}
    for key, row in updated:
        changed = {f: v for f, v, w in zip(row._fields, row, old[key], strict=True) if v != w}
        by_columns.setdefault(frozenset(changed), []).append({**keyed(key), **changed})
    for columns, values in by_columns.items():
        writes.append((_update(name, columns), values))
    if inserted:
        writes.append((insert_sql, [{"process_id": process_id, **{
            f: v for f, v in row._asdict().items() if f != part.generated}}
            for row in inserted]))
    return writes


# --------------------------------------------------------------------------- summaries


def stale_summaries(conn: Connection, today: date) -> list[str]:
    """The ids of the processes whose stored summary ran out before `today` (or that have none
    yet), found through the index on summary_through. A summary made for a later day than
    `today` (a replay into the past) is the view's to plan, not the scheduler's to store."""
    # No ORDER BY: sorting by id would make SQLite walk the primary key instead of the index.
    return sorted(conn.scalars(stale_query(today)))


def stale_query(today: date) -> Any:
    """The query of `stale_summaries`."""
    processes = _processes
    return select(processes.c.id).where(
        processes.c.summary_through.is_(None) | (processes.c.summary_through < today))


def refresh_summaries(store: Store, now: datetime, *, limit: int | None = None) -> int:
    """Store a summary for `now` of every process whose summary does not hold on its day (the
    scheduler does this, so the portfolio rarely plans a process itself); how many."""
    today = now.date()
    with store.connect() as conn:
        stale = stale_summaries(conn, today)[:limit]
    refreshed = 0
    for start in range(0, len(stale), CHUNK):
        with store.connect(immediate=True) as conn:
            rows = read_processes(conn, stale[start:start + CHUNK])
            updates = []
            for process in rows:
                definition = read_definition(conn, process.definition_digest)
                summary = summarize(definition, facts_of(process, today))
                updates.append({"pid": process.id, "was": process.version,
                                **summary_columns(summary)})
            if updates:
                refreshed += conn.execute(_SUMMARY.statement, updates).rowcount
    return refreshed
