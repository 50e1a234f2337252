#!/usr/bin/env python3
"""ivpflow's benchmark: one run, one table of figures, beside the SpiffWorkflow peer.

    .venv/bin/python bench/run.py                      # SQLite, and PostgreSQL if given
    .venv/bin/python bench/run.py --postgresql postgresql+psycopg://u:p@127.0.0.1/db
    .venv/bin/python bench/run.py --peer /tmp/spiff/bin/python   # also run the peer

Figures (PERFORMANCE.md): a tick with one due item among 1,000 / 10,000 / 100,000 processes;
draining 10,000 overdue reminders after an outage into the Maildir; advance throughput;
`ivpflow status` cold start next to `python -c "import sqlalchemy.orm"`; rendering all drafts
of a process; peak memory of a scheduler over 1,000 ticks. Machines here are shared and
noisy: compare ratios measured in the same run, not absolute times.
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
from ivpflow.process.lifecycle import advance, start_process  # noqa: E402
from ivpflow.outbox.reminders import queue_reminders  # noqa: E402
from ivpflow.outbox.scheduler import tick  # noqa: E402
from ivpflow.store import Store, tables  # noqa: E402
from ivpflow.workflow.loader import compile_definition, parse_definition  # noqa: E402

NOW = parse_moment("2026-03-16T08:00")  # a Monday after the digest
SENDER = "ivpflow <bench@ivpflow.example>"
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
    have it due in two working days; the others are due months ahead. Digests are served."""
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
            processes.append({"id": pid, "workflow": DEFINITION.id,
                              "definition_digest": DEFINITION.digest, "phase": "analyse",
                              "start_date": date(2026, 1, 5), "created_at": stamp,
                              "updated_at": stamp, "version": 1, "digest_week": week})
            for phase in DEFINITION.phases:
                status = "done" if phase.index == 0 else (
                    "active" if phase.index == 1 else "pending")
                phases.append({"process_id": pid, "phase": phase.id, "position": phase.index,
                               "status": status, "due": date(2026, 5, 29), "started_at": stamp,
                               "completed_at": stamp if status == "done" else None})
            for position, item in enumerate(DEFINITION.items.values()):
                due = date(2026, 12, 31)
                if item.phase == "analyse" and number < overdue:
                    due = date(2026, 3, 6)
                elif item.phase == "analyse" and number < overdue + due_soon:
                    due = date(2026, 3, 18)
                items.append({"process_id": pid, "item_id": item.id, "kind": item.kind,
                              "phase": item.phase, "position": position, "status": "open",
                              "due": due})
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


def figure_tick(kind: str, postgresql: str | None, folder: Path, sizes: list[int]
                ) -> list[tuple[str, str, str]]:
    rows = []
    for size in sizes:
        store = fresh_store(kind, postgresql, folder, f"tick{size}")
        began = time.perf_counter()
        bulk_processes(store, size, due_soon=1)
        load = time.perf_counter() - began
        first = median_time(lambda s=store: tick(s, NOW, settings(folder), worker="b"), 1)
        query = median_time(lambda s=store: queue_reminders(s, NOW, SENDER), 5)
        steady = median_time(lambda s=store: tick(s, NOW, settings(folder), worker="b"), 5)
        rows.append((f"due-reminder query, 1 due among {size:,} processes",
                     f"{query * 1000:.1f} ms", f"bulk load {load:.1f} s"))
        rows.append((f"tick (query + delivery), 1 due among {size:,}",
                     f"{steady * 1000:.1f} ms", f"first tick, 1 sent: {first * 1000:.1f} ms"))
        store.dispose()
    return rows


def figure_drain(kind: str, postgresql: str | None, folder: Path, count: int
                 ) -> list[tuple[str, str, str]]:
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


def figure_advance(kind: str, postgresql: str | None, folder: Path, count: int
                   ) -> list[tuple[str, str, str]]:
    store = fresh_store(kind, postgresql, folder, "advance")
    for number in range(count):
        start_process(store, DEFINITION, now=NOW, actor="b", process_id=f"a{number:05d}",
                      start=date(2026, 1, 5))
    began = time.perf_counter()
    for number in range(count):
        advance(store, f"a{number:05d}", now=NOW, actor="b", force=True, reason="benchmark")
    elapsed = time.perf_counter() - began

    # The floor under any transaction: begin, one statement, commit.
    began = time.perf_counter()
    for _ in range(count):
        with store.connect() as conn:
            conn.execute(text("SELECT 1")).all()
    floor = (time.perf_counter() - began) / count
    rows = [(f"advance + persist + history ({count:,} processes)",
             f"{count / elapsed:,.0f} transitions/s",
             f"{elapsed * 1000 / count:.2f} ms each; a transaction with one SELECT 1: "
             f"{floor * 1000:.2f} ms")]
    if kind == "postgresql":
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
                     "coordinator"))
    store.dispose()
    return rows


