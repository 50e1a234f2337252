"""Drafts of the documents a process produces, in the Dutch municipal formats.

Data flows one way: the process and its content become plain data (`document_context`), the
Markdown template of the document type turns that into a draft (shipped, or a municipality's
own from IVPFLOW_TEMPLATES, sandboxed), and Word and HTML are built from that same Markdown
(`markup`). So a municipality that changes a template changes every format. Each rendered
file is kept as a version under `<store>/drafts/<process>/` and recorded in the database with
its SHA-256; rendering unchanged data again writes nothing. A version also keeps the
fingerprint of its inputs (Markdown, title, house style, layout code), so a draft whose inputs
did not change is not even converted again.

A draft says its version and date in its kop ("Versie 3 (concept)", "Datum: 1 december
2026"). Its content is first rendered with the stamp of the latest version: when that gives
the Markdown the latest version was made from, nothing changed and that version stands (in
every format, with its number and date); otherwise it is rendered again as the next version,
dated the day it is made. So a draft depends on the moment it is rendered only through the
date of a new version: "unchanged" stays decidable and the scheduler's drafting idempotent.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select

from ..dates import local
from ..errors import ConflictError, FileAccessError, UnknownChoiceError
from ..i18n import _
from ..store import Store, tables
from ..store.reader import read_definition, read_process
from ..store.rows import CONTENT, PEOPLE, DraftRow, ProcessRow
from ..store.writer import change
from ..text import check_text
from ..workflow.model import Definition, Item
from . import markup, word
from . import rendering as templates
from .content import value_key
from .context import DocumentContext
from .failures import DraftFailure, clear_failure, record_failure
from .kinds import Target, document_type, targets, template_name
from .markup import FORMATS, convert

DUE_FORMATS = ("md", "docx")
FIGURES = frozenset({"observations"})  # the figures of `ivpflow cijfers`
# A document falls due for drafting this many working days before its deadline.
DRAFT_LEAD_WORKING_DAYS = 10  # the default of a definition's reminders.draft_before
MAX_DRAFT_BEFORE = 60  # the most reminders.draft_before may be
DRAFTS_DIR = "drafts"
HOUSE_STYLE_ENV = "IVPFLOW_HOUSE_STYLE"


@dataclass(frozen=True)
class DraftFile:
    """A rendered draft file and its recorded version."""

    path: Path
    key: str
    format: str
    version: int
    new: bool  # False when the data was unchanged and the existing version stands
    unchanged: bool = False  # its inputs were those of the kept version: not rendered again


@dataclass(frozen=True)
class DueDraft:
    """A document that falls due for drafting: open, its deadline near or past."""

    process: str
    document: str
    due: date
    draft_from: date


# --------------------------------------------------------------------------- Markdown


@dataclass(frozen=True)
class Rendered:
    """One draft rendered as Markdown, before it becomes files: the version it is and the
    digest of its Markdown (every format of a version is made from the same)."""

    process: str
    target: Target
    markdown: str
    house_style: str | None = None  # the .docx its Word file starts from
    version: int = 1
    source: str = ""  # the digest of its Markdown


@dataclass(frozen=True)
class Stamp:
    """The version of a draft as its kop says it."""

    version: int
    day: date
    final: bool  # the document is done: this is its final text, not a concept

    def context(self) -> dict[str, Any]:
        return {"versie": f"{self.version} ({'definitief' if self.final else 'concept'})",
                "versie_nummer": self.version, "versie_datum": self.day}


def render_markdown(store: Store, process_id: str, document: str | None = None, *,
                    now: datetime | None = None) -> list[Rendered]:
    """Render the drafts a request names (see `targets`) as Markdown, each stamped with its
    version: the latest one when its content is unchanged, else the next one, dated the day
    of `now` (the day of the latest version, or of the process's start, without it)."""
    return _render(store, process_id, document, now)[0]


def _render(store: Store, process_id: str, document: str | None,
            now: datetime | None) -> tuple[list[Rendered], ProcessRow]:
    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=PEOPLE | CONTENT | FIGURES | {"drafts"})
        definition = read_definition(tx, process.definition_digest)
    chosen = targets(definition, process, document)
    builder = DocumentContext(process, definition)
    versions = latest_versions(process.drafts)
    rendered = []
    for target in chosen:
        context = builder.build(target)
        style = house_style_of(builder, target)
        final = target.item is not None and process.item(target.item.id).status == "done"
        latest = versions.get(target.key)
        if latest is not None:
            markdown = _stamped(target, context, Stamp(latest[0], latest[1], final))
            if _digest(markdown, style) == latest[2]:
                rendered.append(Rendered(process.id, target, markdown, style, latest[0],
                                         latest[2]))
                continue
        version = latest[0] + 1 if latest else 1
        day = local(now).date() if now is not None else (latest[1] if latest
                                                         else process.start_date)
        markdown = _stamped(target, context, Stamp(version, day, final))
        rendered.append(Rendered(process.id, target, markdown, style, version,
                                 _digest(markdown, style)))
    return rendered, process


