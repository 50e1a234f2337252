"""Who fills the roles of a process: the people its reminders go to."""

from __future__ import annotations

import re
from datetime import datetime
from difflib import get_close_matches

from ..errors import AlreadyDoneError, InvalidValueError, UnknownItemError, listing
from ..i18n import _
from ..store import Store
from ..store.rows import PEOPLE, AssignmentRow
from ..store.writer import change
from ..text import check_text
from ..workflow.model import Definition

EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
MAX_NAME = 200
MAX_EMAIL = 320  # RFC 5321: 64 for the local part, @, 255 for the domain


def check_person(name: str, email: str) -> tuple[str, str]:
    """A name and an address as stored: one line each, within the columns' sizes."""
    name, email = name.strip(), email.strip()
    if not name or any(ch in name for ch in "\r\n\t<>\"") or len(name) > MAX_NAME:
        raise InvalidValueError(_("Name"), name, _(
            "must be one line without <, > or quotes, at most {count} characters").format(
            count=MAX_NAME))
    check_text(_("Name"), name, one_line=True)
    check_text(_("E-mail address"), email, one_line=True)
    if not EMAIL.fullmatch(email) or len(email) > MAX_EMAIL:
        raise InvalidValueError("", email, _("is not an e-mail address"))
    return name, email


def check_municipality(definition: Definition, process_id: str, municipality: str) -> str:
    """A gemeente of the process as the definition spells it ('' for the whole process);
    the match is case-insensitive, and an unknown name lists the known ones."""
    wanted = municipality.strip()
    if not wanted:
        return ""
    known = definition.municipalities
    found = next((m for m in known if m.casefold() == wanted.casefold()), None)
    if found is None:
        close = get_close_matches(wanted.casefold(), [m.casefold() for m in known], n=1)
        near = next((m for m in known if close and m.casefold() == close[0]), None)
        rule = (_("has no municipality '{municipality}' (did you mean {near}?); "
                  "municipalities: {municipalities}") if near else
                _("has no municipality '{municipality}'; municipalities: {municipalities}"))
        raise InvalidValueError(_("Process"), process_id, rule.format(
            municipality=wanted, near=near, municipalities=listing(known)))
    return found


def _where(role: str, municipality: str) -> str:
    """A role as the history names it: 'portefeuillehouder (Tubbergen)'."""
    return f"{role} ({municipality})" if municipality else role


def assign(store: Store, process_id: str, role: str, *, name: str, email: str, now: datetime,
           actor: str, municipality: str = "") -> str:
    """Record who fills a role of the workflow in a process, for the whole process or for one
    of its gemeenten (reminders of that gemeente's items then go to them); returns the
    gemeente as the definition spells it ('' for the whole process)."""
    name, email = check_person(name, email)
    with change(store, process_id, now=now, actor=actor, parts=PEOPLE) as work:
        process = work.process
        if role not in work.definition.roles:
            raise UnknownItemError(process.id, "role", role, work.definition.roles)
        municipality = check_municipality(work.definition, process.id, municipality)
        where = _where(role, municipality)
        existing = next((a for a in process.assignments
                         if a.role == role and a.municipality == municipality
                         and a.email.lower() == email.lower()), None)
        if existing is not None and existing.name == name:
            raise AlreadyDoneError(_(
                "{name} <{email}> already fills role '{role}' of '{process_id}'").format(
                name=name, email=email, role=where, process_id=process.id), "")
        previous = None
        if existing is None:
            work.add("assignments", AssignmentRow(role, email, name, work.stamp, municipality))
        else:
            previous = existing.name
            work.update("assignments", (existing.role, municipality, existing.email), name=name)
        work.record("assigned", source=previous, dest=email, item=where,
                    note=f"{name} <{email}>")
    return municipality


def unassign(store: Store, process_id: str, role: str, *, email: str, now: datetime,
             actor: str, municipality: str = "") -> str:
    """Remove a person from a role of a process (or from the role for one gemeente); returns
    the gemeente as the definition spells it."""
    with change(store, process_id, now=now, actor=actor, parts=PEOPLE) as work:
        process = work.process
        municipality = check_municipality(work.definition, process.id, municipality)
        where = _where(role, municipality)
        existing = next((a for a in process.assignments
                         if a.role == role and a.municipality == municipality
                         and a.email.lower() == email.strip().lower()), None)
        if existing is None:
            holders = [a.email for a in process.assignments
                       if a.role == role and a.municipality == municipality]
            raise InvalidValueError(_("Nobody with e-mail"), email, _(
                "fills role '{role}' of '{process_id}'; holders: {holders}").format(
                role=where, process_id=process.id, holders=listing(holders)))
        work.remove("assignments", (existing.role, municipality, existing.email))
        work.record("unassigned", source=existing.email, item=where,
                    note=f"{existing.name} <{existing.email}>")
    return municipality
