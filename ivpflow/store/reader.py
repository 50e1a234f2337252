"""Reading processes: one process with the parts a command needs in one round trip, many
processes at once for the set-wise views, the definitions they were started from, and the
history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, exists, func, literal, select

from ..errors import UnknownProcessError
from ..workflow.loader import load_compiled, parse_definition
from ..workflow.model import Definition
from . import tables
from .db import Sql, Tx
from .rows import (
    HEAD,
    PARTS,
    PEOPLE,
    PLANNING,
    SHARED,
    EventRow,
    ProcessRow,
    SharedAssignmentRow,
    SharedMeetingRow,
)

CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on parameters

_processes = tables.processes
_HEAD_COLUMNS = [_processes.c[name] for name in HEAD]
_HEAD = Sql(select(*_HEAD_COLUMNS).where(_processes.c.id == bindparam("pid")))
# A writer locks the process row on PostgreSQL, so two changes of one process follow each
# other; SQLite's BEGIN IMMEDIATE has locked the whole database already.
_HEAD_LOCKED = Sql(select(*_HEAD_COLUMNS).where(_processes.c.id == bindparam("pid"))
                   .with_for_update(of=_processes))


# Parts most processes have none of: on SQLite, where every statement costs and none waits for
# a network, the head says whether there are any (a query that finds nothing costs as much as
# one that finds a few rows); on PostgreSQL all of them go in the read's one round trip.
_OPTIONAL = ("meetings", "suspensions")
# On SQLite the head says which optional parts and shared tables hold any rows, so an empty
# one costs no statement of its own (on PostgreSQL all go in one round trip anyway).
_HEAD_FLAGGED = Sql(select(*_HEAD_COLUMNS, *(
    exists().where(PARTS[name].table.c.process_id == _processes.c.id).label(name)
    for name in _OPTIONAL), *(
    exists(select(literal(1)).select_from(getattr(tables, name))).label(name)
    for name in ("shared_meetings", "shared_assignments"))).where(
        _processes.c.id == bindparam("pid")))


def _part_query(name: str) -> Any:
    part = PARTS[name]
    table = part.table
    return (select(*(table.c[field] for field in part.row._fields))
            .where(table.c.process_id == bindparam("pid"))
            .order_by(*(table.c[o] for o in part.order)))


_PARTS = {name: Sql(_part_query(name)) for name in PARTS}
# The store's shared meetings and people: few rows, read whole with the part they stand beside.
_SHARED_ROWS: dict[str, Any] = {"shared_meetings": SharedMeetingRow,
                                "shared_assignments": SharedAssignmentRow}
_SHARED_TABLES = {"shared_meetings": tables.shared_meetings,
                  "shared_assignments": tables.shared_assignments}
_SHARED = {name: Sql(select(*(_SHARED_TABLES[name].c[f] for f in row._fields))
                     .order_by(*(_SHARED_TABLES[name].c[f] for f in row._fields[:3])))
           for name, row in _SHARED_ROWS.items()}
_definitions_table = tables.definitions
_DEFINITION_OF = Sql(
    select(_definitions_table.c.digest, _definitions_table.c.compiled,
           _definitions_table.c.source, _definitions_table.c.path)
    .select_from(_definitions_table.join(
        _processes, _processes.c.definition_digest == _definitions_table.c.digest))
    .where(_processes.c.id == bindparam("pid")))
_DEFINITION = Sql(
    select(_definitions_table.c.digest, _definitions_table.c.compiled,
           _definitions_table.c.source, _definitions_table.c.path)
    .where(_definitions_table.c.digest == bindparam("digest")))
# The newest definition stored of one workflow (the one its latest start or upgrade used).
_NEWEST_OF_WORKFLOW = Sql(
    select(_definitions_table.c.digest, _definitions_table.c.compiled,
           _definitions_table.c.source, _definitions_table.c.path)
    .where(_definitions_table.c.workflow == bindparam("workflow"))
    .order_by(_definitions_table.c.stored_at.desc(), _definitions_table.c.digest).limit(1))
_STORED_WORKFLOWS = Sql(select(_definitions_table.c.workflow).distinct()
                        .order_by(_definitions_table.c.workflow))
_FIRST_IDS = Sql(select(_processes.c.id).order_by(_processes.c.id).limit(2))
_ALL_IDS = Sql(select(_processes.c.id).order_by(_processes.c.id))
_events = tables.events
# A deleted process's events stay in the log (process.removal); a process started later under
# its id has the history after the last `deleted` event.
_LAST_DELETED = (select(func.coalesce(func.max(_events.c.id), 0))
                 .where(_events.c.process_id == bindparam("pid"), _events.c.event == "deleted")
                 .scalar_subquery())
_EVENTS = Sql(select(*(_events.c[name] for name in EventRow._fields))
              .where(_events.c.process_id == bindparam("pid"), _events.c.id > _LAST_DELETED)
              .order_by(_events.c.id))

# Definitions by digest, parsed once per run: a stored definition never changes.
_definitions: dict[str, Definition] = {}


def read_process(tx: Tx, process_id: str | None, *, parts: Iterable[str] = PEOPLE,
                 lock: bool = False) -> ProcessRow:
    """The process with this id (or the only one, when none is given) with the named parts;
    the others are left empty. One round trip on PostgreSQL, the definition included when
    none is known yet."""
    if process_id is None:
        process_id = _only_process(tx)
    wanted = set(parts)
    names = [name for name in PARTS if name in wanted]
    shared = [name for name, part in SHARED.items() if part in wanted]
    key = {"pid": process_id}
    empty: list[str] = []
    if tx.postgresql:
        queries = [(_HEAD_LOCKED if lock else _HEAD, key)]
    else:
        head = tx.fetch([(_HEAD_FLAGGED, key)])[0]
        if not head:
            raise UnknownProcessError(process_id, process_ids(tx))
        present = dict(zip((*_OPTIONAL, "shared_meetings", "shared_assignments"),
                           head[0][len(_HEAD_COLUMNS):], strict=True))
        names = [name for name in names if present.get(name, True)]
        empty = [name for name in shared if not present[name]]
        queries = []
    queries += [(_PARTS[name], key) for name in names]
    queries += [(_SHARED[name], {}) for name in shared if name not in empty]
    if not _definitions:
        queries.append((_DEFINITION_OF, key))
    results = tx.fetch(queries)
    if tx.postgresql:
        if not results[0]:
            raise UnknownProcessError(process_id, process_ids(tx))
        head, results = results[0], results[1:]
    if not _definitions:
        _remember(*results.pop()[0])
    own, common = results[:len(names)], results[len(names):]
    # The query names the row's fields in order: _make takes each row as it comes.
    children: dict[str, Any] = {name: tuple(map(PARTS[name].row._make, rows))
                                for name, rows in zip(names, own, strict=True)}
    process = ProcessRow(*head[0][:len(_HEAD_COLUMNS)], **children)
    read = [name for name in shared if name not in empty]
    if read:
        process = with_shared(process, read_definition(tx, process.definition_digest),
                              {name: [_SHARED_ROWS[name](*row) for row in rows]
                               for name, rows in zip(read, common, strict=True)})
    return process


def with_shared(process: ProcessRow, definition: Definition,
                found: dict[str, list[Any]]) -> ProcessRow:
    """The process carrying the store's shared meetings of its definition's bodies and the
    shared holders of its definition's roles (a role it does not have is ignored); whose own
    win is for `rows.meetings_of` and `rows.people_of` to say."""
    fields: dict[str, Any] = {}
    if "shared_meetings" in found:
        fields["shared_meetings"] = tuple(m for m in found["shared_meetings"]
                                          if m.body in definition.bodies)
    if "shared_assignments" in found:
        fields["shared_assignments"] = tuple(a for a in found["shared_assignments"]
                                             if a.role in definition.roles)
    return process._replace(**fields)


def read_shared(conn: Connection | Tx,
                names: Iterable[str] = tuple(_SHARED)) -> dict[str, list[Any]]:
    """The store's shared meetings and people (by the names of SHARED), in order."""
    wanted = list(names)
    if isinstance(conn, Tx):
        results = conn.fetch([(_SHARED[name], {}) for name in wanted])
    else:
        results = [[tuple(r) for r in conn.execute(_SHARED[name].statement)] for name in wanted]
    return {name: [_SHARED_ROWS[name](*row) for row in rows]
            for name, rows in zip(wanted, results, strict=True)}