def _stamped(target: Target, context: dict[str, Any], stamp: Stamp) -> str:
    # A document without a date of its own is dated by its version.
    dated = {**context, **stamp.context(), "datum": context["datum"] or stamp.day}
    return templates.render(template_name(target), dated)


def _digest(markdown: str, house_style: str | None) -> str:
    """What makes a version: its Markdown and, when it has one, its house style's content
    (a gemeente's new letterhead is a new version of every format)."""
    digest = hashlib.sha256(markdown.encode("utf-8"))
    if house_style:
        try:
            digest.update(b"\x00" + Path(house_style).expanduser().read_bytes())
        except OSError:
            digest.update(b"\x00\x01missing")  # its conversion says what is wrong
    return digest.hexdigest()


def latest_versions(rows: tuple[DraftRow, ...]) -> dict[str, tuple[int, date, str | None]]:
    """Per draft key its latest version: the number, the day it was first made (in any
    format) and the digest of the Markdown it was made from (None before revision 0014)."""
    found: dict[str, tuple[int, date, str | None]] = {}
    for row in rows:  # oldest first
        known = found.get(row.document)
        if known is None or row.version > known[0]:
            found[row.document] = (row.version, local(row.created_at).date(),
                                   row.source_sha256)
    return found


def house_style_of(builder: DocumentContext, target: Target) -> str | None:
    """The house-style .docx of a draft: the `huisstijl` value of its gemeente or of the
    process, else IVPFLOW_HOUSE_STYLE; None for ivpflow's own layout."""
    return builder.value("huisstijl", target.municipality) \
        or os.environ.get(HOUSE_STYLE_ENV) or None


# --------------------------------------------------------------------------- fingerprints


@cache
def _code_digest() -> str:
    """The Word layout code's own fingerprint: a new ivpflow may lay drafts out anew."""
    digest = hashlib.sha256()
    for module in (markup, word):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def inputs_of(rendered: Rendered, fmt: str) -> str | None:
    """The fingerprint of what a draft file is made from: its Markdown and title, and for
    Word the house style's content and the layout code; None for HTML (its page template
    is no input this knows)."""
    if fmt == "html":
        return None
    parts = [fmt, rendered.target.title, rendered.markdown]
    if fmt == "docx":
        parts += [_code_digest(), word.template_for(rendered.house_style).digest or ""]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def sources_of(house_style: str | None) -> str:
    """The fingerprint of everything besides the process's data a draft may come from: the
    templates in use (shipped and the municipality's own), the house-style file and the
    layout code. While it and the process stay the same, no due draft can change."""
    digest = hashlib.sha256(_code_digest().encode())
    for row in templates.sources():
        digest.update(row["name"].encode() + b"\x00")
        try:
            digest.update(Path(row["path"]).read_bytes())
        except OSError:
            digest.update(b"\x01unreadable")
    if house_style:
        try:
            digest.update(Path(house_style).expanduser().read_bytes())
        except OSError:
            digest.update(b"\x01missing")
    return digest.hexdigest()


# --------------------------------------------------------------------------- versions


def draft(store: Store, store_dir: str | Path, process_id: str, document: str | None = None,
          *, formats: tuple[str, ...] = ("md",), now: datetime, actor: str,
          reason: str = "on demand", out: str | Path | None = None) -> list[DraftFile]:
    """Render drafts and keep each as a new version when its content changed.

    Files go to `<store>/drafts/<process>/<key>-v<N>.<ext>`; with `out`, a copy named
    `<key>.<ext>` also goes to that folder (its path is the one returned).
    """
    formats = tuple(dict.fromkeys(formats))  # each format once, or it would be numbered twice
    check_text(_("Reason"), reason, one_line=True)
    for fmt in formats:
        if fmt not in FORMATS:
            raise UnknownChoiceError("format", fmt, FORMATS)
    store_dir = Path(store_dir)
    rendered, process = _render(store, process_id, document, now)
    latest = {(row.document, row.format): row for row in process.drafts}  # oldest first
    sources = {style: sources_of(style) for style in {r.house_style for r in rendered}}
    outputs = []
    for r in rendered:
        for fmt in formats:
            inputs = inputs_of(r, fmt)
            last = latest.get((r.target.key, fmt))
            if inputs is not None and last is not None and last.inputs == inputs \
                    and last.version == r.version \
                    and (store_dir / last.path).is_file():
                outputs.append(_Output(r, fmt, None, inputs, sources[r.house_style]))
                continue
            data = convert(r.markdown, fmt, title=r.target.title, house_style=r.house_style)
            outputs.append(_Output(r, fmt, data, inputs, sources[r.house_style]))
    files = _keep(store, store_dir, outputs, now=now, actor=actor, reason=reason)
    if out is None:
        return files
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError("create --out folder", folder, str(exc.strerror)) from None
    copies = []
    for drafted, output in zip(files, outputs, strict=True):
        copy = folder / f"{drafted.key}.{output.format}"
        _write(copy, output.data if output.data is not None else _read(drafted.path))
        copies.append(DraftFile(copy, drafted.key, output.format, drafted.version, drafted.new,
                                drafted.unchanged))
    return copies


