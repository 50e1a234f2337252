"""The workflow definition model: phases with their tasks, decisions and documents, roles,
calendars and the reminder policy, as validated from `workflows/*.yaml` (see `loader`)."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from hashlib import sha256
from typing import Any

from ..workdays import DEFAULT_CALENDAR, WorkingCalendar

KINDS = ("task", "decision", "document")
POSITIVE_OUTCOMES = ("vastgesteld", "gewijzigd-vastgesteld")
OUTCOMES = (*POSITIVE_OUTCOMES, "aangehouden", "verworpen")
ROLLS = ("previous", "next", "none")
PURPOSES = ("plan", "extension")  # a new IVP, or the raad extending the current one
DEFAULT_WARN_MONTHS = (12, 6, 3)  # before the next process must start (`clock.warn_months`)

PERIOD_PATTERN = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")
# Working days the griffie or secretariat wants the papers before a meeting, by the first word
# of the body's name, where neither the definition nor the meeting says otherwise.
DEFAULT_LEAD_TIMES = {"gemeenteraad": 15, "raadscommissie": 10, "college": 5, "gezagsdriehoek": 5,
                      "managementteam": 3}
FALLBACK_LEAD_TIME = 5
# The decision chain of a raadsvoorstel (DOMAIN.md): the college offers it, the raadscommissie
# advises on it, the gemeenteraad adopts it. A decision follows the one before it in this
# order (same phase, document and gemeente) unless the definition says `after:`.
CHAIN = ("college", "raadscommissie", "gemeenteraad")
# Working days a decision of a body comes at least after the decision it follows: the griffie
# needs the advice of the commissie (or the college's voorstel) in before it can schedule it.
DEFAULT_CHAIN_LEAD_TIMES = {"raadscommissie": 10, "gemeenteraad": 5}
FALLBACK_CHAIN_LEAD_TIME = 5

# What keeps a phase from being left, by label: 'open tasks' -> ids.
Blockers = dict[str, list[str]]


# A deadline that is the day the four-year clock says the next process must start, so that
# the item and the clock give one answer (`due: next start`).
NEXT_START = "next start"


@dataclass(frozen=True)
class Deadline:
    """A deadline as written in a definition: a date, a month, or relative to something."""

    text: str
    day: date | None = None
    month: tuple[int, int] | None = None
    amount: int = 0
    unit: str = "days"  # days | working_days | weeks | months
    anchor_kind: str = ""  # start | end (of a phase) | item | NEXT_START
    anchor: str = ""  # phase id or item id
    roll: str = "previous"

    @property
    def is_relative(self) -> bool:
        """Whether the date follows from another date in the process."""
        return bool(self.anchor_kind)


@dataclass(frozen=True)
class Item:
    """A task, decision or document of one phase."""

    kind: str
    id: str
    title: str
    phase: str
    due: Deadline | None
    required: bool
    role: str | None = None
    body: str | None = None
    municipality: str | None = None
    description: str | None = None
    document: str | None = None  # for a decision: the document its papers are
    # For a decision: what it asks the body to decide, infinitive clauses without the
    # closing ';' or '.' ("het huidige beleid te verlengen voor de jaren 2025 en 2026").
    beslispunten: tuple[str, ...] = ()
    after: str | None = None  # for a decision: the decision it follows, when stated
    # For a gemeenteraad decision: the day it extends the current plan until (`extends:`).
    extends: date | None = None
    line: int = field(default=0, compare=False)  # where it was written; not part of its value


@dataclass(frozen=True)
class Period:
    """A stretch of days with a reason: a closing period or a council recess."""

    start: date
    end: date
    why: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, eq=False)
class LocalCalendar:
    """The days and lead times of one municipality (or of the whole process)."""

    working: WorkingCalendar = DEFAULT_CALENDAR
    recess: tuple[Period, ...] = ()
    lead_times: Mapping[str, int] = field(default_factory=dict)  # body or first word -> days

    def in_recess(self, day: date) -> Period | None:
        """The recess `day` falls in, if any."""
        return next((period for period in self.recess if day in period), None)


@dataclass(frozen=True)
class Meeting:
    """A meeting of a decision body, as written in a definition or a meetings file."""

    body: str
    date: _dt.date
    papers_due: _dt.date | None = None
    shared: bool = False  # one of the store's shared meetings, not the process's own


@dataclass(frozen=True)
class MeetingSource:
    """Where `meeting sync` reads a gemeente's meetings: OpenBesluitvorming (its source
    `key`), Notubiz (its `organisation` id) or an iCalendar URL; with `mapping` from the
    calendar's names of its commissies and other bodies to the definition's bodies. A key or
    organisation left out is looked up by the gemeente's name in the source's own list."""

    municipality: str
    source: str = "openbesluitvorming"  # or "notubiz", or an http(s) URL of an .ics feed
    key: str | None = None
    organisation: int | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out, in working days, and who hears of what is overdue."""

    before: tuple[int, ...] = (10, 2)  # reminders this many working days before a deadline
    overdue_every: int = 5  # then, once overdue, again every this many working days
    escalate_after: int | None = 10  # working days overdue before the escalation
    escalate_to: str | None = None  # role that hears of it
    digest_to: str | None = None  # role that gets the weekly digest
    digest_horizon: int = 10  # working days ahead the digest looks
    draft_before: int = 10  # working days before its deadline a document's draft is made


