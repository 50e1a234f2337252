"""`ivpflow cijfers`: the figures of the veiligheidsanalyse for every gemeente of a process and
Nederland, fetched from CBS and the Politie (or read from a StatLine CSV) and kept as
observations of the process.

The network is read first, outside any transaction; then one unit of work adds the new
figures, updates those whose value changed and leaves the rest as they are, so that running
it again never doubles a figure. A refusal (an unknown gemeente, no network, a file that is not
an export) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..dates import local
from ..errors import InvalidValueError, OfflineError
from ..store import Store
from ..store.reader import read_definition, read_process
from ..store.rows import ObservationRow
from ..store.writer import change
from .cbs import Client, Unreachable, base_url, timeout
from .gemeenten import NEDERLAND, gemeente
from .series import Table, table, tables
from .tables import Reading, fetch

PARTS = frozenset({"observations"})
YEARS = 5  # the years a veiligheidsanalyse looks back on, up to last year


@dataclass
class TableResult:
    """What an import did with one table."""

    table: Table
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # gemeenten it has no figures for
    skipped: list[str] = field(default_factory=list)  # series the table does not have


@dataclass
class ImportResult:
    """What `import_figures` did, table by table."""

    process_id: str
    years: list[int]
    tables: list[TableResult]

    @property
    def changed(self) -> bool:
        return any(t.added or t.updated for t in self.tables)


def default_years(now: datetime) -> list[int]:
    """The five full years before the moment's: 2021-2025 in 2026."""
    year = local(now).year
    return list(range(year - YEARS, year))


def parse_years(text: str) -> list[int]:
    """Years as the command line gives them: 2021-2025, 2023 or 2021,2023,2025."""
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise InvalidValueError("years", text, "must be a year, a range such as "
                                    "2021-2025, or years separated by commas") from None
        if not 1990 <= low <= high <= 2100:
            raise InvalidValueError("years", text, "must run from an earlier to a later year "
                                    "between 1990 and 2100")
        years.update(range(low, high + 1))
    return sorted(years)


def process_regions(store: Store, process_id: str) -> tuple[str, dict[str, str]]:
    """The process's id and its regions, code → name: every gemeente of its definition and
    Nederland's key per table family (NL01 at CBS, NL00 at the Politie) as 'Nederland'."""
    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=())
        definition = read_definition(tx, process.definition_digest)
    names = list(definition.municipalities)
    if not names:
        raise InvalidValueError("process", process.id, "names no gemeenten in its workflow "
                                "(municipalities), so there is nothing to fetch figures for")
    found = {g.code: g.name for g in (gemeente(name) for name in names)}
    return process.id, found


def import_figures(store: Store, process_id: str, *, now: datetime, actor: str,
                   years: Sequence[int] | None = None, table_ids: Iterable[str] = (),
                   from_file: Path | None = None,
                   on_request: Callable[[str], None] | None = None) -> ImportResult:
    """Fetch (or read from `from_file`) the series of the chosen tables (the default ones:
    83648NED and 85146NED) for every gemeente of the process and Nederland, and keep them as
    its observations: new ones added, changed ones updated, the rest left as they are."""
    pid, gemeenten = process_regions(store, process_id)
    chosen_years = list(years) if years else default_years(now)
    chosen = [table(t) for t in dict.fromkeys(table_ids)]
    readings: list[Reading] = []
    if from_file is not None:
        from .statline import detect_table, read_export, read_text

        if len(chosen) > 1:
            raise InvalidValueError("--table", ", ".join(t.id for t in chosen),
                                    "names more than one table for one file")
        source = chosen[0] if chosen else detect_table(from_file, read_text(from_file))
        readings.append(read_export(from_file, source, {**gemeenten, source.nederland: NEDERLAND},
                                    chosen_years))
    else:
        for source in chosen or [t for t in tables().values() if t.default]:
            client = Client(base_url(source.catalogue), timeout=timeout(),
                            on_request=on_request)
            try:
                readings.append(fetch(client, source, [*gemeenten, source.nederland],
                                      chosen_years))
            except Unreachable as exc:
                raise OfflineError(exc.url.split("?")[0], exc.reason, pid) from None
    results = [TableResult(r.table, missing=[gemeenten[c] for c in r.missing if c in gemeenten],
                           skipped=r.skipped) for r in readings]
    origin = "StatLine CSV" if from_file is not None else None
    _store(store, pid, readings, results, gemeenten, local(now).date(), origin, now=now,
           actor=actor)
    return ImportResult(pid, chosen_years, results)


def _store(store: Store, pid: str, readings: list[Reading], results: list[TableResult],
           names: dict[str, str], today: date, origin: str | None, *, now: datetime,
           actor: str) -> None:
    """Write the figures in one unit of work (none when nothing changed)."""
    def rows_for(reading: Reading) -> list[ObservationRow]:
        source = reading.table.source + (f", {origin}" if origin else "")
        return [ObservationRow(f.region, f.year, f.table, f.series,
                               names.get(f.region, NEDERLAND), f.measure, f.value, f.lower,
                               f.upper, source, today) for f in reading.figures]

    new = [rows_for(reading) for reading in readings]
    with store.transaction() as tx:
        held = read_process(tx, pid, parts=PARTS).observations
    if not _tally(held, new, results, count=False):
        _tally(held, new, results, count=True)
        return
    # Counted from the rows the unit of work reads, under its lock.
    with change(store, pid, now=now, actor=actor, parts=PARTS) as work:
        current = {_key(row): row for row in work.process.observations}
        _tally(work.process.observations, new, results, count=True)
        for rows in new:
            for row in rows:
                old = current.get(_key(row))
                # An unchanged figure keeps the day it was first fetched on.
                if old is None or not _same(old, row):
                    current[_key(row)] = row
        work.set(observations=tuple(current.values()))
        work.record("figures-imported", note="; ".join(
            f"{r.table.id}: {r.added} added, {r.updated} updated, {r.unchanged} unchanged"
            for r in results))


def _key(row: ObservationRow) -> tuple[str, int, str, str]:
    return row.region, row.year, row.table_id, row.series


def _same(old: ObservationRow, new: ObservationRow) -> bool:
    """Whether a fetched figure says what the kept one says (its retrieval date aside)."""
    return old._replace(retrieved_on=new.retrieved_on, source=new.source) == new


def _tally(held: Sequence[ObservationRow], new: list[list[ObservationRow]],
           results: list[TableResult], *, count: bool) -> bool:
    """Whether anything would change; with `count`, the added/updated/unchanged per table."""
    kept = {_key(row): row for row in held}
    changed = False
    for rows, result in zip(new, results, strict=True):
        for row in rows:
            old = kept.get(_key(row))
            kind = "added" if old is None else "unchanged" if _same(old, row) else "updated"
            changed = changed or kind != "unchanged"
            if count:
                setattr(result, kind, getattr(result, kind) + 1)
    return changed