def only_process_id(tx: Tx) -> str:
    """The id of the store's only process; an UnknownProcessError naming them when there
    are several (or none)."""
    return _only_process(tx)


def _only_process(tx: Tx) -> str:
    ids = [row[0] for row in tx.fetch([(_FIRST_IDS, {})])[0]]
    if len(ids) != 1:
        raise UnknownProcessError(None, process_ids(tx))
    return str(ids[0])


def process_ids(tx: Tx) -> list[str]:
    """The ids of every process, in order: what an UnknownProcessError lists."""
    return [str(row[0]) for row in tx.fetch([(_ALL_IDS, {})])[0]]


def read_definition(tx: Tx | Connection, digest: str) -> Definition:
    """The definition stored under this digest (parsed once per run)."""
    if digest not in _definitions:
        if isinstance(tx, Tx):
            found = tx.fetch([(_DEFINITION, {"digest": digest})])[0]
        else:
            found = [tuple(r) for r in tx.execute(_DEFINITION.statement, {"digest": digest})]
        assert found, f"definition {digest} is missing"
        _remember(*found[0])
    return _definitions[digest]


def newest_definition(tx: Tx, workflow: str) -> tuple[Definition, str] | None:
    """The definition of this workflow id stored last (by a start or an upgrade), if any,
    and the path it was first stored from (the parsed definition may carry another path:
    definitions are kept by their text's digest)."""
    found = tx.fetch([(_NEWEST_OF_WORKFLOW, {"workflow": workflow})])[0]
    if not found:
        return None
    _remember(*found[0])
    return _definitions[found[0][0]], str(found[0][3])


