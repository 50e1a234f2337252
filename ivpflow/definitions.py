"""Workflow definitions: loading, validating and resolving the deadlines of `workflows/*.yaml`."""

from __future__ import annotations

import calendar as _stdcal
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from hashlib import sha256
from pathlib import Path
from typing import Any

from .calendar import DEFAULT_CALENDAR, WorkingCalendar
from .errors import DefinitionError, UnknownWorkflowError
from .yamlsource import INVALID, LDict, LList

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "workflows"
KINDS = ("task", "decision", "document")
POSITIVE_OUTCOMES = ("vastgesteld", "gewijzigd-vastgesteld")
OUTCOMES = (*POSITIVE_OUTCOMES, "aangehouden", "verworpen")
ROLLS = ("previous", "next", "none")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RELATIVE = re.compile(
    r"^(?P<n>\d+)\s+(?P<unit>working\s+days?|days?|weeks?|months?)\s+"
    r"(?P<dir>after|before)\s+(?P<anchor>.+)$",
    re.IGNORECASE,
)
_ANCHOR = re.compile(r"^(?P<edge>start|end)(?:\s+of\s+(?P<phase>\S+))?$", re.IGNORECASE)
_TOP_KEYS = {"id", "title", "description", "period", "replaces", "start", "municipalities",
             "roles", "phases"}
_PHASE_KEYS = {"id", "title", "description", "due", "final", "roll", "tasks", "decisions",
               "documents"}
_ITEM_KEYS = {
    "task": {"id", "title", "role", "due", "required", "roll", "description", "per_municipality"},
    "decision": {"id", "title", "body", "role", "due", "required", "roll", "description",
                 "per_municipality"},
    "document": {"id", "title", "role", "due", "required", "roll", "description",
                 "per_municipality"},
}
_DEFAULT_REQUIRED = {"task": True, "decision": True, "document": False}


@dataclass(frozen=True)
class Deadline:
    """A deadline as written in a definition: a date, a month, or relative to something."""

    text: str
    day: date | None = None
    month: tuple[int, int] | None = None
    amount: int = 0
    unit: str = "days"  # days | working_days | weeks | months
    anchor_kind: str = ""  # start | end (of a phase) | item
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
    line: int = 0


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
    line: int = 0

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

    def items_of_kind(self, kind: str) -> list[Item]:
        """Every item of one kind, in definition order."""
        return [item for item in self.items.values() if item.kind == kind]


# --------------------------------------------------------------------------- loading


