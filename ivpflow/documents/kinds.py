"""What a process can draft: the document types and their templates, and the drafts (one per
gemeente where several councils decide) that a `draft` request names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InvalidValueError, listing
from ..i18n import _
from ..store.rows import ProcessRow
from ..workflow.model import Definition, Item, slug
from . import rendering as templates


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


class UnknownDocumentError(InvalidValueError):
    """The process has no document, and ivpflow no document type, of this name; or a document
    has no template to draft it with."""

    def __init__(self, what: str, value: str, rule: str, *, documents: Iterable[str] = (),
                 types: Iterable[str] = ()) -> None:
        self.documents, self.types = list(documents), list(types)
        super().__init__(what, value, rule)


def document_type(document_id: str) -> DocumentType | None:
    """The type of a document id: the type of that name, or the longest type it starts with
    ('raadsvoorstel-ivp-losser' → raadsvoorstel)."""
    if document_id in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[document_id]
    matches = [t for t in DOCUMENT_TYPES.values() if document_id.startswith(t.name + "-")]
    return max(matches, key=lambda t: len(t.name)) if matches else None


def template_name(target: Target) -> str:
    # A municipality's own template for one document id wins over the type's.
    own = f"documents/{target.document}.md.j2"
    return own if templates.exists(own) else f"documents/{target.type.name}.md.j2"


def municipality_of(definition: Definition, body: str | None) -> str | None:
    if not body:
        return None
    return next((m for m in definition.municipalities if body.endswith(" " + m)), None)


def deciders(definition: Definition, document_id: str) -> list[Item]:
    """The decisions whose papers the document is."""
    return [i for i in definition.items_of_kind("decision") if i.document == document_id]


ALL = "*"  # as the document of a `draft` request: every document of the process


def targets(definition: Definition, process: ProcessRow, document: str | None) -> list[Target]:
    """The drafts a `draft` request names: a document id, a per-municipality group, a type
    name, ALL for every document of the process, or (None) every document of the process's
    current phase."""
    documents = definition.items_of_kind("document")
    if document == ALL:
        return [t for item in documents for t in _item_targets(definition, item)]
    if document is None:
        chosen = [i for i in documents if i.phase == process.phase]
        if not chosen:
            raise UnknownDocumentError(
                _("Phase"), process.phase, _(
                    "of '{process_id}' has no documents; name one or a type: {types}").format(
                    process_id=process.id, types=", ".join(DOCUMENT_TYPES)),
                types=DOCUMENT_TYPES)
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
        _("Process"), process.id, _(
            "has no document '{document}'; documents: {documents}; document types: {types}")
        .format(document=document, documents=listing(by_id), types=", ".join(DOCUMENT_TYPES)),
        documents=by_id, types=DOCUMENT_TYPES)


def _item_targets(definition: Definition, item: Item) -> list[Target]:
    kind = document_type(item.id)
    if kind is None:
        if not templates.exists(f"documents/{item.id}.md.j2"):
            raise UnknownDocumentError(
                _("Document"), item.id, _(
                    "has no template: its id does not start with a document type ({types}); "
                    "add documents/{document}.md.j2 to IVPFLOW_TEMPLATES").format(
                    types=", ".join(DOCUMENT_TYPES), document=item.id), types=DOCUMENT_TYPES)
        kind = DocumentType(item.id, item.title)
    if item.municipality or not kind.per_council:
        return _split(kind, item.id, item.title, item,
                      [item.municipality] if item.municipality else [])
    deciding = [m for d in deciders(definition, item.id)
                if (m := d.municipality or municipality_of(definition, d.body))]
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
