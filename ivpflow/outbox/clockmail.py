"""The four-year clock's mails: when an adopted plan's clock warns (`planning.clock`), one
mail per warning moment to each coordinator and portefeuillehouder of the process.

A warning's moment is the day it began (`since`): 12, 6 and 3 months before the next process
must start, the day after that date, the day after expiry. Its dedupe key holds the code, the
moment and the recipient, so a replay with `tick --now` queues nothing twice, and a tick that
missed a moment sends only the warning that is true now, marked late, not the stale ones.
Only processes whose plan is adopted are read: a few per gemeente every four years.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ..planning.clock import Clock, adopting_decisions, cycle_warnings, followed_by
from ..planning.plan import build_plan
from ..planning.reasons import say
from ..store import tables
from ..store.reader import read_definition, read_processes
from ..store.rows import PLANNING, facts_of
from ..store.succession import successors
from ..workflow.model import POSITIVE_OUTCOMES, Definition
from .mail import one_line

RECIPIENT_ROLES = ("coordinator", "portefeuillehouder")
SUBJECTS = {"next-start-soon": "Vierjaarsklok: het volgende IVP-proces moet beginnen",
            "next-start-passed": "Vierjaarsklok: het volgende IVP-proces had al moeten beginnen",
            "plan-expired": "Vierjaarsklok: het IVP is verlopen zonder opvolger"}


def adopted_processes(conn: Connection) -> list[str]:
    """The ids of the processes whose plan the raad has adopted (every adopting decision
    positive, or the last phase before the final one done where no raad decides)."""
    p, items, phases = tables.processes, tables.items, tables.phase_states
    found: list[str] = []
    # From the few stored definitions, not from a scan of every process's digest: a store's
    # definitions are a handful however many processes use them (one no process uses any
    # longer finds nothing below).
    for digest in conn.scalars(select(tables.definitions.c.digest)).all():
        definition = read_definition(conn, digest)
        if definition.period_years is None:
            continue
        adopting = [item.id for item in adopting_decisions(definition)]
        if adopting:
            query = (select(items.c.process_id)
                     .join(p, p.c.id == items.c.process_id)
                     .where(p.c.definition_digest == digest, items.c.status == "done",
                            items.c.item_id.in_(adopting),
                            items.c.outcome.in_(POSITIVE_OUTCOMES))
                     .group_by(items.c.process_id)
                     .having(func.count() == len(adopting)))
        else:
            last = [phase.id for phase in definition.phases if not phase.final][-1]
            query = (select(phases.c.process_id)
                     .join(p, p.c.id == phases.c.process_id)
                     .where(p.c.definition_digest == digest, phases.c.phase == last,
                            phases.c.status == "done"))
        found += conn.scalars(query).all()
    return sorted(found)


def warning_clocks(conn: Connection, today: date) -> list[tuple[Any, Definition, Clock]]:
    """Each adopted process whose clock warns today with no successor in the store: its
    row (with its people), its definition and its clock."""
    warned = []
    for process in read_processes(conn, adopted_processes(conn),
                                  parts=PLANNING | {"assignments"}):
        definition = read_definition(conn, process.definition_digest)
        clock = build_plan(definition, facts_of(process, today))["clock"]
        if clock is not None and cycle_warnings(clock):
            warned.append((process, definition, clock))
    if not warned:
        return []
    followers = successors(conn)
    return [(process, definition, clock) for process, definition, clock in warned
            if cycle_warnings(followed_by(clock, followers.get(process.id)))]


def recipients(process: Any) -> list[tuple[str, str, str]]:
    """(role, name, email) of every coordinator and portefeuillehouder, for the whole
    process or one of its gemeenten, once per address."""
    from ..store.rows import people_of

    found: dict[str, tuple[str, str, str]] = {}
    for person in sorted(people_of(process), key=lambda a: (RECIPIENT_ROLES.index(a.role)
                                                            if a.role in RECIPIENT_ROLES
                                                            else 9, a.email.lower())):
        if person.role in RECIPIENT_ROLES:
            found.setdefault(person.email.lower(), (person.role, person.name, person.email))
    return list(found.values())


def clock_mails(conn: Connection, now: datetime) -> list[dict[str, Any]]:
    """The clock mails due at `now`: per warning and recipient, what its dedupe key is made
    of (code, step, moment), and what the mail says (its template context)."""
    today = now.date()
    mails: list[dict[str, Any]] = []
    for process, definition, clock in warning_clocks(conn, today):
        for warning in cycle_warnings(clock):
            since = date.fromisoformat(warning["since"])
            for role, name, email in recipients(process):
                mails.append({
                    "code": warning["code"], "step": int(warning.get("months") or 1),
                    "process": process.id, "moment": since, "name": name, "email": email,
                    "due": date.fromisoformat(warning.get("by") or warning["expires"]),
                    "context": _context(process.id, definition, clock, warning, role, name,
                                        since, today)})
    return mails


def _context(process_id: str, definition: Definition, clock: Clock, warning: dict[str, Any],
             role: str, name: str, since: date, today: date) -> dict[str, Any]:
    return {
        "subject": f"{SUBJECTS[warning['code']]} ({one_line(definition.title)})",
        "recipient_name": one_line(name),
        "recipient_role": definition.roles.get(role, role),
        "late": since < today, "moment": since, "code": warning["code"],
        "warning": say([warning], "nl"),
        "process": {"id": process_id, "title": definition.title},
        "clock": {"adopted": _day(clock["adopted"]), "expires": _day(clock["expires"]),
                  "extended_until": _day(clock["extended_until"]),
                  "next_start_by": _day(clock["next_start_by"]),
                  "period": clock["period"]},
        "for_coordinator": role == "coordinator",
    }


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def digest_clock(conn: Connection, process_id: str, definition: Definition,
                 today: date) -> list[str]:
    """The clock's warnings of a process in Dutch, for its digest (none once a successor of
    an adopted plan is in the store)."""
    process = read_processes(conn, [process_id], parts=PLANNING)[0]
    clock = build_plan(definition, facts_of(process, today))["clock"]
    if clock is None or not clock["reasons"]:
        return []
    if cycle_warnings(clock):
        clock = followed_by(clock, successors(conn).get(process.id))
    return [text for text in (say([r], "nl") for r in clock["reasons"]) if text]