def load_definition(path: str | os.PathLike[str]) -> Definition:
    """Read and validate one definition file; DefinitionError lists every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([f"{file}: cannot read: {exc}"]) from None
    return parse_definition(text, str(file))


def parse_definition(text: str, path: str = "<definition>") -> Definition:
    """Validate definition text; DefinitionError lists every problem as 'FILE:LINE: message'."""
    return _Parser(text, path).parse()


def check_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Every problem in the given definition files, as 'FILE:LINE: message' lines."""
    problems: list[str] = []
    for path in paths:
        try:
            load_definition(path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    return problems


def definition_paths(extra: str | None = None) -> dict[str, Path]:
    """The available definition files by id: shipped ones, then IVPFLOW_WORKFLOWS entries."""
    files = sorted(SHIPPED_DIR.glob("*.yaml"))
    for entry in (extra or "").split(os.pathsep):
        if not entry:
            continue
        where = Path(entry).expanduser()
        files.extend(sorted(where.glob("*.y*ml")) if where.is_dir() else [where])
    found: dict[str, Path] = {}
    for file in files:
        found[_peek_id(file)] = file
    return found


def _peek_id(file: Path) -> str:
    """The definition's id without validating the whole file (the file name if unreadable)."""
    try:
        with file.open(encoding="utf-8") as handle:
            for line in handle:
                match = re.match(r"^id:\s*['\"]?([^'\"#\s]+)", line)
                if match:
                    return match.group(1)
    except OSError:
        pass
    return file.stem


def find_definition(workflow: str, extra: str | None = None) -> Definition:
    """Load the available definition with this id."""
    paths = definition_paths(extra)
    if workflow not in paths:
        raise UnknownWorkflowError(workflow, paths)
    return load_definition(paths[workflow])


def slug(text: str) -> str:
    """A lower-case ASCII id part for a name ('Súdwest-Fryslân' -> 'sudwest-fryslan')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class _Parser:
    """One pass over a definition's YAML that collects every problem before giving up."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.problems: list[tuple[int, str]] = []
        # Ids of per-municipality items before expansion, for a hint when one is an anchor.
        self.groups: set[str] = set()
        # A `final:` that could not be read is reported once, not again as a missing final.
        self.final_unreadable = False

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def fail(self) -> DefinitionError:
        ordered = sorted(set(self.problems))
        return DefinitionError(f"{self.path}:{line}: {message}" for line, message in ordered)

    def parse(self) -> Definition:
        from .yamlsource import load_yaml

        data = load_yaml(self.text, self.problems)
        if self.problems and not isinstance(data, LDict):
            raise self.fail()
        if not isinstance(data, LDict):
            self.problem(1, "a definition is a mapping with id, title, roles and phases")
            raise self.fail()
        self.unknown_keys(data, _TOP_KEYS, "definition")
        def_id = self.ident(data, "id", "definition")
        title = self.string(data, "title", required=True)
        roles = self.roles(data)
        municipalities = self.municipalities(data)
        start = data.get("start")
        if start is not None and not (isinstance(start, date) and not isinstance(start, datetime)):
            self.problem(data.line_of("start"), f"start must be a date (YYYY-MM-DD), not '{start}'")
            start = None
        phases_raw = data.get("phases")
        if not isinstance(phases_raw, LList) or not phases_raw:
            self.problem(data.line_of("phases"), "phases must be a non-empty list")
            raise self.fail()
        phases: list[Phase] = []
        for raw, line in zip(phases_raw, phases_raw.item_lines, strict=True):
            if not isinstance(raw, LDict):
                self.problem(line, "each phase is a mapping with id and title")
                continue
            phase = self.phase(raw, len(phases), roles, municipalities)
            if phase is not None:
                phases.append(phase)
        if not self.final_unreadable:
            self.check_final(phases, phases_raw)
        items = self.unique_ids(phases)
        self.check_references(phases, items)
        description, period, replaces = (self.string(data, key)
                                         for key in ("description", "period", "replaces"))
        if self.problems:
            raise self.fail()
        return Definition(
            id=def_id or "",
            title=title or "",
            path=self.path,
            source=self.text,
            phases=tuple(phases),
            roles=roles,
            municipalities=tuple(municipalities),
            description=description,
            period=period,
            replaces=replaces,
            start=start,
            items=items,
        )

    # -- small readers

    def unknown_keys(self, data: LDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(data.line_of(key), f"unknown key '{key}' in {what}; allowed: "
                                                f"{', '.join(sorted(allowed))}")

    def string(self, data: LDict, key: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is INVALID:
            return None
        if value is None:
            if required:
                self.problem(data.line, f"missing '{key}'")
            return None
        if isinstance(value, (LDict, LList)) or isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' must be text")
            return None
        return str(value)

    def ident(self, data: LDict, key: str, what: str) -> str | None:
        value = self.string(data, key, required=True)
        if value is not None and not _ID.match(value):
            # Reported, but kept, so the rest of the definition is still checked with it.
            self.problem(data.line_of(key), f"{what} id '{value}' must be lower-case letters, "
                                            "digits and '-'")
        return value

    def flag(self, data: LDict, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if value is INVALID:
            return default
        if not isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' must be true or false, not '{value}'")
            return default
        return value

    def roles(self, data: LDict) -> dict[str, str]:
        raw = data.get("roles")
        if not isinstance(raw, LDict) or not raw:
            self.problem(data.line_of("roles"), "roles must be a mapping of role id to title")
            return {}
        roles: dict[str, str] = {}
        for role_id, title in raw.items():
            if not _ID.match(role_id):
                self.problem(raw.line_of(role_id), f"role id '{role_id}' must be lower-case "
                                                   "letters, digits and '-'")
            if isinstance(title, LDict):
                title = title.get("title", role_id)
            roles[role_id] = str(title if title is not None else role_id)
        return roles

    def municipalities(self, data: LDict) -> list[str]:
        raw = data.get("municipalities", [])
        if not isinstance(raw, list) or not all(isinstance(m, str) and m for m in raw):
            self.problem(data.line_of("municipalities"), "municipalities must be a list of names")
            return []
        seen: set[str] = set()
        for name, line in zip(raw, getattr(raw, "item_lines", []), strict=False):
            if slug(name) in seen:
                self.problem(line, f"municipality '{name}' is listed twice")
            seen.add(slug(name))
        return [str(m) for m in raw]

    def deadline(self, data: LDict, key: str, own_phase: str) -> Deadline | None:
        value = data.get(key)
        line = data.line_of(key)
        raw_roll = data.get("roll", "previous")
        roll = "previous" if raw_roll is INVALID else str(raw_roll)
        if roll not in ROLLS:
            self.problem(data.line_of("roll"), f"roll must be one of {', '.join(ROLLS)}, "
                                               f"not '{roll}'")
            roll = "previous"
        if value is None or value is INVALID:
            return None
        if isinstance(value, datetime):
            self.problem(line, f"deadline '{value}' must be a date without a time")
            return None
        if isinstance(value, date):
            return Deadline(text=value.isoformat(), day=value, roll=roll)
        if not isinstance(value, str):
            self.problem(line, f"deadline '{value}' is not a date, a month or a relative "
                               "deadline")
            return None
        text = " ".join(value.split())
        month = _MONTH.match(text)
        if month:
            year, mon = int(month.group(1)), int(month.group(2))
            if not 1 <= mon <= 12:
                self.problem(line, f"month '{text}' does not exist")
                return None
            return Deadline(text=text, month=(year, mon), roll=roll)
        edge = _ANCHOR.match(text)
        if edge:
            return Deadline(text=text, anchor_kind=edge.group("edge").lower(),
                            anchor=edge.group("phase") or own_phase, roll=roll)
        rel = _RELATIVE.match(text)
        if not rel:
            self.problem(line, f"deadline '{text}' not understood; write a date (2026-06-30), "
                               "a month (2026-06) or e.g. '6 weeks after start of analyse', "
                               "'10 working days before vaststelling'")
            return None
        unit = rel.group("unit").lower().split()
        unit_name = "working_days" if unit[0] == "working" else unit[0].rstrip("s") + "s"
        sign = 1 if rel.group("dir").lower() == "after" else -1
        anchor_text = rel.group("anchor").strip()
        edge = _ANCHOR.match(anchor_text)
        if edge:
            kind = edge.group("edge").lower()
            target = edge.group("phase") or own_phase
        else:
            kind, target = "item", anchor_text
        return Deadline(text=text, amount=sign * int(rel.group("n")), unit=unit_name,
                        anchor_kind=kind, anchor=target, roll=roll)

    # -- structure

    def phase(self, raw: LDict, index: int, roles: Mapping[str, str],
              municipalities: list[str]) -> Phase | None:
        self.unknown_keys(raw, _PHASE_KEYS, "phase")
        phase_id = self.ident(raw, "id", "phase")
        if phase_id is None:
            return None
        if raw.get("final") is INVALID:
            self.final_unreadable = True
        final = self.flag(raw, "final", False)
        items: list[Item] = []
        for kind in KINDS:
            entries = raw.get(kind + "s")
            if entries is None:
                continue
            if not isinstance(entries, LList):
                self.problem(raw.line_of(kind + "s"), f"{kind}s must be a list")
                continue
            for entry, line in zip(entries, entries.item_lines, strict=True):
                if not isinstance(entry, LDict):
                    self.problem(line, f"each {kind} is a mapping with id and title")
                    continue
                items.extend(self.item(kind, entry, phase_id, roles, municipalities))
        if final and (items or raw.get("due") is not None):
            self.problem(raw.line, f"final phase '{phase_id}' cannot have a deadline or items")
        return Phase(
            id=phase_id,
            title=self.string(raw, "title", required=True) or phase_id,
            index=index,
            due=self.deadline(raw, "due", phase_id),
            items=tuple(items),
            final=final,
            description=self.string(raw, "description"),
            line=raw.line,
        )

    def item(self, kind: str, raw: LDict, phase_id: str, roles: Mapping[str, str],
             municipalities: list[str]) -> list[Item]:
        self.unknown_keys(raw, _ITEM_KEYS[kind], kind)
        item_id = self.ident(raw, "id", kind)
        title = self.string(raw, "title", required=kind != "decision")
        body = self.string(raw, "body", required=kind == "decision")
        role = self.string(raw, "role", required=kind == "task")
        if role is not None and roles and role not in roles:
            self.problem(raw.line_of("role"), f"unknown role '{role}'; roles: "
                                              f"{', '.join(roles)}")
        if item_id is None:
            return []
        base = Item(
            kind=kind,
            id=item_id,
            title=title or body or item_id,
            phase=phase_id,
            due=self.deadline(raw, "due", phase_id),
            required=self.flag(raw, "required", _DEFAULT_REQUIRED[kind]),
            role=role,
            body=body,
            description=self.string(raw, "description"),
            line=raw.line,
        )
        if not self.flag(raw, "per_municipality", False):
            return [base]
        self.groups.add(item_id)
        if not municipalities:
            self.problem(raw.line_of("per_municipality"),
                         "per_municipality needs a list of municipalities in the definition")
            return []
        if "{municipality}" not in (base.body or base.title):
            self.problem(raw.line_of("per_municipality"),
                         f"per_municipality {kind} '{item_id}' must name {{municipality}} in "
                         f"its {'body' if kind == 'decision' else 'title'}")
        return [
            Item(
                kind=kind,
                id=f"{item_id}-{slug(name)}",
                title=base.title.replace("{municipality}", name),
                phase=phase_id,
                due=base.due,
                required=base.required,
                role=base.role,
                body=base.body.replace("{municipality}", name) if base.body else None,
                municipality=name,
                description=base.description,
                line=base.line,
            )
            for name in municipalities
        ]

    def check_final(self, phases: list[Phase], raw: LList) -> None:
        finals = [p for p in phases if p.final]
        if len(phases) < 2:
            self.problem(raw.line, "a definition needs at least one phase and a final state")
        elif not finals:
            self.problem(raw.line, "the last phase must be the final state ('final: true')")
        elif len(finals) > 1 or not phases[-1].final:
            self.problem(finals[0].line, f"only the last phase may be final, not "
                                         f"'{finals[0].id}'")

    def unique_ids(self, phases: list[Phase]) -> dict[str, Item]:
        # Phases and items are named in different places (advance --to, done), so an item
        # may share its id with a phase ("ivp"), but not with another item.
        seen_phases: dict[str, int] = {}
        seen_items: dict[str, int] = {}
        items: dict[str, Item] = {}
        for phase in phases:
            if phase.id in seen_phases:
                self.problem(phase.line, f"duplicate phase id '{phase.id}' (first on line "
                                         f"{seen_phases[phase.id]})")
            seen_phases.setdefault(phase.id, phase.line)
            for item in phase.items:
                if item.id in seen_items:
                    self.problem(item.line, f"duplicate id '{item.id}' (first on line "
                                            f"{seen_items[item.id]})")
                seen_items.setdefault(item.id, item.line)
                items.setdefault(item.id, item)
        return items

    def check_references(self, phases: list[Phase], items: dict[str, Item]) -> None:
        """Every anchor must exist, and relative deadlines must not form a cycle."""
        phase_ids = [p.id for p in phases]
        graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
        lines: dict[tuple[str, str], int] = {}

        def anchor_node(deadline: Deadline, line: int) -> tuple[str, str] | None:
            if deadline.anchor_kind in ("start", "end"):
                if deadline.anchor not in phase_ids:
                    self.problem(line, f"deadline '{deadline.text}' names unknown phase "
                                       f"'{deadline.anchor}'; phases: {', '.join(phase_ids)}")
                    return None
                return (deadline.anchor_kind, deadline.anchor)
            if deadline.anchor not in items:
                hint = (f"; it is per municipality, name one such as "
                        f"'{deadline.anchor}-…'" if deadline.anchor in self.groups else "")
                self.problem(line, f"deadline '{deadline.text}' names unknown item or phase "
                                   f"'{deadline.anchor}'{hint}")
                return None
            return ("item", deadline.anchor)

        for index, phase in enumerate(phases):
            start_deps = [("end", phases[index - 1].id)] if index else []
            if index and phases[index - 1].due is None:
                # Without a deadline of its own, the phase before may end up with none, and
                # then this phase starts when that one started (see resolve_deadlines).
                start_deps.append(("start", phases[index - 1].id))
            graph[("start", phase.id)] = start_deps
            lines[("start", phase.id)] = phase.line
            end_node = ("end", phase.id)
            lines[end_node] = phase.line
            if phase.due is not None and phase.due.is_relative:
                node = anchor_node(phase.due, phase.line)
                graph[end_node] = [node] if node else []
            elif phase.due is None:
                graph[end_node] = [("item", item.id) for item in phase.items]
            else:
                graph[end_node] = []
            for item in phase.items:
                key = ("item", item.id)
                lines[key] = item.line
                node = (anchor_node(item.due, item.line)
                        if item.due is not None and item.due.is_relative else None)
                graph[key] = [node] if node else []
        cycle = _find_cycle(graph)
        if cycle:
            names = " -> ".join(_node_name(node) for node in cycle)
            self.problem(lines.get(cycle[0], 1), f"relative deadlines form a cycle: {names}")


def _node_name(node: tuple[str, str]) -> str:
    kind, ident = node
    return ident if kind == "item" else f"{kind} of {ident}"


def _find_cycle(graph: Mapping[tuple[str, str], list[tuple[str, str]]]) -> list[Any] | None:
    """One cycle in a dependency graph, as the path around it, or None."""
    state: dict[tuple[str, str], int] = {}
    path: list[tuple[str, str]] = []

    def visit(node: tuple[str, str]) -> list[Any] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


# --------------------------------------------------------------------------- compiled form

COMPILED_FORMAT = 1


def compile_definition(definition: Definition) -> str:
    """The validated definition as JSON, so reading a process needs no YAML parsing."""
    def deadline(d: Deadline | None) -> dict[str, Any] | None:
        if d is None:
            return None
        return {"text": d.text, "day": d.day.isoformat() if d.day else None,
                "month": list(d.month) if d.month else None, "amount": d.amount,
                "unit": d.unit, "anchor_kind": d.anchor_kind, "anchor": d.anchor,
                "roll": d.roll}

    def item(i: Item) -> dict[str, Any]:
        return {"kind": i.kind, "id": i.id, "title": i.title, "phase": i.phase,
                "due": deadline(i.due), "required": i.required, "role": i.role, "body": i.body,
                "municipality": i.municipality, "description": i.description, "line": i.line}

    return json.dumps({
        "format": COMPILED_FORMAT, "id": definition.id, "title": definition.title,
        "path": definition.path, "roles": dict(definition.roles),
        "municipalities": list(definition.municipalities),
        "description": definition.description, "period": definition.period,
        "replaces": definition.replaces,
        "start": definition.start.isoformat() if definition.start else None,
        "phases": [{"id": p.id, "title": p.title, "index": p.index, "due": deadline(p.due),
                    "final": p.final, "description": p.description, "line": p.line,
                    "items": [item(i) for i in p.items]} for p in definition.phases],
    }, ensure_ascii=False)


def load_compiled(compiled: str, source: str) -> Definition:
    """A definition from its compiled JSON (and its source text, kept for its digest)."""
    data = json.loads(compiled)
    if data.get("format") != COMPILED_FORMAT:
        raise ValueError(f"compiled definition format {data.get('format')} is not supported")

    def deadline(d: dict[str, Any] | None) -> Deadline | None:
        if d is None:
            return None
        return Deadline(text=d["text"], day=date.fromisoformat(d["day"]) if d["day"] else None,
                        month=(d["month"][0], d["month"][1]) if d["month"] else None,
                        amount=d["amount"], unit=d["unit"], anchor_kind=d["anchor_kind"],
                        anchor=d["anchor"], roll=d["roll"])

    phases = tuple(
        Phase(id=p["id"], title=p["title"], index=p["index"], due=deadline(p["due"]),
              final=p["final"], description=p["description"], line=p["line"],
              items=tuple(Item(**{**i, "due": deadline(i["due"])}) for i in p["items"]))
        for p in data["phases"]
    )
    return Definition(
        id=data["id"], title=data["title"], path=data["path"], source=source, phases=phases,
        roles=data["roles"], municipalities=tuple(data["municipalities"]),
        description=data["description"], period=data["period"], replaces=data["replaces"],
        start=date.fromisoformat(data["start"]) if data["start"] else None,
        items={item.id: item for phase in phases for item in phase.items},
    )


# --------------------------------------------------------------------------- deadlines


def resolve_deadlines(
    definition: Definition,
    start: date,
    *,
    started: Mapping[str, date] | None = None,
    completed: Mapping[str, date] | None = None,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> tuple[dict[str, date | None], dict[str, date | None], dict[str, date]]:
    """The due date of every phase and item, and each phase's (actual or planned) start.

    A phase starts when it actually started; otherwise when the phase before it was completed,
    or else on that phase's deadline. Relative deadlines count from those starts and from the
    deadlines of the items they name.
    """
    started = started or {}
    completed = completed or {}
    phase_due: dict[str, date | None] = {}
    item_due: dict[str, date | None] = {}
    phase_start: dict[str, date] = {}

    def start_of(index: int) -> date:
        phase = definition.phases[index]
        if phase.id not in phase_start:
            if phase.id in started:
                value = started[phase.id]
            elif index == 0:
                value = start
            else:
                previous = definition.phases[index - 1]
                value = (completed.get(previous.id) or due_of_phase(index - 1)
                         or start_of(index - 1))
            phase_start[phase.id] = value
        return phase_start[phase.id]

    def due_of_phase(index: int) -> date | None:
        phase = definition.phases[index]
        if phase.id not in phase_due:
            if phase.due is not None:
                phase_due[phase.id] = evaluate(phase.due)
            else:
                dues = [d for d in (due_of_item(item.id) for item in phase.items) if d]
                phase_due[phase.id] = max(dues) if dues else None
        return phase_due[phase.id]

    def due_of_item(item_id: str) -> date | None:
        if item_id not in item_due:
            deadline = definition.items[item_id].due
            item_due[item_id] = evaluate(deadline) if deadline is not None else None
        return item_due[item_id]

    def evaluate(deadline: Deadline) -> date | None:
        if deadline.day is not None:
            return _roll(deadline.day, deadline.roll, calendar)
        if deadline.month is not None:
            year, month = deadline.month
            return calendar.last_working_day_of_month(year, month)
        if deadline.anchor_kind == "item":
            base = due_of_item(deadline.anchor)
        else:
            index = definition.phase_ids.index(deadline.anchor)
            base = start_of(index) if deadline.anchor_kind == "start" else due_of_phase(index)
        if base is None:
            return None
        return shift(base, deadline.amount, deadline.unit, deadline.roll, calendar)

    for index, phase in enumerate(definition.phases):
        start_of(index)
        due_of_phase(index)
        for item in phase.items:
            due_of_item(item.id)
    return phase_due, item_due, phase_start


def shift(base: date, amount: int, unit: str, roll: str = "previous",
          calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    """Move a date by an amount of days, working days, weeks or months, then roll it."""
    if unit == "working_days":
        return calendar.add_working_days(base, amount)
    if unit == "weeks":
        moved = base + timedelta(weeks=amount)
    elif unit == "months":
        month_index = base.year * 12 + base.month - 1 + amount
        year, month = divmod(month_index, 12)
        last = _stdcal.monthrange(year, month + 1)[1]
        moved = date(year, month + 1, min(base.day, last))
    else:
        moved = base + timedelta(days=amount)
    return _roll(moved, roll, calendar)


def _roll(day: date, roll: str, calendar: WorkingCalendar) -> date:
    if roll == "next":
        return calendar.next_working_day(day)
    if roll == "previous":
        return calendar.previous_working_day(day)
    return day
