"""A damaged SQLite file: one line naming the file and the way out, for reads and writes, and
nothing written into it."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from .conftest import NOT, Invoke

pytestmark = pytest.mark.sqlite_only


def damage(database: Path, table: str) -> None:
    """Garbage over the root page of a table: a damaged page in the middle of the file."""
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        assert 1 < page < conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with database.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xde\xad" * (size // 2))


def fingerprint(store_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(store_dir.glob("ivpflow.sqlite3*"))}


@pytest.fixture
def damaged(ivpflow: Invoke, store_dir: Path) -> Path:
    for process in ("a", "b"):
        assert ivpflow("start", NOT, "--id", process).exit_code == 0
    database = store_dir / "ivpflow.sqlite3"
    damage(database, "items")
    return database


def way_out(database: Path) -> str:
    recovered = database.with_name("ivpflow-recovered.sqlite3")
    return f'Save what it holds with: sqlite3 {database} ".recover" | sqlite3 {recovered}\n'


@pytest.mark.parametrize("command", [("status", "a"), ("plan", "a", "--json")],
                         ids=["status", "plan"])
def test_a_read_that_meets_the_damage_is_one_line(ivpflow: Invoke, damaged: Path,
                                                  command: tuple[str, ...]) -> None:
    result = ivpflow(*command)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {damaged} is damaged (database disk image is malformed); "
                             f"nothing was changed. {way_out(damaged)}")


@pytest.mark.parametrize("command", [("done", "a", "werkgroep-samenstellen"),
                                     ("start", NOT, "--id", "c"), ("tick",)],
                         ids=["done", "start", "tick"])
def test_no_write_goes_into_a_damaged_file(ivpflow: Invoke, damaged: Path, store_dir: Path,
                                           command: tuple[str, ...]) -> None:
    before = fingerprint(store_dir)
    result = ivpflow(*command)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {damaged} is damaged (quick_check: ")
    assert result.stderr.endswith(f"; nothing was changed. {way_out(damaged)}")
    assert result.stderr.count("\n") == 1
    assert fingerprint(store_dir) == before


def test_a_file_that_is_no_database_is_one_line(ivpflow: Invoke, store_dir: Path) -> None:
    store_dir.mkdir()
    database = store_dir / "ivpflow.sqlite3"
    database.write_bytes(b"dit is geen database\n" * 500)
    result = ivpflow("status")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {database} is damaged (file is not a database); nothing "
                             f"was changed. {way_out(database)}")


def test_every_write_of_a_long_running_store_is_refused(damaged: Path,
                                                       store_dir: Path) -> None:
    from ivpflow.errors import CorruptStoreError
    from ivpflow.store import Store

    before = fingerprint(store_dir)
    store = Store.open(store_dir)
    try:
        for _ in range(2):  # as a scheduler's ticks would try, one after the other
            with pytest.raises(CorruptStoreError, match=r"is damaged \(quick_check: "):
                with store.connect(immediate=True):
                    pass
    finally:
        store.dispose()
    assert fingerprint(store_dir) == before
