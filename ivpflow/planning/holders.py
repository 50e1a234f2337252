"""Who an item goes to: the one rule by which reminders, escalations, the digest, `status` and
the report name the people responsible for a task, decision or document.

An item of one gemeente (a per-municipality item, or one whose body names the gemeente, as in
"gemeenteraad Losser") goes to that gemeente's holders of the item's role; else to the
holders of the role for the whole process; a shared item whose role is held only per gemeente
goes to all of those holders. An item without a role, or whose role nobody holds where it
applies, goes to the coordinator, found by the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ..workflow.model import Definition, Item

COORDINATOR = "coordinator"


class Assignment(Protocol):
    """A person in a role, for the whole process (municipality '') or for one gemeente."""

    @property
    def role(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def municipality(self) -> str: ...


@dataclass(frozen=True)
class Holder:
    """One person an item goes to, and the gemeente they hold the role for ('' = all)."""

    name: str
    email: str
    municipality: str = ""


@dataclass(frozen=True)
class Holders:
    """Who an item goes to, the role they hold, and why them."""

    people: tuple[Holder, ...]
    role: str  # the role the people hold (the coordinator's when it fell back)
    asked: str | None  # the role asked for (the item's, or the escalation's)
    via: str  # municipality | process | municipalities | coordinator | nobody

    @property
    def fallback(self) -> bool:
        """Whether the coordinator stands in for a role nobody holds (or no role at all)."""
        return self.via == "coordinator"

    def said(self, lang: str = "nl") -> str:
        """Who, in words (`say_holders`)."""
        return say_holders([(p.name, p.municipality) for p in self.people], self.via,
                           self.asked, lang)


def item_municipality(definition: Definition, item: Item) -> str | None:
    """The gemeente an item is of: its own, or the one its body names; None when shared."""
    if item.municipality:
        return item.municipality
    body = item.body or ""
    return next((m for m in definition.municipalities if body.endswith(" " + m)), None)


def holders_of(assignments: Iterable[Assignment], role: str | None, municipality: str | None,
               *, fallback: bool = True) -> Holders:
    """The people a matter of `role` in `municipality` (None: shared) goes to, by the rule
    above; without `fallback` the coordinator does not stand in (an escalation, a digest)."""
    people = list(assignments)
    if role:
        found, via = _in_role(people, role, municipality)
        if found or not fallback or role == COORDINATOR:
            return Holders(found, role, role, via if found else "nobody")
    if not fallback:
        return Holders((), "", role, "nobody")
    found, _ = _in_role(people, COORDINATOR, municipality)
    return Holders(found, COORDINATOR, role, "coordinator" if found else "nobody")


def holders_of_item(assignments: Iterable[Assignment], definition: Definition,
                    item: Item) -> Holders:
    """The people an item's reminders go to."""
    return holders_of(assignments, item.role, item_municipality(definition, item))


def merge_people(own: Iterable[Assignment],
                 shared: Iterable[Assignment]) -> tuple[Assignment, ...]:
    """A process's own holders, and the store's shared holders of each role and gemeente the
    process has no holder of its own for: the rule by which shared people stand in."""
    mine = tuple(own)
    held = {(p.role, p.municipality) for p in mine}
    return mine + tuple(p for p in shared if (p.role, p.municipality) not in held)


def _in_role(people: list[Assignment], role: str,
             municipality: str | None) -> tuple[tuple[Holder, ...], str]:
    in_role = [p for p in people if p.role == role]
    if municipality:
        local = [p for p in in_role if p.municipality == municipality]
        if local:
            return _as_holders(local), "municipality"
    shared = [p for p in in_role if not p.municipality]
    if shared:
        return _as_holders(shared), "process"
    if municipality is None and in_role:
        return _as_holders(in_role), "municipalities"
    return (), "nobody"


def _as_holders(people: list[Assignment]) -> tuple[Holder, ...]:
    ordered = sorted(people, key=lambda p: (p.municipality, p.email.lower()))
    return tuple(Holder(p.name, p.email, p.municipality) for p in ordered)


def say_holders(people: Iterable[tuple[str, str]], via: str, asked: str | None,
                lang: str = "nl") -> str:
    """Who an item goes to, in words, from (name, gemeente) pairs: 'A. de Vries',
    'A. de Vries (Losser), B. Jansen (Tubbergen)', 'C. Smit (coördinator, geen rol)'."""
    nl = lang == "nl"
    names = [f"{name} ({where})" if via == "municipalities" and where else name
             for name, where in people]
    if not names:
        nobody = "nog niemand" if nl else "nobody"
        return f"{nobody} ({asked})" if asked else nobody
    text = ", ".join(names)
    if via == "coordinator":
        if asked:
            why = f"coördinator, {asked} onbezet" if nl else f"coordinator, {asked} unassigned"
        else:
            why = "coördinator, geen rol" if nl else "coordinator, no role"
        text += f" ({why})"
    return text
