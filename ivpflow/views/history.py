"""The history of a process: its append-only event log, oldest first (`history`)."""

from __future__ import annotations

from typing import TypedDict

from ..dates import local
from ..dutch import EVENT_NL
from ..i18n import _, language, say_status
from ..store import Store
from ..store.reader import read_events, read_process

UNDONE = "undone"  # the event of an undo (process.corrections); its "from" is what it took back

# One entry of `history --json`; "from" is a keyword, so the functional form.
HistoryEntry = TypedDict("HistoryEntry", {
    "at": str, "actor": str, "event": str, "from": str | None, "to": str | None,
    "item": str | None, "note": str | None})


def history(store: Store, process_id: str) -> list[HistoryEntry]:
    """The append-only event log of one process, oldest first."""
    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=())
        events = read_events(tx, process.id)
    return [HistoryEntry({"at": local(e.at).isoformat(timespec="seconds"), "actor": e.actor,
                          "event": e.event, "from": e.from_state, "to": e.to_state,
                          "item": e.item, "note": e.note}) for e in events]


def say_event(event: str) -> str:
    """An event's kind as the history table says it: its code ('done'), under a Dutch locale
    its Dutch name ('gereed')."""
    return EVENT_NL.get(event, event) if language() == "nl" else event


def change_of(entry: HistoryEntry) -> str:
    """What an entry changed, for a table: 'open → done', or what an undo took back (in the
    command line's language); the statuses of a 'done' event, the only one whose from and to
    are an item's status, are worded too (a decision's are its outcomes)."""
    if entry["event"] == UNDONE:
        return _("takes back {event}").format(event=say_event(entry["from"] or ""))
    if not entry["to"]:
        return ""
    say = say_status if entry["event"] == "done" else str
    return f"{say(entry['from'] or '')} → {say(entry['to'])}"