def figure_cold_start(folder: Path, runs: int) -> list[tuple[str, str, str]]:
    # Compiled once, as an installed package is; no run pays for compiling our modules.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ivpflow")],
                   check=True)
    store_dir = folder / "coldstart"
    store = Store.open(store_dir)
    from ivpflow.workflow.loader import find_definition

    start_process(store, find_definition("noordoost-twente-2027-2030"), now=NOW, actor="b",
                  process_id="not")
    store.dispose()
    ivpflow = Path(sys.executable).with_name("ivpflow")
    commands = {
        "python -c 'import sqlalchemy.orm'": [sys.executable, "-c", "import sqlalchemy.orm"],
        "ivpflow status": [str(ivpflow), "--store", str(store_dir), "status", "not"],
        "ivpflow status --json": [str(ivpflow), "--store", str(store_dir), "status", "not",
                                  "--json"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs + 1):  # the first round only warms the page cache
        for name, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - began)
    base = statistics.median(times["python -c 'import sqlalchemy.orm'"][1:])
    rows = []
    for name, values in times.items():
        value = statistics.median(values[1:])
        rows.append((f"cold start: {name}", f"{value * 1000:.0f} ms",
                     f"{value / base:.2f}x the bare import"))
    return rows


def figure_drafts(folder: Path) -> list[tuple[str, str, str]]:
    from ivpflow.documents.drafts import draft
    from ivpflow.workflow.loader import find_definition

    definition = find_definition("noordoost-twente-2027-2030")
    store = Store.open(folder / "drafts")
    start_process(store, definition, now=NOW, actor="b", process_id="not")
    documents = [item.id for item in definition.items_of_kind("document")]
    files: list[Any] = []
    round_number = [0]

    def once() -> None:
        round_number[0] += 1
        # A changed value each round, so every draft is rendered as a new version.
        from ivpflow.documents.content import set_value

        set_value(store, "not", "zaaknummer", f"26Z{round_number[0]:05d}", now=NOW, actor="b")
        files.clear()
        for document in documents:
            files.extend(draft(store, folder / "drafts", "not", document,
                               formats=("md", "docx"), now=NOW, actor="b"))

    elapsed = median_time(once, 3)
    store.dispose()
    return [("render all drafts of a process (Markdown + Word)", f"{elapsed * 1000:.0f} ms",
             f"{len(files)} files for {len(documents)} documents")]


def current_rss_mib() -> float:
    """This process's resident memory now (not its peak), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figure_memory(folder: Path, ticks: int) -> list[tuple[str, str, str]]:
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


def run_peer(python: str, sizes: str) -> list[tuple[str, str, str]]:
    bench = ROOT.parent / "shared" / "peers" / "spiff" / "bench.py"
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--drain", type=int, default=10000)
    parser.add_argument("--advance", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=1000)
    parser.add_argument("--cold-runs", type=int, default=11)
    parser.add_argument("--postgresql", default=os.environ.get("IVPFLOW_BENCH_POSTGRESQL"),
                        help="a PostgreSQL server URL where databases may be created")
    parser.add_argument("--peer", help="a python with SpiffWorkflow 3.2 installed")
    parser.add_argument("--peer-sizes", default="1000,10000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="ivpflow-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    kinds = ["sqlite"] + (["postgresql"] if args.postgresql else [])
    try:
        for kind in kinds:
            figures = (figure_tick(kind, args.postgresql, folder, sizes)
                       + figure_drain(kind, args.postgresql, folder, args.drain)
                       + figure_advance(kind, args.postgresql, folder, args.advance))
            for name, value, note in figures:
                rows.append((kind, name, value, note))
                print(f"{kind:10s} {name:55s} {value:>18s}  {note}", flush=True)
        for name, value, note in (figure_cold_start(folder, args.cold_runs)
                                  + figure_drafts(folder) + figure_memory(folder, args.ticks)):
            rows.append(("sqlite", name, value, note))
            print(f"{'sqlite':10s} {name:55s} {value:>18s}  {note}", flush=True)
        if args.peer:
            for name, value, note in run_peer(args.peer, args.peer_sizes):
                rows.append(("peer", name, value, note))
                print(f"{'peer':10s} {name:55s} {value:>18s}  {note}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}.")
    print()
    print("| database | figure | value | note |")
    print("|---|---|---:|---|")
    for kind, name, value, note in rows:
        print(f"| {kind} | {name} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
