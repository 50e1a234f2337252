"""Drafts of the documents a process produces, in the Dutch municipal formats.

Data flows one way: the process and its content become plain data (`document_context`), the
Markdown template of the document type turns that into a draft (shipped, or a municipality's
own from IVPFLOW_TEMPLATES, sandboxed), and Word and HTML are built from that same Markdown
(`markup`). So a municipality that changes a template changes every format. Each rendered
file is kept as a version under `<store>/drafts/<process>/` and recorded in the database with
its SHA-256; rendering unchanged data again writes nothing.

Nothing in a draft depends on the moment it is rendered, only on the process's data: that is
what makes "unchanged" decidable and the scheduler's drafting idempotent.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from .content import content_of
from .dates import to_utc_naive
from .documents import rendering as templates
from .documents.markup import FORMATS, convert
from .documents.rendering import placeholder
from .errors import InvalidValueError
from .processes import _record, definition_of, load_process
from .store import Store
from .store.models import Draft, ItemState, PhaseState, Process
from .workflow.model import POSITIVE_OUTCOMES, Definition, Item, slug
from .workflow.veiligheidsvelden import VELDEN, ZORG_EN_VEILIGHEID, professionals_for

# The formats the scheduler drafts when a document falls due: what people edit and read.
DUE_FORMATS = ("md", "docx")
# A document falls due for drafting this many working days before its deadline. To become a
# definition key (e.g. `reminders.draft_before`); until then the same for every process.
DRAFT_LEAD_WORKING_DAYS = 10  # the default of a definition's reminders.draft_before
MAX_DRAFT_BEFORE = 60  # the most reminders.draft_before may be
DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class DocumentType:
    """A kind of document with its own template: documents/<name>.md.j2."""

    name: str
    title: str
    per_council: bool = False  # a letter or proposal of one municipality's college or raad


DOCUMENT_TYPES: dict[str, DocumentType] = {t.name: t for t in (
    DocumentType("startnotitie", "Startnotitie"),
    DocumentType("raadsinformatiebrief", "Raadsinformatiebrief", per_council=True),
    DocumentType("raadsvoorstel", "Raadsvoorstel", per_council=True),
    DocumentType("collegevoorstel", "Collegevoorstel", per_council=True),
    DocumentType("uitnodiging-themabijeenkomst", "Uitnodiging themabijeenkomst",
                 per_council=True),
    DocumentType("veiligheidsanalyse", "Veiligheidsanalyse"),
    DocumentType("prioriteringsnotitie", "Prioriteringsnotitie"),
    DocumentType("ivp", "Integraal Veiligheidsplan"),
    DocumentType("uitvoeringsplan", "Uitvoeringsplan"),
)}


@dataclass(frozen=True)
class Target:
    """One draft to render: a document of the definition (or a type on demand), for one
    municipality where the document is one municipality's."""

    key: str  # names the files and the versions: the document id, '-<gemeente>' when split
    document: str  # the definition's document id, or the type name on demand
    type: DocumentType
    title: str
    municipality: str | None
    item: Item | None


@dataclass(frozen=True)
class DraftFile:
    """A rendered draft file and its recorded version."""

    path: Path
    key: str
    format: str
    version: int
    new: bool  # False when the data was unchanged and the existing version stands


@dataclass(frozen=True)
class DueDraft:
    """A document that falls due for drafting: open, its deadline near or past."""

    process: str
    document: str
    due: date
    draft_from: date


class UnknownDocumentError(InvalidValueError):
    """The process has no document, and ivpflow no document type, of this name."""


# --------------------------------------------------------------------------- what to draft


def document_type(document_id: str) -> DocumentType | None:
    """The type of a document id: the type of that name, or the longest type it starts with
    ('raadsvoorstel-ivp-losser' → raadsvoorstel)."""
    if document_id in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[document_id]
    matches = [t for t in DOCUMENT_TYPES.values() if document_id.startswith(t.name + "-")]
    return max(matches, key=lambda t: len(t.name)) if matches else None


