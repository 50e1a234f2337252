#!/usr/bin/env python3
"""ivpflow's benchmark: one run, one table of figures, beside the SpiffWorkflow peer.

    .venv/bin/python bench/run.py                      # SQLite, and PostgreSQL if given
    .venv/bin/python bench/run.py --postgresql postgresql+psycopg://u:p@127.0.0.1/db
    .venv/bin/python bench/run.py --peer /tmp/spiff/bin/python   # also run the peer
    .venv/bin/python bench/run.py --only advance,portfolio       # single figures
    .venv/bin/python bench/run.py --peer /tmp/spiff/bin/python \
        --peer-bench /work/shared/peers/spiff/bench.py            # from a git worktree

Figures (PERFORMANCE.md), by name for --only:
  due        the due-reminder query with one item due among 1,000 / 10,000 / 100,000 processes
  tick       a whole tick (query and delivery) among as many
  drain      10,000 overdue reminders after an outage, into the Maildir
  drain-smtp the same over SMTP to a local aiosmtpd server
  advance    advance + persist + history, its round trips, and 4 coordinators on PostgreSQL
  portfolio  `processes` among 10,000 and 100,000 processes, with its peak memory
  coldstart  `ivpflow status`, `status --json` and a write command next to `import sqlalchemy`
  drafts     all Word drafts of the filled reference process, and the same again unchanged
  memory     a scheduler's memory over 1,000 ticks
Machines here are shared and noisy: compare ratios measured in the same run, not absolute
times; the table says the load the machine was under.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from ivpflow.dates import parse_moment, to_utc_naive  # noqa: E402
from ivpflow.outbox.mail import MailSettings  # noqa: E402
from ivpflow.outbox.reminders import queue_reminders  # noqa: E402
from ivpflow.outbox.scheduler import tick  # noqa: E402
from ivpflow.planning.summary import summarize  # noqa: E402
from ivpflow.process.lifecycle import advance, start_process  # noqa: E402
from ivpflow.store import Store, tables  # noqa: E402
from ivpflow.store.rows import ItemRow, PhaseRow, ProcessRow, facts_of  # noqa: E402
from ivpflow.store.writer import summary_columns  # noqa: E402
from ivpflow.workflow.loader import compile_definition, parse_definition  # noqa: E402

FIGURES = ("due", "tick", "drain", "drain-smtp", "advance", "portfolio", "coldstart", "drafts",
           "memory")
NOW = parse_moment("2026-03-16T08:00")  # a Monday after the digest
SENDER = "ivpflow <bench@ivpflow.example>"
PEER_BENCH = ROOT.parent / "shared" / "peers" / "spiff" / "bench.py"
COORDINATORS = 4  # advancing at once on PostgreSQL
# The peer's process: five phases with one user task each and a timer deadline per phase.
FIVE_PHASES = """
id: bench-five-phases
title: Vijf fasen (benchmark)
roles: {coordinator: Coördinator}
phases:
  - {id: opstart, title: Opstart, due: 2026-02-27, tasks: [{id: t-opstart, title: Opstart, role: coordinator, due: 2026-02-27}]}
  - {id: analyse, title: Analyse, due: 2026-05-29, tasks: [{id: t-analyse, title: Analyse, role: coordinator, due: 2026-05-29}]}
  - {id: prioritering, title: Prioritering, due: 2026-06-30, tasks: [{id: t-prioritering, title: Prioritering, role: coordinator, due: 2026-06-30}]}
  - {id: ivp, title: IVP, due: 2026-11-30, tasks: [{id: t-ivp, title: IVP, role: coordinator, due: 2026-11-30}]}
  - {id: uitvoeringsplan, title: Uitvoeringsplan, due: 2026-12-31, tasks: [{id: t-uitvoeringsplan, title: Uitvoeringsplan, role: coordinator, due: 2026-12-31}]}
  - {id: afgerond, title: Afgerond, final: true}