@dataclass(frozen=True)
class _Output:
    """A draft file to keep: its bytes, or None when its inputs are the kept version's."""

    rendered: Rendered
    format: str
    data: bytes | None
    inputs: str | None
    sources: str


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileAccessError("read draft", path, str(exc.strerror)) from None


def _keep(store: Store, store_dir: Path, outputs: list[_Output], *,
          now: datetime, actor: str, reason: str) -> list[DraftFile]:
    """Record each output as the version it was rendered as, unless that version is kept in
    its format already (the content is unchanged: it stands).

    One unit of work of the process; a version another rendering took meanwhile with other
    content is a conflict. It does not change the process's data, so its version stays.
    """
    if not outputs:
        return []
    process_id = outputs[0].rendered.process
    folder = store_dir / DRAFTS_DIR / process_id
    written: list[Path] = []
    files: list[DraftFile] = []
    try:
        with change(store, process_id, now=now, actor=actor, parts={"drafts"},
                    touch=False) as work:
            kept = {(row.document, row.format, row.version): row for row in work.process.drafts}
            newest = latest_versions(work.process.drafts)
            for output in outputs:
                rendered, fmt, data = output.rendered, output.format, output.data
                key, version = rendered.target.key, rendered.version
                last = kept.get((key, fmt, version))
                if data is None:  # inputs unchanged: the kept version stands as it is
                    assert last is not None
                    _remember(work, last, output)
                    files.append(DraftFile(store_dir / last.path, key, fmt, last.version,
                                           False, unchanged=True))
                    continue
                if last is not None:
                    path = store_dir / last.path
                    if not path.exists():  # deleted by hand: the recorded content comes back
                        _write(path, data)
                    _remember(work, last, output)
                    files.append(DraftFile(path, key, fmt, last.version, False))
                    continue
                known = newest.get(key)
                if known is not None and (known[0] > version or (
                        known[0] == version and known[2] != rendered.source)):
                    raise ConflictError(process_id)  # drafted meanwhile by someone else
                path = folder / f"{key}-v{version}.{fmt}"
                _write(path, data)
                written.append(path)
                row = DraftRow(None, key, fmt, version, path.relative_to(store_dir).as_posix(),
                               hashlib.sha256(data).hexdigest(), reason, work.stamp,
                               output.inputs, output.sources, None, rendered.source)
                work.add("drafts", row)
                kept[(key, fmt, version)] = row
                work.record("drafted", item=key, note=f"{fmt} versie {version} ({reason})")
                files.append(DraftFile(path, key, fmt, version, True))
    except BaseException:
        for path in written:  # not recorded, so not kept
            path.unlink(missing_ok=True)
        raise
    return files


def _remember(work: Any, last: DraftRow, output: _Output) -> None:
    """Keep with the version that stands for an output its inputs and sources, and that it
    was found current now (so the next tick passes it over)."""
    if last.id is not None:
        work.update("drafts", last.id, inputs=output.inputs, sources=output.sources,
                    checked_at=work.stamp)


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        raise FileAccessError("write draft", path, str(exc.strerror)) from None


def draft_versions(store: Store, process_id: str) -> list[dict[str, Any]]:
    """Every recorded draft version of a process, oldest first."""
    with store.transaction() as tx:
        process = read_process(tx, process_id, parts={"drafts"})
    return [{"document": d.document, "format": d.format, "version": d.version,
             "path": d.path, "sha256": d.sha256, "reason": d.reason,
             "created_at": d.created_at} for d in process.drafts]


# --------------------------------------------------------------------------- due drafts