def _template_name(target: Target) -> str:
    # A municipality's own template for one document id wins over the type's.
    own = f"documents/{target.document}.md.j2"
    return own if templates.exists(own) else f"documents/{target.type.name}.md.j2"


def _municipality_of(definition: Definition, body: str | None) -> str | None:
    if not body:
        return None
    return next((m for m in definition.municipalities if body.endswith(" " + m)), None)


def _deciders(definition: Definition, document_id: str) -> list[Item]:
    """The decisions whose papers the document is."""
    return [i for i in definition.items_of_kind("decision") if i.document == document_id]


def targets(definition: Definition, process: Process, document: str | None) -> list[Target]:
    """The drafts a `draft` request names: a document id, a per-municipality group, a type
    name, or (None) every document of the process's current phase."""
    documents = definition.items_of_kind("document")
    if document is None:
        chosen = [i for i in documents if i.phase == process.phase]
        if not chosen:
            raise UnknownDocumentError(
                f"Phase '{process.phase}' of '{process.id}' has no documents; name one or a "
                f"type: {', '.join(DOCUMENT_TYPES)}")
        return [t for item in chosen for t in _item_targets(definition, item)]
    by_id = {i.id: i for i in documents}
    if document in by_id:
        return _item_targets(definition, by_id[document])
    group = [i for i in documents
             if i.municipality and i.id == f"{document}-{slug(i.municipality)}"]
    if group:
        return [t for item in group for t in _item_targets(definition, item)]
    if document in DOCUMENT_TYPES:
        kind = DOCUMENT_TYPES[document]
        return _split(kind, document, f"{kind.title} {definition.title}", None,
                      list(definition.municipalities) if kind.per_council else [])
    raise UnknownDocumentError(
        f"Process '{process.id}' has no document '{document}'; documents: "
        f"{', '.join(by_id) or 'none'}; document types: {', '.join(DOCUMENT_TYPES)}")


def _item_targets(definition: Definition, item: Item) -> list[Target]:
    kind = document_type(item.id)
    if kind is None:
        if not templates.exists(f"documents/{item.id}.md.j2"):
            raise UnknownDocumentError(
                f"Document '{item.id}' has no template: its id does not start with a "
                f"document type ({', '.join(DOCUMENT_TYPES)}); add documents/{item.id}.md.j2 "
                "to IVPFLOW_TEMPLATES")
        kind = DocumentType(item.id, item.title)
    if item.municipality or not kind.per_council:
        return _split(kind, item.id, item.title, item,
                      [item.municipality] if item.municipality else [])
    deciding = [m for d in _deciders(definition, item.id)
                if (m := d.municipality or _municipality_of(definition, d.body))]
    councils = list(dict.fromkeys(deciding)) or list(definition.municipalities)
    return _split(kind, item.id, item.title, item, councils)


def _split(kind: DocumentType, document: str, title: str, item: Item | None,
           municipalities: list[str]) -> list[Target]:
    """One target, or one per municipality when the document is several councils'."""
    if len(municipalities) <= 1:
        return [Target(document, document, kind, title,
                       municipalities[0] if municipalities else None, item)]
    return [Target(f"{document}-{slug(m)}", document, kind, f"{title} ({m})", m, item)
            for m in municipalities]


# --------------------------------------------------------------------------- the data


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() \
        else text


