"""Meetings and people shared by every process of a store: a gemeente's raad calendar, or the
coordinator of all of them, entered once.

Each process sees them through the reader (`store.reader.with_shared`): it plans on its own
meetings and the shared ones of its definition's bodies (its own win where body and date are
the same), and a role and gemeente it has no holder of its own for goes to the shared holders
(`planning.holders.merge_people`). A shared role or body its definition lacks is ignored.

Meetings move deadlines, so adding or removing a shared meeting re-plans every process with a
decision of that body, each in its own unit of work with an event in its history (`meeting`
or `meeting-removed`, note 'shared: …'), after the shared calendar itself has been written.
Shared people move no deadline: their rows carry when they were assigned, and no process's
history records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from ..dates import dutch_date, to_utc_naive
from ..errors import AlreadyDoneError, InvalidValueError, OutOfOrderError, listing
from ..i18n import _, say_date
from ..store import Store, tables
from ..store.reader import read_definition, read_shared
from ..store.writer import change, check_actor
from ..text import check_text
from ..workflow.model import Definition, Meeting
from .people import check_person


@dataclass(frozen=True)
class Replanned:
    """What adding or removing shared meetings did: how many, and the processes re-planned."""

    meetings: int
    processes: tuple[str, ...]


def _definitions(store: Store) -> dict[str, Definition]:
    """The definition of every process of the store, by process id."""
    found: dict[str, Definition] = {}
    with store.connect() as conn:
        rows = conn.execute(select(tables.processes.c.id, tables.processes.c.definition_digest)
                            .order_by(tables.processes.c.id)).all()
        for process_id, digest in rows:
            found[process_id] = read_definition(conn, digest)
    return found


def _check_body(body: str, definitions: dict[str, Definition]) -> str:
    check_text(_("Body"), body, one_line=True)
    known = sorted({b for d in definitions.values() for b in d.bodies})
    if body not in known:
        close = get_close_matches(body, known, n=1)
        rule = (_("decides nothing in any process of the store (did you mean {near}?); "
                  "bodies: {bodies}") if close else
                _("decides nothing in any process of the store; bodies: {bodies}"))
        raise InvalidValueError("", body, rule.format(near=close[0] if close else "",
                                                      bodies=listing(known)))
    return body


def add_shared_meetings(store: Store, meetings: list[Meeting], *, now: datetime, actor: str,
                        source: str = "cli") -> Replanned:
    """Add meetings to the store's shared calendar, refused whole if one is wrong, then
    re-plan every process with a decision of their bodies."""
    check_actor(actor)
    definitions = _definitions(store)
    seen: set[tuple[str, date]] = set()
    for meeting in meetings:
        _check_body(meeting.body, definitions)
        if meeting.papers_due is not None and meeting.papers_due > meeting.date:
            raise OutOfOrderError(_("Papers due"), meeting.papers_due, "after", meeting.date,
                                  label=_("the meeting"))
        if (meeting.body, meeting.date) in seen:
            raise AlreadyDoneError(_("A meeting of {body} on {day} is given twice").format(
                body=meeting.body, day=say_date(meeting.date)), "")
        seen.add((meeting.body, meeting.date))
    table = tables.shared_meetings
    stamp = to_utc_naive(now)
    with store.connect(immediate=True) as conn:
        known = {(m.body, m.date) for m in read_shared(conn, ["shared_meetings"])
                 ["shared_meetings"]}
        for meeting in meetings:
            if (meeting.body, meeting.date) in known:
                raise AlreadyDoneError(_(
                    "A shared meeting of {body} on {day} is known already").format(
                    body=meeting.body, day=say_date(meeting.date)), "")
        if meetings:
            conn.execute(insert(table), [{"body": m.body, "date": m.date,
                                          "papers_due": m.papers_due, "created_at": stamp}
                                         for m in meetings])
    note = (f"shared: {meetings[0].body} {dutch_date(meetings[0].date)}" if len(meetings) == 1
            else f"shared: {len(meetings)} meetings ({source})")
    return Replanned(len(meetings), _replan(store, definitions, meetings, "meeting", note,
                                            now=now, actor=actor))


def remove_shared_meeting(store: Store, body: str, day: date, *, now: datetime,
                          actor: str) -> Replanned:
    """Remove a shared meeting that will not take place, then re-plan every process with a
    decision of its body."""
    check_actor(actor)
    table = tables.shared_meetings
    with store.connect(immediate=True) as conn:
        gone = conn.execute(delete(table).where(table.c.body == body, table.c.date == day))
        if gone.rowcount != 1:
            known = [f"{m.body} {m.date.isoformat()}"
                     for m in read_shared(conn, ["shared_meetings"])["shared_meetings"]]
            raise InvalidValueError(_("Shared meeting"), f"{body} {day.isoformat()}", _(
                "is not known; shared meetings: {meetings}").format(meetings=listing(known)))
    return Replanned(1, _replan(store, _definitions(store), [Meeting(body, day)],
                                "meeting-removed", f"shared: {body} {dutch_date(day)}",
                                now=now, actor=actor))


def _replan(store: Store, definitions: dict[str, Definition], meetings: list[Meeting],
            event: str, note: str, *, now: datetime, actor: str) -> tuple[str, ...]:
    """Re-plan, each in its own unit of work, the processes with a decision of one of these
    meetings' bodies, except those with their own meeting of every one (nothing changes for
    them); the ids re-planned."""
    own = tables.meetings
    wanted = {(m.body, m.date) for m in meetings}
    with store.connect() as conn:
        covered: dict[str, set[tuple[str, date]]] = {}
        for process_id, body, day in conn.execute(
                select(own.c.process_id, own.c.body, own.c.date)
                .where(own.c.body.in_(sorted({m.body for m in meetings})))):
            covered.setdefault(process_id, set()).add((body, day))
    replanned = []
    for process_id, definition in definitions.items():
        mine = {(b, d) for b, d in wanted if b in definition.bodies}
        if not mine or mine <= covered.get(process_id, set()):
            continue
        with change(store, process_id, now=now, actor=actor) as work:
            work.record(event, note=note)
        replanned.append(process_id)
    return tuple(replanned)


def shared_meetings(store: Store) -> list[dict[str, Any]]:
    """The store's shared meetings, by date and body."""
    with store.connect() as conn:
        rows = read_shared(conn, ["shared_meetings"])["shared_meetings"]
    return [{"body": m.body, "date": m.date, "papers_due": m.papers_due,
             "created_at": m.created_at}
            for m in sorted(rows, key=lambda m: (m.date, m.body))]


