"""Which process of the store follows which plan: the four-year clock of an adopted plan
falls silent once its successor (a new plan or an extension, `planning.clock.succeeds`) is in
the store. Succession follows from the definitions alone, so a few distinct definitions
decide it for any number of processes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, select

from ..planning.clock import succeeds
from . import tables
from .reader import read_definition


def successors(conn: Connection, heads: Iterable[tuple[str, str]] | None = None) -> dict[str, str]:
    """Per process id, the first (by id) other process that follows its plan; `heads` are
    the (id, definition digest) of every process when the caller has read them already."""
    if heads is None:
        p = tables.processes
        heads = [(row.id, row.definition_digest)
                 for row in conn.execute(select(p.c.id, p.c.definition_digest))]
    by_digest: dict[str, list[str]] = defaultdict(list)
    for process_id, digest in heads:
        by_digest[digest].append(process_id)
    definitions = {digest: read_definition(conn, digest) for digest in by_digest}
    found: dict[str, str] = {}
    for earlier, definition in definitions.items():
        if definition.period_years is None:
            continue
        later = sorted(pid for digest, other in definitions.items()
                       if succeeds(other, definition) for pid in by_digest[digest])
        if later:
            found.update((pid, later[0]) for pid in by_digest[earlier])
    return found