class _Context:
    """Builds the plain data of one draft from a loaded process."""

    def __init__(self, session: Session, process: Process, definition: Definition) -> None:
        self.process = process
        self.definition = definition
        self.content = content_of(session, process.id)
        self.values = {(v["key"], v["municipality"]): v["value"] for v in self.content["values"]}
        self.items = {state.item_id: state for state in process.items}
        self.phase_states = {state.phase: state for state in process.phases}

    def value(self, key: str, municipality: str | None) -> str | None:
        return self.values.get((key, municipality)) or self.values.get((key, None))

    def filled(self, key: str, municipality: str | None, what: str) -> str:
        return self.value(key, municipality) or placeholder(what)

    def people(self, role: str) -> list[dict[str, str]]:
        return [{"name": a.name, "email": a.email} for a in self.process.assignments
                if a.role == role]

    def portefeuillehouder(self, municipality: str | None) -> str:
        named = self.value("portefeuillehouder", municipality)
        if named:
            return named
        names = [p["name"] for p in self.people("portefeuillehouder")]
        if len(names) == 1 or (names and municipality is None):
            return templates.enumerate_nl(names)
        where = f" van {municipality}" if municipality else ""
        hint = f" (een van: {', '.join(names)})" if names else ""
        return placeholder(f"portefeuillehouder{where}{hint}")

    def decision(self, item: Item) -> dict[str, Any]:
        state = self.items[item.id]
        return {"id": item.id, "title": item.title, "body": item.body,
                "municipality": item.municipality or _municipality_of(self.definition,
                                                                      item.body),
                "phase": item.phase, "due": state.due, "outcome": state.outcome,
                "date": state.decided_on, "note": state.note,
                "taken": state.outcome in POSITIVE_OUTCOMES}

    def concerns(self, item: Item, municipality: str | None) -> bool:
        """Whether an item belongs in the planning of a municipality's document."""
        own = item.municipality or _municipality_of(self.definition, item.body)
        return municipality is None or own is None or own == municipality

    def planning(self, from_phase: str, municipality: str | None) -> list[dict[str, Any]]:
        """The phases from one on and their decisions, by deadline: the 'Vervolg' table."""
        start = self.definition.phase(from_phase).index
        rows: list[tuple[date, int, str, str | None]] = []
        order = 0
        for phase in self.definition.phases[start:]:
            if phase.final:
                break
            due = self.phase_states[phase.id].due
            if due:
                rows.append((due, order, f"Fase {phase.title}"
                             + (f": {phase.description}" if phase.description else ""), None))
                order += 1
            for item in phase.of_kind("decision"):
                state = self.items[item.id]
                if state.due and self.concerns(item, municipality):
                    rows.append((state.due, order, item.title, item.body))
                    order += 1
        return [{"date": day, "what": what, "body": body}
                for day, _, what, body in sorted(rows, key=lambda r: (r[0], r[1]))]

    def meeting_after(self, body: str | None, day: date | None) -> date | None:
        """The first known meeting of a body on or after a day."""
        dates = sorted(m.date for m in self.process.meetings if m.body == body
                       and (day is None or m.date >= day))
        return dates[0] if dates else None

    def priorities(self) -> list[dict[str, Any]]:
        indicators = self.content["indicators"]
        actions = self.content["actions"]
        rows = []
        for priority in self.content["priorities"]:
            rows.append({
                **priority,
                "rationale": priority["rationale"] or placeholder(
                    f"aanleiding en doelen van prioriteit {priority['title']}"),
                "indicators": [i for i in indicators if i["priority"] == priority["id"]],
                "actions": [a for a in actions if a["priority"] == priority["id"]],
                "professionals": professionals_for(priority["veld"], priority["theme"]),
                "partners": list(dict.fromkeys(
                    p for a in actions if a["priority"] == priority["id"]
                    for p in ([a["trekker"]] if a["trekker"] else [])
                    + _names(a["betrokkenen"]))),
            })
        return rows

    def velden(self, priorities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The five velden with their priorities and indicators (the analysis per veld)."""
        rows = []
        for veld in VELDEN:
            own = [p for p in priorities if p["veld"] == veld.nummer]
            indicators = [i for i in self.content["indicators"] if i["veld"] == veld.nummer]
            indicators += [i for p in own for i in p["indicators"]]
            years = sorted({i["baseline_year"] for i in indicators if i["baseline_year"]})
            rows.append({**veld.as_data(), "priorities": own, "indicators": indicators,
                         "years": years})
        return rows

    def build(self, target: Target) -> dict[str, Any]:
        process, definition = self.process, self.definition
        municipality = target.municipality
        municipalities = list(definition.municipalities)
        gemeente = municipality or (municipalities[0] if len(municipalities) == 1 else None) \
            or self.value("gemeente", None)
        item = target.item
        phase = definition.phase(item.phase if item else process.phase)
        state = self.items[item.id] if item else None
        decisions = [self.decision(i) for i in definition.items_of_kind("decision")]
        priorities = self.priorities()
        actions = [{**a, "priority_title": next((p["title"] for p in priorities
                                                 if p["id"] == a["priority"]), None)}
                   for a in self.content["actions"]]
        raden = self.councils(target, phase.id, decisions)
        college = next((d for d in decisions if item and d["id"] in
                        {i.id for i in _deciders(definition, item.id)}
                        and (d["body"] or "").startswith("college")
                        and d["municipality"] in (municipality, None)), None)
        coordinator = self.people("coordinator")
        return {
            "document": {"id": target.document, "key": target.key, "type": target.type.name,
                         "title": target.title, "municipality": municipality,
                         "phase": phase.id, "phase_title": phase.title,
                         "due": state.due if state else None},
            "process": {"id": process.id, "title": definition.title,
                        "workflow": process.workflow, "description": definition.description,
                        "period": definition.period or placeholder("looptijd"),
                        "start": process.start_date, "phase": process.phase,
                        "phase_title": definition.phase(process.phase).title,
                        "replaces": definition.replaces,
                        "replaces_until": definition.replaces_until},
            "gemeente": gemeente or placeholder("gemeente"),
            "gemeenten": municipalities or [gemeente or placeholder("gemeente")],
            "onderwerp": _subject(target),
            "zaaknummer": self.filled("zaaknummer", municipality, "zaaknummer"),
            "documentnummer": self.filled("documentnummer", municipality, "documentnummer"),
            "agendapunt": self.filled("agendapunt", municipality, "invulling door de griffie"),
            "team": self.filled("team", municipality, "team"),
            "portefeuillehouder": self.portefeuillehouder(municipality),
            "burgemeester": self.value("burgemeester", municipality)
            or self.portefeuillehouder(municipality),
            "secretaris": self.filled("secretaris", municipality,
                                      "naam gemeentesecretaris"),
            "griffier": self.filled("griffier", municipality, "naam griffier"),
            "dekking": self.filled("dekking", municipality, "financiële dekking"),
            "datum": college["date"] if college and college["taken"] else None,
            "coordinator": coordinator[0] if coordinator else None,
            "roles": [{"role": role, "title": title, "people": self.people(role)}
                      for role, title in definition.roles.items()],
            "phases": self.phases(),
            "planning": self.planning(phase.id, municipality),
            "decisions": decisions,
            "besluiten": sorted((d for d in decisions if d["outcome"] and d["date"]
                                 and (municipality is None or d["municipality"]
                                      in (None, municipality))),
                                key=lambda d: (d["date"], d["id"])),
            "fase_besluiten": [d for d in decisions if d["phase"] == phase.id
                               and (municipality is None
                                    or d["municipality"] in (None, municipality))],
            "raden": raden,
            "beslispunten": self.beslispunten(target, phase.id, raden, priorities),
            "bijlagen": self.attachments(target, phase.id),
            "velden": self.velden(priorities),
            "zorg_en_veiligheid": ZORG_EN_VEILIGHEID,
            "priorities": priorities,
            "indicators": self.content["indicators"],
            "actions": actions,
            "themabijeenkomst": {
                "datum": _iso_day(self.value("themabijeenkomst", municipality)),
                "aanvang": self.filled("themabijeenkomst-aanvang", municipality, "aanvang"),
                "locatie": self.filled("themabijeenkomst-locatie", municipality,
                                       "locatie")},
        }

    def phases(self) -> list[dict[str, Any]]:
        rows = []
        for phase in self.definition.phases:
            if phase.final:
                break
            state = self.phase_states[phase.id]
            rows.append({"id": phase.id, "title": phase.title, "description": phase.description,
                         "due": state.due, "status": state.status,
                         "steps": list(dict.fromkeys(_generic_title(i) for i in phase.items
                                                     if i.kind != "document"))})
        return rows

    def councils(self, target: Target, phase_id: str,
                 decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The gemeenteraden that decide on the document, each with its meeting."""
        papers = {i.id for i in _deciders(self.definition, target.item.id)} if target.item \
            else set()
        raad = [d for d in decisions if (d["body"] or "").startswith("gemeenteraad")]
        chosen = [d for d in raad if d["id"] in papers] or [d for d in raad
                                                           if d["phase"] == phase_id]
        if target.municipality:
            chosen = [d for d in chosen if d["municipality"] in (target.municipality, None)]
        rows = []
        for d in chosen:
            gemeente = d["municipality"] or target.municipality or self.value("gemeente", None)
            when = d["date"] if d["taken"] else self.meeting_after(
                d["body"], self.items[target.item.id].due if target.item else None)
            rows.append({**d, "gemeente": gemeente or placeholder("gemeente"),
                         "vergadering": when,
                         "griffier": self.filled("griffier", gemeente, "naam griffier"),
                         "voorzitter": self.value("burgemeester", gemeente)
                         or self.portefeuillehouder(gemeente)})
        if not rows and target.type.name == "raadsvoorstel":
            gemeente = target.municipality or self.value("gemeente", None)
            rows.append({"id": None, "title": target.title, "body": "gemeenteraad",
                         "gemeente": gemeente or placeholder("gemeente"), "vergadering": None,
                         "outcome": None, "date": None, "taken": False,
                         "griffier": self.filled("griffier", gemeente, "naam griffier"),
                         "voorzitter": self.value("burgemeester", gemeente)
                         or self.portefeuillehouder(gemeente)})
        return rows

    def beslispunten(self, target: Target, phase_id: str, raden: list[dict[str, Any]],
                     priorities: list[dict[str, Any]]) -> list[str]:
        """What the raad (or the college) is asked to decide, as far as the process knows."""
        phase = self.definition.phase(phase_id)
        ivp = [i for i in phase.of_kind("document")
               if document_type(i.id) == DOCUMENT_TYPES["ivp"]]
        chosen = templates.enumerate_nl(p["title"] for p in priorities)
        period = self.definition.period
        points: list[str] = []
        if target.type.name == "collegevoorstel":
            points = [_lower_first(d.title) for d in phase.of_kind("decision")
                      if (d.body or "").startswith("college")
                      and self.concerns(d, target.municipality)]
        elif ivp:
            points.append(f"het {ivp[0].title} vast te stellen")
            if priorities:
                points.append(f"daarmee de prioriteiten{' voor ' + period if period else ''} "
                              f"vast te stellen: {chosen}")
        elif priorities and (phase_id == "prioritering" or any(
                document_type(i.id) == DOCUMENT_TYPES["prioriteringsnotitie"]
                for i in phase.of_kind("document"))):
            points.append(f"de prioriteiten{' voor ' + period if period else ''} van het "
                          f"integraal veiligheidsbeleid vast te stellen: {chosen}")
        else:
            points = [_lower_first(d["title"]) for d in raden if d["id"]]
        return points or [placeholder("beslispunt")]

    def attachments(self, target: Target, phase_id: str) -> list[str]:
        """The documents of the phase that go with a proposal or letter."""
        if not target.type.per_council:
            return []
        phase = self.definition.phase(phase_id)
        return [i.title for i in phase.of_kind("document")
                if (kind := document_type(i.id)) is not None and not kind.per_council]


def _generic_title(item: Item) -> str:
    """The title of a per-municipality item for all municipalities at once."""
    return item.title.replace(item.municipality, "iedere gemeente") if item.municipality \
        else item.title


def _names(text: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


def _iso_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _subject(target: Target) -> str:
    """The onderwerp of a letter or proposal: its title without the kind of document."""
    title = target.item.title if target.item else target.title
    if target.municipality:
        title = title.removesuffix(f" ({target.municipality})")
    for word in (target.type.title, "Notitie", "Raadsvoorstel", "Raadsinformatiebrief"):
        if title.lower().startswith(word.lower() + " "):
            rest = title[len(word) + 1:]
            return rest[:1].upper() + rest[1:]
    return title


def document_context(session: Session, process: Process, target: Target) -> dict[str, Any]:
    """The plain data a document template gets, for one draft of a loaded process."""
    return _Context(session, process, definition_of(session, process)).build(target)


# --------------------------------------------------------------------------- Markdown


@dataclass(frozen=True)
class Rendered:
    """One draft rendered as Markdown, before it becomes files."""

    process: str
    target: Target
    markdown: str


def render_markdown(store: Store, process_id: str,
                    document: str | None = None) -> list[Rendered]:
    """Render the drafts a request names (see `targets`) as Markdown."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        definition = definition_of(session, process)
        chosen = targets(definition, process, document)
        builder = _Context(session, process, definition)
        contexts = [(target, builder.build(target)) for target in chosen]
        process_id = process.id
    return [Rendered(process_id, target, templates.render(_template_name(target), context))
            for target, context in contexts]


# --------------------------------------------------------------------------- versions


def draft(store: Store, store_dir: str | Path, process_id: str, document: str | None = None,
          *, formats: tuple[str, ...] = ("md",), now: datetime, actor: str,
          reason: str = "on demand", out: str | Path | None = None) -> list[DraftFile]:
    """Render drafts and keep each as a new version when its content changed.

    Files go to `<store>/drafts/<process>/<key>-v<N>.<ext>`; with `out`, a copy named
    `<key>.<ext>` also goes to that folder (its path is the one returned).
    """
    formats = tuple(dict.fromkeys(formats))  # each format once, or it would be numbered twice
    for fmt in formats:
        if fmt not in FORMATS:
            raise InvalidValueError(f"Unknown format '{fmt}'; formats: {', '.join(FORMATS)}")
    rendered = render_markdown(store, process_id, document)
    outputs = [(r, fmt, convert(r.markdown, fmt, title=r.target.title))
               for r in rendered for fmt in formats]
    files = _keep(store, Path(store_dir), outputs, now=now, actor=actor, reason=reason)
    if out is None:
        return files
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValueError(f"Cannot create --out folder '{folder}': {exc.strerror}") \
            from None
    copies = []
    for drafted, (_, fmt, data) in zip(files, outputs, strict=True):
        copy = folder / f"{drafted.key}.{fmt}"
        _write(copy, data)
        copies.append(DraftFile(copy, drafted.key, fmt, drafted.version, drafted.new))
    return copies


def _keep(store: Store, store_dir: Path, outputs: list[tuple[Rendered, str, bytes]], *,
          now: datetime, actor: str, reason: str) -> list[DraftFile]:
    """Record each output as a version unless the latest version has the same content."""
    if not outputs:
        return []
    process_id = outputs[0][0].process
    folder = store_dir / DRAFTS_DIR / process_id
    written: list[Path] = []
    files: list[DraftFile] = []
    try:
        # One writer per process at a time, so two renderings cannot take the same number.
        with store.transaction(process_id, immediate=True) as session:
            process = session.scalars(select(Process).where(Process.id == process_id)
                                      .with_for_update()).one()
            for rendered, fmt, data in outputs:
                key = rendered.target.key
                digest = hashlib.sha256(data).hexdigest()
                latest = session.scalars(
                    select(Draft).where(Draft.process_id == process_id, Draft.document == key,
                                        Draft.format == fmt)
                    .order_by(Draft.version.desc()).limit(1)).first()
                if latest is not None and latest.sha256 == digest:
                    path = store_dir / latest.path
                    if not path.exists():  # deleted by hand: the recorded content comes back
                        _write(path, data)
                    files.append(DraftFile(path, key, fmt, latest.version, False))
                    continue
                version = latest.version + 1 if latest else 1
                path = folder / f"{key}-v{version}.{fmt}"
                _write(path, data)
                written.append(path)
                session.add(Draft(process_id=process_id, document=key, format=fmt,
                                  version=version, path=path.relative_to(store_dir).as_posix(),
                                  sha256=digest, reason=reason, created_at=to_utc_naive(now)))
                _record(session, process, now, actor, "drafted", item=key,
                        note=f"{fmt} versie {version} ({reason})")
                files.append(DraftFile(path, key, fmt, version, True))
    except BaseException:
        for path in written:  # not recorded, so not kept
            path.unlink(missing_ok=True)
        raise
    return files


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        raise InvalidValueError(f"Cannot write draft '{path}': {exc.strerror}") from None


def draft_versions(store: Store, process_id: str) -> list[dict[str, Any]]:
    """Every recorded draft version of a process, oldest first."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        rows = session.scalars(select(Draft).where(Draft.process_id == process.id)
                               .order_by(Draft.id))
        return [{"document": d.document, "format": d.format, "version": d.version,
                 "path": d.path, "sha256": d.sha256, "reason": d.reason,
                 "created_at": d.created_at} for d in rows]


# --------------------------------------------------------------------------- due drafts


def due_drafts(store: Store, now: datetime) -> list[DueDraft]:
    """The open documents that fall due for drafting at `now`: from the definition's
    reminders.draft_before working days before their deadline until they are done, in a
    phase not yet done."""
    today = now.date()
    # An upper bound in calendar days for the lead time; the exact test uses each process's
    # working days, so the query reads only documents that can be due.
    horizon = today + timedelta(days=MAX_DRAFT_BEFORE * 3 + 14)
    found: list[DueDraft] = []
    with store.transaction() as session:
        rows = session.execute(
            select(ItemState.process_id, ItemState.item_id, ItemState.due)
            .join(PhaseState, and_(PhaseState.process_id == ItemState.process_id,
                                   PhaseState.phase == ItemState.phase))
            .where(ItemState.status == "open", ItemState.due.is_not(None),
                   ItemState.due <= horizon, ItemState.kind == "document",
                   PhaseState.status != "done")
            .order_by(ItemState.process_id, ItemState.due, ItemState.position)).all()
        definitions: dict[str, Definition] = {}
        for process_id, item_id, due in rows:
            assert due is not None
            if process_id not in definitions:
                process = session.get(Process, process_id)
                assert process is not None
                definitions[process_id] = definition_of(session, process)
            definition = definitions[process_id]
            item = definition.items[item_id]
            days = definition.calendar_for(item.municipality).working
            start = days.add_working_days(due, -definition.reminders.draft_before)
            if start <= today and _has_template(item):
                found.append(DueDraft(process_id, item_id, due, start))
    return found


def _has_template(item: Item) -> bool:
    return document_type(item.id) is not None or templates.exists(
        f"documents/{item.id}.md.j2")


def render_due_drafts(store: Store, now: datetime, store_dir: str | Path, *,
                      actor: str = "scheduler") -> list[Path]:
    """Draft every document due at `now` (Markdown and Word); the paths of new versions.

    A document whose drafts were all made after the process last changed is not rendered
    again, so a scheduler may call this on every tick at the cost of a query.
    """
    written: list[Path] = []
    for due in due_drafts(store, now):
        if _drafted_since_last_change(store, due):
            continue
        files = draft(store, store_dir, due.process, due.document, formats=DUE_FORMATS,
                      now=now, actor=actor, reason="due")
        written += [f.path for f in files if f.new]
    return written


def _drafted_since_last_change(store: Store, due: DueDraft) -> bool:
    """Whether every due format of every draft of a document is newer than the process's
    last change (every change of a process's data stamps `updated_at`)."""
    with store.transaction(due.process) as session:
        process = load_process(session, due.process)
        keys = [t.key for t in targets(definition_of(session, process), process, due.document)]
        rows = session.execute(
            select(Draft.document, Draft.format, func.max(Draft.created_at))
            .where(Draft.process_id == process.id, Draft.document.in_(keys),
                   Draft.format.in_(DUE_FORMATS))
            .group_by(Draft.document, Draft.format)).all()
        # Strictly after: a replay acting at one fixed moment may change and draft at once.
        fresh = {(key, fmt) for key, fmt, made in rows if made > process.updated_at}
        return all((key, fmt) in fresh for key in keys for fmt in DUE_FORMATS)