# --------------------------------------------------------------------------- people


def _check_role(role: str, municipality: str,
                definitions: dict[str, Definition]) -> tuple[str, str]:
    """A role of some process of the store, and a gemeente ('' for the whole process) of some
    process that has the role, as its definition spells it."""
    having = [d for d in definitions.values() if role in d.roles]
    if not having:
        known = sorted({r for d in definitions.values() for r in d.roles})
        raise InvalidValueError(_("Role"), role, _(
            "is a role of no process in the store; roles: {roles}").format(roles=listing(known)))
    wanted = municipality.strip()
    if not wanted:
        return role, ""
    known = list(dict.fromkeys(m for d in having for m in d.municipalities))
    found = next((m for m in known if m.casefold() == wanted.casefold()), None)
    if found is None:
        raise InvalidValueError(_("Municipality"), wanted, _(
            "has no process with role '{role}' in the store; municipalities: "
            "{municipalities}").format(role=role, municipalities=listing(known)))
    return role, found


def assign_shared(store: Store, role: str, *, name: str, email: str, now: datetime,
                  municipality: str = "") -> str:
    """Record who fills a role in every process of the store that has it and no holder of its
    own for it (for the whole process, or for one gemeente); returns the gemeente as the
    definitions spell it."""
    name, email = check_person(name, email)
    role, municipality = _check_role(role, municipality, _definitions(store))
    table = tables.shared_assignments
    where = (table.c.role == role, table.c.municipality == municipality,
             func.lower(table.c.email) == email.lower())
    with store.connect(immediate=True) as conn:
        existing = conn.execute(select(table.c.name).where(*where)).first()
        if existing is not None and existing.name == name:
            raise AlreadyDoneError(_("{name} <{email}> already fills shared role '{role}'")
                                   .format(name=name, email=email,
                                           role=_where(role, municipality)), "")
        if existing is None:
            conn.execute(insert(table).values(role=role, municipality=municipality,
                                              email=email, name=name,
                                              assigned_at=to_utc_naive(now)))
        else:
            conn.execute(update(table).where(*where).values(name=name))
    return municipality


def unassign_shared(store: Store, role: str, *, email: str, municipality: str = "") -> str:
    """Remove a person from a shared role; returns the gemeente as stored."""
    table = tables.shared_assignments
    wanted = municipality.strip()
    with store.connect(immediate=True) as conn:
        rows = read_shared(conn, ["shared_assignments"])["shared_assignments"]
        found = next((a for a in rows if a.role == role
                      and a.municipality.casefold() == wanted.casefold()
                      and a.email.lower() == email.strip().lower()), None)
        if found is None:
            holders = [a.email for a in rows if a.role == role
                       and a.municipality.casefold() == wanted.casefold()]
            raise InvalidValueError(_("Nobody with e-mail"), email, _(
                "fills shared role '{role}'; holders: {holders}").format(
                role=_where(role, wanted), holders=listing(holders)))
        conn.execute(delete(table).where(table.c.role == found.role,
                                         table.c.municipality == found.municipality,
                                         table.c.email == found.email))
    return str(found.municipality)


def shared_people(store: Store) -> list[dict[str, Any]]:
    """The store's shared people, by role, gemeente and address."""
    with store.connect() as conn:
        rows = read_shared(conn, ["shared_assignments"])["shared_assignments"]
    return [{"role": a.role, "municipality": a.municipality or None, "name": a.name,
             "email": a.email, "assigned_at": a.assigned_at} for a in rows]


def _where(role: str, municipality: str) -> str:
    return f"{role} ({municipality})" if municipality else role
