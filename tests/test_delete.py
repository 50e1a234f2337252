"""`ivpflow delete ID --yes`: the history and status go to a file first, then the process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ivpflow.store import Store, tables

from .conftest import Invoke


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, where the history file goes by default."""
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def busy(ivpflow: Invoke, started: str) -> str:
    """The process with a person, a task done and a tick's reminders in the outbox."""
    assert ivpflow("assign", started, "coordinator", "--name", "Marieke Jansen",
                   "--email", "m.jansen@losser.nl").exit_code == 0
    assert ivpflow("done", started, "werkgroep-samenstellen", "--note", "vier adviseurs",
                   now="2026-03-03").exit_code == 0
    assert ivpflow("tick", now="2026-03-04T08:00").exit_code == 0
    return started


def count(store: Store, table: str, process: str = "not", **where: str) -> int:
    t = tables.metadata.tables[table]
    column = t.c.id if table == "processes" else t.c.process_id
    query = select(func.count()).select_from(t).where(column == process,
                                                     *(t.c[k] == v for k, v in where.items()))
    with store.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_without_yes_it_refuses_in_one_line_and_changes_nothing(
        ivpflow: Invoke, busy: str, here: Path, store: Store) -> None:
    result = ivpflow("delete", busy, now="2026-03-05")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Deleting 'not' cannot be undone; add --yes to write its "
                             "history to not-history-2026-03-05.json and delete it\n")
    assert list(here.iterdir()) == []
    assert count(store, "processes") == 1


def test_it_writes_the_whole_history_and_status_then_removes_the_process(
        ivpflow: Invoke, busy: str, here: Path, store: Store) -> None:
    messages = count(store, "outbox")
    result = ivpflow("delete", busy, "--yes", now="2026-03-05T10:00")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"not: history (15 events, {messages} messages) written to "
                             "not-history-2026-03-05.json; process deleted on 2026-03-05\n")
    saved = json.loads((here / "not-history-2026-03-05.json").read_text())
    events = [e["event"] for e in saved["history"]]
    assert events == ["started", "assigned", "done", *["drafted"] * 12]  # the tick's drafts
    assert saved["status"]["id"] == "not" and saved["status"]["phase"] == "opstart"
    assert saved["deleted"] == {"at": "2026-03-05T10:00:00+01:00", "by": "coordinator"}
    assert len(saved["outbox"]) == messages > 0
    assert saved["rows"]["assignments"][0]["email"] == "m.jansen@losser.nl"
    assert "phases:" in saved["definition"]["source"]
    assert [count(store, t) for t in ("processes", "items", "assignments", "outbox")] == [0] * 4
    assert ivpflow("processes", "--json").stdout == "[]\n"


def test_the_events_stay_with_a_last_deleted_event_and_a_new_process_starts_afresh(
        ivpflow: Invoke, busy: str, here: Path, store: Store) -> None:
    assert ivpflow("delete", busy, "--yes", "--out", "old.json").exit_code == 0
    with store.connect() as conn:
        kept = conn.execute(select(tables.events.c.event, tables.events.c.note)
                            .where(tables.events.c.process_id == "not")
                            .order_by(tables.events.c.id)).all()
    assert kept[-1] == ("deleted", "history written to old.json")
    assert len(kept) == len(json.loads((here / "old.json").read_text())["history"]) + 1
    assert ivpflow("start", "noordoost-twente-2027-2030", "--id", "not").exit_code == 0
    history = json.loads(ivpflow("history", "not", "--json").stdout)
    assert [e["event"] for e in history] == ["started"]


def test_an_existing_file_is_never_overwritten_and_nothing_is_deleted(
        ivpflow: Invoke, busy: str, here: Path, store: Store) -> None:
    (here / "keep.json").write_text("mine\n")
    result = ivpflow("delete", busy, "--yes", "--out", "keep.json")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Cannot write 'keep.json': the file exists already; "
                             "nothing was deleted (choose another --out)\n")
    assert (here / "keep.json").read_text() == "mine\n"
    assert count(store, "processes") == 1 and count(store, "events", event="deleted") == 0


def test_a_file_that_cannot_be_written_deletes_nothing(
        ivpflow: Invoke, busy: str, here: Path, store: Store) -> None:
    result = ivpflow("delete", busy, "--yes", "--out", "missing/history.json")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Cannot write 'missing/history.json': No such file or "
                             "directory; nothing was deleted\n")
    assert count(store, "processes") == 1 and count(store, "outbox") > 0


def test_the_file_is_synced_before_the_delete_and_a_failed_sync_deletes_nothing(
        ivpflow: Invoke, busy: str, here: Path, store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def failing_fsync(fd: int) -> None:
        seen.append(count(store, "processes"))  # still there when the file is synced
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    result = ivpflow("delete", busy, "--yes")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Cannot write 'not-history-2026-03-02.json': No space left "
                             "on device; nothing was deleted\n")
    assert seen == [1]
    assert list(here.iterdir()) == []
    assert count(store, "processes") == 1


def test_a_process_changed_after_the_file_was_written_is_not_deleted(
        ivpflow: Invoke, busy: str, here: Path, store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ivpflow.process import removal

    write_new = removal._write_new

    def meanwhile(path: Path, text: str) -> None:
        write_new(path, text)
        assert ivpflow("done", busy, "startnotitie-opstellen",
                       now="2026-03-04T09:00").exit_code == 0

    monkeypatch.setattr(removal, "_write_new", meanwhile)
    result = ivpflow("delete", busy, "--yes")
    assert result.exit_code == 1
    assert "was changed by someone else" in result.stderr
    assert list(here.iterdir()) == []  # the file would not describe it as it is
    assert count(store, "processes") == 1


def test_an_unknown_process_writes_no_file(ivpflow: Invoke, started: str, here: Path) -> None:
    result = ivpflow("delete", "nope", "--yes")
    assert result.exit_code == 1
    assert result.stderr == "Error: Unknown process 'nope'; known: not\n"
    assert list(here.iterdir()) == []