def due_drafts(store: Store, now: datetime) -> list[DueDraft]:
    """The open documents that fall due for drafting at `now`: from the definition's
    reminders.draft_before working days before their deadline until they are done, in a
    phase not yet done."""
    today = now.date()
    # An upper bound in calendar days for the lead time; the exact test uses each process's
    # working days, so the query reads only documents that can be due.
    horizon = today + timedelta(days=MAX_DRAFT_BEFORE * 3 + 14)
    items, phases, processes = tables.items, tables.phase_states, tables.processes
    found: list[DueDraft] = []
    with store.connect() as conn:
        rows = conn.execute(
            select(items.c.process_id, items.c.item_id, items.c.due,
                   processes.c.definition_digest)
            .join(phases, and_(phases.c.process_id == items.c.process_id,
                               phases.c.phase == items.c.phase))
            .join(processes, processes.c.id == items.c.process_id)
            .where(items.c.status == "open", items.c.due.is_not(None),
                   items.c.due <= horizon, items.c.kind == "document",
                   phases.c.status != "done")
            .order_by(items.c.process_id, items.c.due, items.c.position)).all()
        for process_id, item_id, due, digest in rows:
            definition = read_definition(conn, digest)
            item = definition.items[item_id]
            days = definition.calendar_for(item.municipality).working
            start = days.add_working_days(due, -definition.reminders.draft_before)
            if start <= today and _has_template(item):
                found.append(DueDraft(process_id, item_id, due, start))
    return found


def _has_template(item: Item) -> bool:
    return document_type(item.id) is not None or templates.exists(
        f"documents/{item.id}.md.j2")


@dataclass
class DueDraftRun:
    """What drafting the due documents did: the new files, the drafts whose inputs had not
    changed (not rendered again), and the drafts that failed."""

    written: list[Path]
    failed: list[DraftFailure]
    unchanged: list[Path] = field(default_factory=list)


def render_due_drafts(store: Store, now: datetime, store_dir: str | Path, *,
                      actor: str = "scheduler") -> DueDraftRun:
    """Draft every document due at `now` (Markdown and Word), each on its own.

    A document whose drafts were all made after the process last changed, from the templates
    and house style still in effect, is passed over at the cost of a query; any other is
    rendered as Markdown, and a file is made again only when its inputs (the Markdown, the
    title, the house style) differ from its kept version's. So a scheduler may call this on
    every tick. A draft that fails (a user template that does not render, a value Word cannot
    hold, a missing house style, a full disk) is recorded in `draft_failures` with its error
    and tried again on the next tick; it never stops another draft. A draft that renders
    again clears its failure.
    """
    run = DueDraftRun([], [])
    sources: dict[str | None, str] = {}  # per house style, computed once per run
    for due in due_drafts(store, now):
        try:
            if _drafted_since_last_change(store, due, sources):
                continue
            files = draft(store, store_dir, due.process, due.document, formats=DUE_FORMATS,
                          now=now, actor=actor, reason="due")
        except Exception as exc:  # noqa: BLE001 - any failure of one draft is that draft's
            run.failed.append(record_failure(store, due.process, due.document, now, exc))
            continue
        run.written += [f.path for f in files if f.new]
        run.unchanged += [f.path for f in files if f.unchanged]
        clear_failure(store, due.process, due.document)
    return run


def _drafted_since_last_change(store: Store, due: DueDraft,
                               sources: dict[str | None, str]) -> bool:
    """Whether every due format of every draft of a document is newer than the process's
    last change (every change of a process's data stamps `updated_at`) and was made from the
    templates and house style in effect now."""
    with store.transaction() as tx:
        process = read_process(tx, due.process, parts={"drafts", "values"})
        definition: Definition = read_definition(tx, process.definition_digest)
    chosen = targets(definition, process, due.document)
    values = {v.key: v.value for v in process.values}
    latest: dict[tuple[str, str], DraftRow] = {}
    for row in process.drafts:
        if row.format in DUE_FORMATS:
            latest[(row.document, row.format)] = row  # read oldest first
    for target in chosen:
        style = (values.get(value_key("huisstijl", target.municipality))
                 or values.get("huisstijl") or os.environ.get(HOUSE_STYLE_ENV) or None)
        if style not in sources:
            sources[style] = sources_of(style)
        for fmt in DUE_FORMATS:
            kept = latest.get((target.key, fmt))
            # Strictly after: a replay acting at one fixed moment may change and draft at once.
            if kept is None or max(kept.created_at, kept.checked_at or kept.created_at) \
                    <= process.updated_at or kept.sources != sources[style]:
                return False
    return True
