"""Who fills the roles of a process: the people its reminders go to."""

from __future__ import annotations

import re
from datetime import datetime

from ..errors import AlreadyDoneError, InvalidValueError, UnknownItemError
from ..store import Store
from ..store.rows import PEOPLE, AssignmentRow
from ..store.writer import change
from ..text import check_text

EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
MAX_NAME = 200
MAX_EMAIL = 320  # RFC 5321: 64 for the local part, @, 255 for the domain


def check_person(name: str, email: str) -> tuple[str, str]:
    """A name and an address as stored: one line each, within the columns' sizes."""
    name, email = name.strip(), email.strip()
    if not name or any(ch in name for ch in "\r\n\t<>\"") or len(name) > MAX_NAME:
        raise InvalidValueError("Name", name, "must be one line without <, > or quotes, "
                                f"at most {MAX_NAME} characters")
    check_text("Name", name, one_line=True)
    check_text("E-mail address", email, one_line=True)
    if not EMAIL.fullmatch(email) or len(email) > MAX_EMAIL:
        raise InvalidValueError("", email, "is not an e-mail address")
    return name, email


def assign(store: Store, process_id: str, role: str, *, name: str, email: str, now: datetime,
           actor: str) -> None:
    """Record who fills a role of the workflow in a process (reminders will go to them)."""
    name, email = check_person(name, email)
    with change(store, process_id, now=now, actor=actor, parts=PEOPLE) as work:
        process = work.process
        if role not in work.definition.roles:
            raise UnknownItemError(process.id, "role", role, work.definition.roles)
        existing = next((a for a in process.assignments
                         if a.role == role and a.email.lower() == email.lower()), None)
        if existing is not None and existing.name == name:
            raise AlreadyDoneError(f"{name} <{email}>",
                                   f"already fills role '{role}' of '{process.id}'")
        previous = None
        if existing is None:
            work.add("assignments", AssignmentRow(role, email, name, work.stamp))
        else:
            previous = existing.name
            work.update("assignments", (existing.role, existing.email), name=name)
        work.record("assigned", source=previous, dest=email, item=role, note=f"{name} <{email}>")


def unassign(store: Store, process_id: str, role: str, *, email: str, now: datetime,
             actor: str) -> None:
    """Remove a person from a role of a process."""
    with change(store, process_id, now=now, actor=actor, parts=PEOPLE) as work:
        process = work.process
        existing = next((a for a in process.assignments
                         if a.role == role and a.email.lower() == email.strip().lower()), None)
        if existing is None:
            holders = [a.email for a in process.assignments if a.role == role]
            raise InvalidValueError("Nobody with e-mail", email,
                                    f"fills role '{role}' of '{process.id}'; holders: "
                                    f"{', '.join(holders) or 'none'}")
        work.remove("assignments", (existing.role, existing.email))
        work.record("unassigned", source=existing.email, item=role,
                    note=f"{existing.name} <{existing.email}>")
