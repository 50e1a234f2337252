"""Deleting a process: its whole history and status written to a file, then its rows removed.

The file is written, flushed and fsynced before anything in the database changes; a file that
cannot be written (it exists, the folder is missing or read-only, the disk is full) means
nothing is deleted. The delete itself is one transaction that checks the process did not
change since the file was written, so the file holds everything that is removed.

The event log stays. It is append-only (a trigger refuses UPDATE and DELETE on `events`), the
Archiefwet and the Wet open overheid expect a trail of decisions to stay complete, and the
log is where an auditor looks for what happened to a process: so its events remain, followed
by a last `deleted` event naming the file. A process started later under the same id begins
a history of its own: `history` reads a process's events after its last `deleted` event.

Everything else of the process goes: its phases, items, people, meetings, suspensions,
content, values, draft records, failed drafts, and every outbox message (queued ones are
never sent; the file lists them all, with their state). The draft files already rendered in
`<store>/drafts/<ID>/` stay on disk: they are documents, not the database's to remove.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from ..dates import local, to_utc_naive
from ..errors import ConflictError, FileAccessError
from ..i18n import _, ngettext, say_date
from ..store import Store, tables
from ..store.reader import read_definition, read_events, read_process
from ..store.rows import PARTS
from ..store.writer import check_actor
from ..views.history import HistoryEntry
from ..views.outbox import outbox_messages
from ..views.status import process_status

FORMAT = "ivpflow-history/1"
# Every table that holds rows of one process, children before the process itself.
_CHILD_TABLES = (*(part.table for part in PARTS.values()), tables.draft_failures,
                 tables.outbox)


@dataclass(frozen=True)
class Deletion:
    """What `delete_process` did: the file written and what it removed."""

    process: str
    path: Path
    events: int  # entries of the history in the file (the `deleted` event not counted)
    messages: int  # outbox messages removed
    unsent: int  # of which were still queued or failed: they will never go out


def archive_name(process_id: str, today: date) -> str:
    """The default name of the file a deleted process's history goes to."""
    return f"{process_id}-history-{today.isoformat()}.json"


def delete_process(store: Store, process_id: str, *, now: datetime, actor: str,
                   out: str | Path) -> Deletion:
    """Write the whole history and status of a process to `out` (a new file), then remove the
    process; its events stay in the log, with a last `deleted` event (see the module)."""
    check_actor(actor)
    path = Path(out)
    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=PARTS)
        definition = read_definition(tx, process.definition_digest)
        events = read_events(tx, process.id)
    status = process_status(store, process.id, now=now)
    messages = outbox_messages(store, process=process.id)
    document = {
        "format": FORMAT,
        "process": process.id,
        "workflow": process.workflow,
        "deleted": {"at": now.isoformat(timespec="seconds"), "by": actor},
        "status": status,
        "history": [_entry(e) for e in events],
        "outbox": messages,
        "rows": {name: [_plain(row._asdict()) for row in getattr(process, name)]
                 for name in PARTS},
        "process_row": _plain({name: value for name, value in process._asdict().items()
                               if name not in PARTS}),
        "definition": {"digest": definition.digest, "path": definition.path,
                       "source": definition.source},
    }
    _write_new(path, json.dumps(document, ensure_ascii=False, indent=2, default=_json) + "\n")
    seen = {(m["id"], m["status"]) for m in messages}
    try:
        _remove(store, process.id, version=process.version, seen=seen, now=now, actor=actor,
                phase=process.phase, note=f"history written to {path.name}")
    except BaseException:
        # The file would describe a process that is still there, or not as it is now.
        path.unlink(missing_ok=True)
        raise
    unsent = sum(1 for m in messages if m["status"] in ("queued", "failed"))
    return Deletion(process.id, path, len(events), len(messages), unsent)


def _remove(store: Store, process_id: str, *, version: int, seen: set[tuple[int, str]],
            now: datetime, actor: str, phase: str, note: str) -> None:
    """Remove the process's rows and append its `deleted` event, in one transaction, if it is
    still as the file has it."""
    processes, outbox = tables.processes, tables.outbox
    with store.connect(immediate=True) as conn:
        current = conn.execute(select(processes.c.version).where(processes.c.id == process_id)
                               .with_for_update()).scalar_one_or_none()
        messages = {(row.id, row.status) for row in conn.execute(
            select(outbox.c.id, outbox.c.status).where(outbox.c.process_id == process_id))}
        if current != version or messages != seen:
            raise ConflictError(process_id, version)
        conn.execute(insert(tables.events).values(
            process_id=process_id, at=to_utc_naive(now), actor=actor, event="deleted",
            from_state=phase, to_state=None, item=None, note=note))
        for table in _CHILD_TABLES:
            conn.execute(delete(table).where(table.c.process_id == process_id))
        conn.execute(delete(processes).where(processes.c.id == process_id))


def _write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet and make it durable (file and folder fsynced);
    on any failure nothing is left behind."""
    try:
        handle = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise FileAccessError("write", path, _("the file exists already; nothing was deleted "
                                               "(choose another --out)")) from None
    except OSError as exc:
        raise FileAccessError("write", path, _("{reason}; nothing was deleted").format(
            reason=exc.strerror or exc)) from None
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name != "nt":  # the new name itself must survive a crash
            folder = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise FileAccessError("write", path, _("{reason}; nothing was deleted").format(
            reason=exc.strerror or exc)) from None


def _entry(event: Any) -> HistoryEntry:
    return HistoryEntry({"at": local(event.at).isoformat(timespec="seconds"),
                         "actor": event.actor, "event": event.event, "from": event.from_state,
                         "to": event.to_state, "item": event.item, "note": event.note})


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its moments in Europe/Amsterdam, as every view shows them."""
    return {key: local(value).isoformat(timespec="seconds") if isinstance(value, datetime)
            else value for key, value in row.items()}


def _json(value: object) -> Any:
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def describe_deletion(result: Deletion, today: date) -> str:
    """One line saying what a deletion did, for the command line."""
    events = ngettext("{count} event", "{count} events", result.events).format(
        count=result.events)
    messages = ngettext("{count} message", "{count} messages", result.messages).format(
        count=result.messages)
    if result.unsent:
        return _("{process_id}: history ({events}, {messages}, {unsent} unsent) written to "
                 "{path}; process deleted on {day}").format(
            process_id=result.process, events=events, messages=messages, unsent=result.unsent,
            path=result.path, day=say_date(today))
    return _("{process_id}: history ({events}, {messages}) written to {path}; process deleted "
             "on {day}").format(process_id=result.process, events=events, messages=messages,
                                path=result.path, day=say_date(today))