"""  # noqa: E501
DEFINITION = parse_definition(FIVE_PHASES, "bench-five-phases.yaml")


def median_time(action: Callable[[], Any], runs: int) -> float:
    """The median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        gc.collect()
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def fresh_store(kind: str, postgresql: str | None, folder: Path, name: str) -> Store:
    """An empty, migrated database: a SQLite file, or a new PostgreSQL database."""
    if kind == "sqlite":
        return Store.open(folder / name)
    assert postgresql
    from sqlalchemy import create_engine

    admin = create_engine(postgresql, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS bench_{name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE bench_{name}"))
    admin.dispose()
    return Store(postgresql.rsplit("/", 1)[0] + f"/bench_{name}")


def bulk_processes(store: Store, count: int, *, overdue: int = 0, due_soon: int = 0) -> None:
    """`count` processes of the five-phase definition written in bulk, each with a
    coordinator, in analyse; `overdue` of them have their task overdue at NOW and `due_soon`
    have it due in two working days; the others are due months ahead. Digests are served.
    Each gets the summary a write would store (planned for its own facts on NOW's day)."""
    stamp = to_utc_naive(NOW)
    week = f"{NOW.isocalendar()[0]}-W{NOW.isocalendar()[1]:02d}"
    with store.engine.begin() as conn:
        conn.execute(insert(tables.definitions), {
            "digest": DEFINITION.digest, "workflow": DEFINITION.id, "path": DEFINITION.path,
            "source": DEFINITION.source, "compiled": compile_definition(DEFINITION),
            "stored_at": stamp})
    batch = 5000
    for first in range(0, count, batch):
        processes, phases, items, people = [], [], [], []
        for number in range(first, min(count, first + batch)):
            pid = f"b{number:06d}"
            head = {"id": pid, "workflow": DEFINITION.id,
                    "definition_digest": DEFINITION.digest, "phase": "analyse",
                    "start_date": date(2026, 1, 5), "created_at": stamp,
                    "updated_at": stamp, "version": 1, "digest_week": week}
            mine_phases, mine_items = [], []
            for phase in DEFINITION.phases:
                status = "done" if phase.index == 0 else (
                    "active" if phase.index == 1 else "pending")
                mine_phases.append({"process_id": pid, "phase": phase.id,
                                    "position": phase.index, "status": status,
                                    "due": date(2026, 5, 29), "started_at": stamp,
                                    "completed_at": stamp if status == "done" else None})
            for position, item in enumerate(DEFINITION.items.values()):
                due = date(2026, 12, 31)
                if item.phase == "analyse" and number < overdue:
                    due = date(2026, 3, 6)
                elif item.phase == "analyse" and number < overdue + due_soon:
                    due = date(2026, 3, 18)
                mine_items.append({"process_id": pid, "item_id": item.id, "kind": item.kind,
                                   "phase": item.phase, "position": position, "status": "open",
                                   "due": due})
            row = ProcessRow(**head, phases=tuple(PhaseRow(**{k: v for k, v in p.items()
                                                              if k != "process_id"})
                                                  for p in mine_phases),
                             items=tuple(ItemRow(**{k: v for k, v in i.items()
                                                    if k != "process_id"}, completed_at=None,
                                                 completed_by=None, note=None, outcome=None,
                                                 decided_on=None) for i in mine_items))
            summary = summarize(DEFINITION, facts_of(row, NOW.date()))
            head.update(summary_columns(summary))
            processes.append(head)
            phases += mine_phases
            items += mine_items
            people.append({"process_id": pid, "role": "coordinator",
                           "email": f"coordinator@{pid}.example", "name": "Coördinator",
                           "assigned_at": stamp})
        with store.engine.begin() as conn:
            conn.execute(insert(tables.processes), processes)
            conn.execute(insert(tables.phase_states), phases)
            conn.execute(insert(tables.items), items)
            conn.execute(insert(tables.assignments), people)
    if store.dialect == "postgresql":
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def settings(folder: Path) -> MailSettings:
    return MailSettings(sender=SENDER, maildir=folder / "outbox")


# --------------------------------------------------------------------------- figures


Row = tuple[str, str, str]


def figure_due_and_tick(kind: str, postgresql: str | None, folder: Path, sizes: list[int],
                        wanted: set[str]) -> list[Row]:
    rows = []
    for size in sizes:
        store = fresh_store(kind, postgresql, folder, f"tick{size}")
        began = time.perf_counter()
        bulk_processes(store, size, due_soon=1)
        load = time.perf_counter() - began
        first = median_time(lambda s=store: tick(s, NOW, settings(folder), worker="b"), 1)
        if "due" in wanted:
            query = median_time(lambda s=store: queue_reminders(s, NOW, SENDER), 5)
            rows.append((f"due-reminder query, 1 due among {size:,} processes",
                         f"{query * 1000:.1f} ms", f"bulk load {load:.1f} s"))
        if "tick" in wanted:
            steady = median_time(lambda s=store: tick(s, NOW, settings(folder), worker="b"), 5)
            rows.append((f"tick (query + delivery), 1 due among {size:,}",
                         f"{steady * 1000:.1f} ms", f"first tick, 1 sent: {first * 1000:.1f} ms"))
        store.dispose()
    return rows


def figure_drain(kind: str, postgresql: str | None, folder: Path, count: int) -> list[Row]:
    store = fresh_store(kind, postgresql, folder, "drain")
    bulk_processes(store, count, overdue=count)
    maildir = folder / f"drain-{kind}"
    began = time.perf_counter()
    report = tick(store, NOW, MailSettings(sender=SENDER, maildir=maildir), worker="b")
    elapsed = time.perf_counter() - began
    files = list((maildir / "new").iterdir())
    ids = set()
    for file in files:
        match = re.search(rb"^Message-ID: (.+)$", file.read_bytes(), re.M)
        ids.add(match.group(1) if match else b"")
    again = tick(store, NOW + timedelta(minutes=15), MailSettings(sender=SENDER, maildir=maildir),
                 worker="b")
    duplicates = len(files) - len(ids) + again.delivery.sent
    store.dispose()
    return [(f"drain {count:,} overdue reminders into the Maildir", f"{elapsed:.1f} s",
             f"{report.delivery.sent:,} sent, {len(files):,} files, {duplicates} duplicates")]


SMTP_SERVER = """
import asyncio, re, sys
from aiosmtpd.controller import Controller
class Counting:
    async def handle_DATA(self, server, session, envelope):
        match = re.search(rb"^Message-ID: (.+?)\\r?$", envelope.original_content, re.M)
        with open(sys.argv[2], "ab") as out:
            out.write((match.group(1) if match else b"") + b"\\n")
        return "250 OK"
controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def figure_drain_smtp(kind: str, postgresql: str | None, folder: Path, count: int) -> list[Row]:
    """The same backlog over SMTP to a real server on 127.0.0.1: aiosmtpd in a process of its
    own, as a mail server is, writing down every Message-ID it receives."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = folder / f"smtp-{kind}.txt"
    server = subprocess.Popen([sys.executable, "-c", SMTP_SERVER, str(port), str(received)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        store = fresh_store(kind, postgresql, folder, "drainsmtp")
        bulk_processes(store, count, overdue=count)
        mail = MailSettings(sender=SENDER, maildir=folder / "unused",
                            smtp_url=f"smtp://127.0.0.1:{port}")
        began = time.perf_counter()
        report = tick(store, NOW, mail, worker="b")
        elapsed = time.perf_counter() - began
        again = tick(store, NOW + timedelta(minutes=15), mail, worker="b")
        store.dispose()
    finally:
        server.communicate(input="", timeout=60)
    ids = received.read_bytes().splitlines() if received.exists() else []
    duplicates = len(ids) - len(set(ids)) + again.delivery.sent
    return [(f"drain {count:,} overdue reminders over SMTP (aiosmtpd)", f"{elapsed:.1f} s",
             f"{report.delivery.sent:,} sent, {len(set(ids)):,} received, "
             f"{duplicates} duplicates")]


def count_round_trips(store: Store, action: Callable[[], Any]) -> float:
    """Statements' round trips of one action on PostgreSQL: every step of a transaction on
    the driver's connection (a pipeline, or the COMMIT) is one."""
    from ivpflow.store import db

    counted = [0]
    real = {name: getattr(db.Tx, name) for name in ("fetch", "execute", "commit")}

    def counting(name: str) -> Callable[..., Any]:
        def step(self: Any, *args: Any, **kwargs: Any) -> Any:
            # A COMMIT sent with the writes is in their round trip; one with nothing left
            # to commit sends nothing.
            if name != "commit" or self._begun:
                counted[0] += 1
            return real[name](self, *args, **kwargs)
        return step

    for name in real:
        setattr(db.Tx, name, counting(name))
    try:
        action()
    finally:
        for name, method in real.items():
            setattr(db.Tx, name, method)
    return float(counted[0])


def captured_statements(action: Callable[[], Any]) -> list[tuple[str, Any, bool]]:
    """The statements one action sends through psycopg, in order: (SQL, parameters, whether
    sent with executemany)."""
    import psycopg

    sent: list[tuple[str, Any, bool]] = []
    execute, executemany = psycopg.Connection.execute, psycopg.Cursor.executemany

    def one(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        sent.append((query, params, False))
        return execute(self, query, params, **kwargs)

    def many(self: Any, query: Any, params: Any, **kwargs: Any) -> Any:
        sent.append((query, list(params), True))
        return executemany(self, query, params, **kwargs)

    psycopg.Connection.execute, psycopg.Cursor.executemany = one, many  # type: ignore[method-assign]
    try:
        action()
    finally:
        psycopg.Connection.execute, psycopg.Cursor.executemany = execute, executemany  # type: ignore[method-assign]
    return sent


def replay_floor(store: Store, statements: list[tuple[str, Any, bool]], was: str,
                 ids: list[str]) -> float:
    """Seconds per replay of one advance's own statements through a bare psycopg connection,
    on each of `ids` in turn (the process id `was` put in their place): the reads in one
    pipeline, then the writes with the COMMIT in another. Two round trips are the least an
    advance can take, as the writes depend on what was read; no Python of ivpflow runs."""
    import psycopg

    def mine(params: Any, pid: str) -> Any:
        if isinstance(params, dict):
            return {k: pid if v == was else v for k, v in params.items()}
        return params

    reads = [s for s in statements if s[0].lstrip().upper().startswith(("BEGIN", "SELECT"))]
    writes = [s for s in statements if s not in reads]
    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as raw:
        began = time.perf_counter()
        for pid in ids:
            with raw.pipeline():
                cursors = [raw.execute(sql, mine(params, pid)) for sql, params, _ in reads]
            for cursor in cursors:
                if cursor.description is not None:
                    cursor.fetchall()
            with raw.pipeline():
                for sql, params, many in writes:
                    if many:
                        raw.cursor().executemany(sql, [mine(p, pid) for p in params])
                    else:
                        raw.execute(sql, mine(params, pid))
        return (time.perf_counter() - began) / len(ids)


def figure_advance(kind: str, postgresql: str | None, folder: Path, count: int,
                   peer: float | None = None) -> list[Row]:
    """Advance + persist + history, one coordinator; on PostgreSQL also the floor under it and
    four coordinators at once. With the peer's rate from the same run, each rate's ratio."""

    def against(rate: float) -> str:
        return f"; {rate / peer:.1f}x the peer" if peer else ""

    store = fresh_store(kind, postgresql, folder, "advance")
    for number in range(count):
        start_process(store, DEFINITION, now=NOW, actor="b", process_id=f"a{number:05d}",
                      start=date(2026, 1, 5))
    floor_ids = [f"f{number:05d}" for number in range(count // 2)] \
        if kind == "postgresql" else []
    for pid in floor_ids:
        start_process(store, DEFINITION, now=NOW, actor="b", process_id=pid,
                      start=date(2026, 1, 5))
    began = time.perf_counter()
    for number in range(count):
        advance(store, f"a{number:05d}", now=NOW, actor="b", force=True, reason="benchmark")
    elapsed = time.perf_counter() - began
    trips = count_round_trips(store, lambda: advance(store, "a00000", now=NOW, actor="b",
                                                     force=True, reason="benchmark"))

    # The floor under any transaction: begin, one statement, commit.
    began = time.perf_counter()
    for _ in range(count):
        with store.connect() as conn:
            conn.execute(text("SELECT 1")).all()
    floor = (time.perf_counter() - began) / count
    steps = ("round trips (the read; the writes with the COMMIT)" if kind == "postgresql"
             else "steps on the driver's connection (read, writes, commit)")
    rows = [(f"advance + persist + history ({count:,} processes)",
             f"{count / elapsed:,.0f} transitions/s",
             f"{elapsed * 1000 / count:.2f} ms each, {trips:.0f} {steps}; a transaction with "
             f"one SELECT 1: {floor * 1000:.2f} ms{against(count / elapsed)}")]
    if kind == "postgresql":
        statements = captured_statements(lambda: advance(
            store, floor_ids[0], now=NOW, actor="b", force=True, reason="benchmark"))
        least = replay_floor(store, statements, floor_ids[0], floor_ids[1:])
        rows.append(("advance replayed: its statements through bare psycopg, no ivpflow",
                     f"{1 / least:,.0f} transitions/s",
                     f"{least * 1000:.2f} ms each; the floor under any advance here: "
                     f"{len(statements)} statements in 2 round trips, a durable COMMIT; "
                     f"ivpflow's advance takes {elapsed / count / least:.1f}x it"
                     f"{against(1 / least)}"))
        # A shared service has several coordinators at once, each waiting on the server in
        # turn: the same processes advanced once more, by COORDINATORS threads.
        def coordinator(first: int) -> None:
            for number in range(first, count, COORDINATORS):
                advance(store, f"a{number:05d}", now=NOW, actor=f"c{first}", force=True,
                        reason="benchmark")

        began = time.perf_counter()
        with ThreadPoolExecutor(COORDINATORS) as pool:
            list(pool.map(coordinator, range(COORDINATORS)))
        together = time.perf_counter() - began
        rows.append((f"advance, {COORDINATORS} coordinators at once ({count:,} processes)",
                     f"{count / together:,.0f} transitions/s",
                     f"threads in one process; {elapsed / together:.1f}x the rate of one "
                     f"coordinator{against(count / together)}"))
    store.dispose()
    return rows


PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")


def figure_portfolio(kind: str, postgresql: str | None, folder: Path, sizes: list[int]
                     ) -> list[Row]:
    """`ivpflow processes --json` as a command (cold start included) and the library call
    behind it; with summaries stored by the writes, and a day later with no tick between."""
    rows = []
    for size in sizes:
        store = fresh_store(kind, postgresql, folder, f"portfolio{size}")
        bulk_processes(store, size, overdue=size // 10, due_soon=size // 10)
        from ivpflow.views.portfolio import list_processes

        call = median_time(lambda s=store: list_processes(s, now=NOW, sort="risk"), 3)
        command = [str(Path(sys.executable).with_name("ivpflow")), "--db", store.url,
                   "--now", NOW.isoformat(), "processes", "--json"]
        times, peaks = [], []
        for _ in range(3):
            # The command alone is timed, as a user runs it; the peak is measured in a run of
            # its own, through a fresh process whose only child it is, and not timed.
            began = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - began)
            done = subprocess.run([sys.executable, "-c", PEAK, *command], check=True,
                                  capture_output=True, text=True)
            peaks.append(float(done.stdout.strip()))
        peak = max(peaks)
        rows.append((f"portfolio `processes --json` among {size:,} processes",
                     f"{statistics.median(times):.2f} s",
                     f"library call {call:.2f} s; peak RSS of the command {peak:.0f} MiB"))
        later = NOW + timedelta(days=1)
        stale = median_time(lambda s=store, t=later: list_processes(s, now=t, sort="risk"), 1)
        rows.append((f"portfolio a day later, no tick since ({size:,})", f"{stale:.2f} s",
                     "every summary that a day can change is planned again; a tick stores "
                     "them for the day"))
        store.dispose()
    return rows


def figure_cold_start(folder: Path, runs: int) -> list[Row]:
    # Compiled once, as an installed package is; no run pays for compiling our modules.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ivpflow")],
                   check=True)
    store_dir = folder / "coldstart"
    store = Store.open(store_dir)
    from ivpflow.workflow.loader import find_definition

    start_process(store, find_definition("noordoost-twente-2027-2030"), now=NOW, actor="b",
                  process_id="not")
    store.dispose()
    ivpflow = str(Path(sys.executable).with_name("ivpflow"))
    base = [ivpflow, "--store", str(store_dir), "--now", NOW.isoformat()]
    commands: dict[str, Callable[[int], list[str]]] = {
        "python -c 'import sqlalchemy'": lambda n: [sys.executable, "-c", "import sqlalchemy"],
        "ivpflow status": lambda n: [*base, "status", "not"],
        "ivpflow status --json": lambda n: [*base, "status", "not", "--json"],
        # A write: a new value each run, so every run really changes the process.
        "ivpflow set (a write)": lambda n: [*base, "set", "not", "team", f"Veiligheid {n}"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for number in range(runs + 1):  # the first round only warms the page cache
        for name, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command(number), stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - began)
    floor = statistics.median(times["python -c 'import sqlalchemy'"][1:])
    rows = []
    for name, values in times.items():
        value = statistics.median(values[1:])
        rows.append((f"cold start: {name}", f"{value * 1000:.0f} ms",
                     f"{value / floor:.2f}x the bare import"))
    return rows


def figure_drafts(folder: Path) -> list[Row]:
    from click.testing import CliRunner

    from ivpflow.cli import cli
    from ivpflow.documents.drafts import draft
    from ivpflow.documents.kinds import ALL
    from tests.test_drafts import SETUP  # the filled reference process of the draft tests

    store_dir = folder / "drafts"
    runner = CliRunner()
    rounds = 3
    # One filled process per round, so that every round renders every draft anew (a draft
    # whose inputs are unchanged is not rendered again).
    for number in range(rounds):
        for command in SETUP:
            args = [f"not{number}" if arg == "not" else arg for arg in command]
            result = runner.invoke(cli, ["--store", str(store_dir), "--now", "2026-03-02T09:00",
                                         "--actor", "b", *args])
            assert result.exit_code == 0, result.output
    store = Store.open(store_dir)
    pending = iter(range(rounds))
    files: list[Any] = []

    def once() -> None:  # `draft ID --all --format md --format docx`
        files[:] = draft(store, store_dir, f"not{next(pending)}", ALL, formats=("md", "docx"),
                         now=NOW, actor="b")

    elapsed = median_time(once, rounds)
    documents = len({f.key for f in files})
    again = iter(range(rounds))
    unchanged = median_time(lambda: draft(store, store_dir, f"not{next(again)}", ALL,
                                          formats=("md", "docx"), now=NOW, actor="b"), rounds)
    store.dispose()
    return [("render all drafts of the filled process (Markdown + Word)",
             f"{elapsed * 1000:.0f} ms", f"{len(files)} files for {documents} drafts"),
            ("the same again, unchanged: not rendered again", f"{unchanged * 1000:.0f} ms",
             "Markdown rendered and compared")]


def current_rss_mib() -> float:
    """This process's resident memory now (not its peak), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figure_memory(folder: Path, ticks: int) -> list[Row]:
    store = Store.open(folder / "memory")
    bulk_processes(store, 200, due_soon=20)
    marks = {}
    early = min(100, ticks)
    for number in range(1, ticks + 1):
        tick(store, NOW + timedelta(minutes=15 * number), settings(folder / "memory"),
             worker="b")
        if number in (early, ticks):
            gc.collect()
            marks[number] = current_rss_mib()
    store.dispose()
    return [(f"scheduler RSS after {ticks:,} ticks",
             f"{marks[ticks]:.0f} MiB", f"after {early} ticks {marks[early]:.0f} MiB "
                                        f"({marks[ticks] - marks[early]:+.1f} MiB since)")]


def run_peer(python: str, sizes: str, bench: Path) -> list[tuple[str, str, str]]:
    if not bench.exists():
        return [("SpiffWorkflow peer", "n/a", f"{bench} not found")]
    done = subprocess.run([python, str(bench), "--ns", sizes, "--no-variant"],
                          capture_output=True, text=True, check=False)
    rows = []
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].replace(",", "").isdigit():
            continue
        if cells[1].startswith("b. due at T? SELECT all"):
            rows.append((f"peer: due at T, {int(cells[0]):,} instances", f"{cells[2]} s",
                         f"{cells[3]} ms per instance"))
        if cells[1].startswith("c. advance one phase"):
            rate = re.search(r"([\d,.]+) transitions/s", line)
            rows.append(("peer: advance one phase with save",
                         f"{rate.group(1) if rate else '?'} transitions/s", cells[3] + " ms each"))
    if not rows:
        rows.append(("SpiffWorkflow peer", "failed", (done.stderr or done.stdout)[-200:]))
    return rows


def machine_load() -> str:
    """The load the machine was under, as the table's note says it."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(FIGURES),
                        help=f"figures to run, comma-separated: {', '.join(FIGURES)}")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--portfolio-sizes", default="10000,100000")
    parser.add_argument("--drain", type=int, default=10000)
    parser.add_argument("--advance", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=1000)
    parser.add_argument("--cold-runs", type=int, default=11)
    parser.add_argument("--postgresql", default=os.environ.get("IVPFLOW_BENCH_POSTGRESQL"),
                        help="a PostgreSQL server URL where databases may be created")
    parser.add_argument("--peer", help="a python with SpiffWorkflow 3.2 installed")
    parser.add_argument("--peer-sizes", default="1000,10000")
    # A git worktree has no ../shared of its own: it can name the peer's folder.
    parser.add_argument("--peer-bench", type=Path, default=PEER_BENCH,
                        help=f"the peer's bench.py (default {PEER_BENCH})")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = wanted - set(FIGURES)
    if unknown:
        parser.error(f"unknown figure {', '.join(sorted(unknown))}; figures: "
                     f"{', '.join(FIGURES)}")
    sizes = [int(n) for n in args.sizes.split(",")]
    portfolio_sizes = [int(n) for n in args.portfolio_sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="ivpflow-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    kinds = ["sqlite"] + (["postgresql"] if args.postgresql else [])
    load_before = machine_load()

    def show(kind: str, figures: list[Row]) -> None:
        for name, value, note in figures:
            rows.append((kind, name, value, note))
            print(f"{kind:10s} {name:55s} {value:>18s}  {note}", flush=True)

    try:
        # The peer and every advance first, one after the other: before the bulk loads of the
        # other figures leave the disk writing back and PostgreSQL vacuuming.
        peer_rate = None
        if args.peer and "advance" in wanted:
            show("peer", run_peer(args.peer, args.peer_sizes, args.peer_bench))
            peer_rate = next((float(value.split()[0].replace(",", ""))
                              for kind, name, value, _ in rows
                              if kind == "peer" and name.startswith("peer: advance")
                              and value[0].isdigit()), None)
        if "advance" in wanted:
            for kind in kinds:
                show(kind, figure_advance(kind, args.postgresql, folder, args.advance,
                                          peer_rate))
        for kind in kinds:
            pg = args.postgresql
            if wanted & {"due", "tick"}:
                show(kind, figure_due_and_tick(kind, pg, folder, sizes, wanted))
            if "drain" in wanted:
                show(kind, figure_drain(kind, pg, folder, args.drain))
            if "drain-smtp" in wanted:
                show(kind, figure_drain_smtp(kind, pg, folder, args.drain))
            if "portfolio" in wanted:
                show(kind, figure_portfolio(kind, pg, folder, portfolio_sizes))
        if "coldstart" in wanted:
            show("sqlite", figure_cold_start(folder, args.cold_runs))
        if "drafts" in wanted:
            show("sqlite", figure_drafts(folder))
        if "memory" in wanted:
            show("sqlite", figure_memory(folder, args.ticks))
        if args.peer and "advance" not in wanted:
            show("peer", run_peer(args.peer, args.peer_sizes, args.peer_bench))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}; {load_before} before the run, {machine_load()} after.")
    print()
    print("| database | figure | value | note |")
    print("|---|---|---:|---|")
    for kind, name, value, note in rows:
        print(f"| {kind} | {name} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