def stored_workflows(tx: Tx) -> list[str]:
    """The ids of every workflow the database holds a definition of."""
    return [str(row[0]) for row in tx.fetch([(_STORED_WORKFLOWS, {})])[0]]


def _remember(digest: str, compiled: str, source: str, path: str) -> None:
    if digest in _definitions:
        return
    try:
        _definitions[digest] = load_compiled(compiled, source, path)
    except (ValueError, KeyError, TypeError):
        # Written by an older ivpflow: the source text is the truth.
        _definitions[digest] = parse_definition(source, path)


def read_events(tx: Tx, process_id: str) -> list[EventRow]:
    """The history of one process, oldest first."""
    return [EventRow(*row) for row in tx.fetch([(_EVENTS, {"pid": process_id})])[0]]


# --------------------------------------------------------------------------- many at once


def read_processes(conn: Connection, ids: Iterable[str] | None = None, *,
                   parts: Iterable[str] = PLANNING) -> list[ProcessRow]:
    """Every process (or those with these ids) in order of id, a few queries per chunk."""
    wanted = None if ids is None else sorted(set(ids))
    if wanted is None:
        return _read_chunk(conn, None, parts)
    rows: list[ProcessRow] = []
    for start in range(0, len(wanted), CHUNK):
        rows += _read_chunk(conn, wanted[start:start + CHUNK], parts)
    return rows


def _read_chunk(conn: Connection, ids: Sequence[str] | None,
                parts: Iterable[str]) -> list[ProcessRow]:
    query = select(*_HEAD_COLUMNS).order_by(_processes.c.id)
    if ids is not None:
        query = query.where(_processes.c.id.in_(ids))
    heads = conn.execute(query).all()
    names = [name for name in PARTS if name in set(parts)]
    children: dict[str, dict[str, list[Any]]] = {name: defaultdict(list) for name in names}
    for name in names:
        part = PARTS[name]
        table = part.table
        child = select(table.c.process_id, *(table.c[f] for f in part.row._fields)).order_by(
            table.c.process_id, *(table.c[o] for o in part.order))
        if ids is not None:
            child = child.where(table.c.process_id.in_(ids))
        for row in conn.execute(child):
            children[name][row[0]].append(part.row(*row[1:]))
    shared = [name for name, part in SHARED.items() if part in set(parts)]
    common = read_shared(conn, shared) if shared and heads else {}
    rows = []
    for head in heads:
        mine: dict[str, Any] = {name: tuple(children[name].get(head[0], ())) for name in names}
        process = ProcessRow(*head, **mine)
        if common:
            process = with_shared(process, read_definition(conn, process.definition_digest),
                                  common)
        rows.append(process)
    return rows