@dataclass(frozen=True)
class Phase:
    """One step of the process; the last phase of a definition is its final state."""

    id: str
    title: str
    index: int
    due: Deadline | None
    items: tuple[Item, ...]
    final: bool = False
    description: str | None = None
    duration: int | None = None  # lead time in working days, when the definition gives one
    line: int = field(default=0, compare=False)

    def of_kind(self, kind: str) -> tuple[Item, ...]:
        """The phase's items of one kind, in definition order."""
        return tuple(item for item in self.items if item.kind == kind)


@dataclass(frozen=True, eq=False)
class Definition:
    """A validated workflow definition."""

    id: str
    title: str
    path: str
    source: str
    phases: tuple[Phase, ...]
    roles: Mapping[str, str]
    municipalities: tuple[str, ...] = ()
    description: str | None = None
    period: str | None = None
    replaces: str | None = None
    start: date | None = None
    items: Mapping[str, Item] = field(default_factory=dict)
    calendar: LocalCalendar = field(default_factory=LocalCalendar)
    local: Mapping[str, LocalCalendar] = field(default_factory=dict)  # per municipality
    meetings: tuple[Meeting, ...] = ()
    replaces_until: date | None = None  # when the plan this process replaces expires
    target: tuple[str, date] | None = None  # (phase, date) the phase must end by
    reminders: ReminderPolicy = field(default_factory=ReminderPolicy)
    chain_lead_times: Mapping[str, int] = field(default_factory=dict)  # body or word -> days
    purpose: str = "plan"  # one of PURPOSES
    warn_months: tuple[int, ...] = DEFAULT_WARN_MONTHS  # descending
    # The phase the plan is in force in after adoption, when the definition has a `cycle`.
    cycle: str | None = None
    # Per gemeente, where `meeting sync` reads its meetings (`meeting_sources`).
    meeting_sources: Mapping[str, MeetingSource] = field(default_factory=dict)
    tree: Any = field(default=None, repr=False)  # the validated data, for the compiled form

    @property
    def period_years(self) -> tuple[int, int] | None:
        """The first and last year of the IVP period the process produces."""
        match = PERIOD_PATTERN.match(self.period or "")
        return (int(match.group(1)), int(match.group(2))) if match else None

    def calendar_for(self, municipality: str | None) -> LocalCalendar:
        """The calendar of a municipality, or the process's own for shared items."""
        if municipality is None:
            return self.calendar
        return self.local.get(municipality, self.calendar)

    def lead_time(self, body: str) -> int:
        """Working days the papers are due before a meeting of `body`."""
        municipality = next((m for m in self.municipalities if body.endswith(" " + m)), None)
        word = body.split()[0].lower() if body.split() else body
        for table in (self.calendar_for(municipality).lead_times, self.calendar.lead_times):
            for key in (body, word):
                if key in table:
                    return table[key]
        return DEFAULT_LEAD_TIMES.get(word, FALLBACK_LEAD_TIME)

    def chain_lead_time(self, body: str) -> int:
        """Working days a decision of `body` comes at least after the one it follows."""
        word = body.split()[0].lower() if body.split() else body
        for key in (body, word):
            if key in self.chain_lead_times:
                return self.chain_lead_times[key]
        return DEFAULT_CHAIN_LEAD_TIMES.get(word, FALLBACK_CHAIN_LEAD_TIME)

    @cached_property
    def follows(self) -> Mapping[str, str]:
        """Decision -> the decision it follows (see `chain_follows`)."""
        return chain_follows(self.items_of_kind("decision"), self.municipalities)

    @cached_property
    def chain_order(self) -> list[Item]:
        """Every decision, each after the one it follows (definition order otherwise)."""
        ordered: dict[str, Item] = {}

        def visit(item: Item, seen: frozenset[str]) -> None:
            before = self.follows.get(item.id)
            if before is not None and before in self.items and before not in seen \
                    and before not in ordered:
                visit(self.items[before], seen | {item.id})
            ordered.setdefault(item.id, item)

        for decision in self.items_of_kind("decision"):
            visit(decision, frozenset())
        return list(ordered.values())

    def municipality_of(self, item: Item) -> str | None:
        """The gemeente of an item: its own, or the one its body names ('college Losser')."""
        return _municipality_of(item, self.municipalities)

    @cached_property
    def bodies(self) -> list[str]:
        """Every decision body named in the definition, in order of first use."""
        return list(dict.fromkeys(i.body for i in self.items.values() if i.body))

    @cached_property
    def digest(self) -> str:
        """The SHA-256 of the source text: one stored copy per distinct definition."""
        return sha256(self.source.encode()).hexdigest()

    @property
    def phase_ids(self) -> list[str]:
        """Phase ids in order, the final state last."""
        return [phase.id for phase in self.phases]

    @cached_property
    def _phases_by_id(self) -> dict[str, Phase]:
        return {phase.id: phase for phase in self.phases}

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id (KeyError if there is none)."""
        return self._phases_by_id[phase_id]

    @cached_property
    def has_relative_deadlines(self) -> bool:
        """Whether any deadline follows from another date of the process."""
        deadlines = [p.due for p in self.phases] + [i.due for i in self.items.values()]
        return any(d is not None and d.is_relative for d in deadlines)

    def items_of_kind(self, kind: str) -> list[Item]:
        """Every item of one kind, in definition order."""
        return [item for item in self.items.values() if item.kind == kind]


def chain_follows(decisions: list[Item], municipalities: tuple[str, ...]) -> dict[str, str]:
    """Decision -> the decision it follows: its `after:`, else the one before it in the chain
    college -> raadscommissie -> gemeenteraad on the same phase, document and gemeente."""
    found: dict[str, str] = {}
    for decision in decisions:
        if decision.after:
            found[decision.id] = decision.after
            continue
        rank = _chain_rank(decision.body)
        if rank <= 0:
            continue
        gemeente = _municipality_of(decision, municipalities)
        before = [other for other in decisions
                  if 0 <= _chain_rank(other.body) < rank and other.phase == decision.phase
                  and other.document == decision.document
                  and _municipality_of(other, municipalities) == gemeente]
        if before:
            found[decision.id] = max(before, key=lambda d: _chain_rank(d.body)).id
    return found


def _municipality_of(item: Item, municipalities: tuple[str, ...]) -> str | None:
    if item.municipality is not None:
        return item.municipality
    return next((m for m in municipalities if (item.body or "").endswith(" " + m)), None)


def _chain_rank(body: str | None) -> int:
    """A body's place in the decision chain (0 college, 1 commissie, 2 raad), -1 outside it."""
    word = (body or "").split()[0].lower() if (body or "").split() else ""
    return CHAIN.index(word) if word in CHAIN else -1


def slug(text: str) -> str:
    """A lower-case ASCII id part for a name ('Súdwest-Fryslân' -> 'sudwest-fryslan')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
