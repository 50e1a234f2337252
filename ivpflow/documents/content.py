"""What the documents carry: priorities, indicators, actions and named values of a process.

Every change is one unit of work of the process: a new version, an entry in its history. The
lists are plain data, in the order the items were added.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from difflib import get_close_matches
from typing import Any

from .. import i18n
from ..dates import parse_day
from ..errors import (
    AlreadyDoneError,
    ExclusiveOptionsError,
    InvalidValueError,
    IvpflowError,
    NotADateError,
    OutOfOrderError,
    UnknownChoiceError,
    UnknownItemError,
    listing,
    nearest,
)
from ..i18n import _
from ..store import Store
from ..store.reader import read_process
from ..store.rows import CONTENT, ActionRow, IndicatorRow, PriorityRow, ProcessRow, ValueRow
from ..store.writer import Change, change
from ..text import check_text
from ..workflow.veiligheidsvelden import veld as find_veld
from .kinds import DOCUMENT_TYPES

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")  # whole: fullmatch
# An indicator of the veiligheidsanalyse, before any priority is chosen, belongs to a veld.
# The schema ties every indicator to a priority, so such an indicator keeps "veld-N" there.
VELD_PREFIX = "veld-"

# The values documents use, and what each means; `set` refuses other keys, so that a typo
# does not silently leave a document with a placeholder.
VALUES: dict[str, str] = {
    "zaaknummer": "zaaknummer in het zaaksysteem (per gemeente en/of per document)",
    "documentnummer": "documentnummer van het voorstel, de brief of het besluit",
    "portefeuillehouder": "naam van de portefeuillehouder (standaard: wie de rol heeft)",
    "team": "team of afdeling die het voorstel schrijft, bv. Veiligheid",
    "gemeente": "naam van de gemeente, bij een proces zonder gemeentenlijst",
    "burgemeester": "naam van de burgemeester, voor de ondertekening",
    "secretaris": "naam van de gemeentesecretaris, voor de ondertekening",
    "griffier": "naam van de griffier, voor het raadsbesluit",
    "agendapunt": "agendapunt van de raadsvergadering (invulling door de griffie)",
    "dekking": "tekst voor de financiële dekking",
    "themabijeenkomst": "datum van de themabijeenkomst (JJJJ-MM-DD)",
    "themabijeenkomst-aanvang": "aanvangstijd van de themabijeenkomst (UU:MM)",
    "themabijeenkomst-locatie": "plaats van de themabijeenkomst",
    "datum": "datum van het document (JJJJ-MM-DD; standaard: het besluit van het college)",
    "onderwerp": "onderwerp van het document (standaard: uit de titel)",
    "bijlagen": "bijlagen, een per regel (standaard: de documenten van de fase)",
    "grondslag": "wettelijke grondslag in het raadsbesluit (standaard: artikel 38b Politiewet)",
    "inleiding": "tekst van de inleiding of aanleiding",
    "huisstijl": "Word-bestand (.docx) met de huisstijl van de gemeente: stijlen, kop- en "
                 "voettekst met logo (standaard: IVPFLOW_HOUSE_STYLE)",
}
# The values one document (or the besluit of one decision) can have of its own, with
# --document: each voorstel, brief and besluit has its own numbers, date and texts.
DOCUMENT_VALUES = ("zaaknummer", "documentnummer", "datum", "onderwerp", "bijlagen", "dekking",
                   "grondslag", "inleiding")
# Values that may run over several lines: texts and lists.
_MULTILINE = frozenset({"dekking", "bijlagen", "inleiding"})
_TIME = re.compile(r"^([01]\d|2[0-3])[.:][0-5]\d$")
PLURALS = {"priority": "priorities", "indicator": "indicators", "action": "actions"}


# --------------------------------------------------------------------------- refusals


class ProcessGemeenteError(InvalidValueError):
    """A process has no gemeente of this name (or none at all); a name that is no gemeente of
    the Netherlands is `errors.UnknownGemeenteError`."""

    def __init__(self, process_id: str, gemeente: str, known: Sequence[str]) -> None:
        self.process_id, self.gemeente, self.known = process_id, gemeente, list(known)
        self.what, self.value, self.rule = "gemeente", gemeente, "is not one of the process's"
        names = ", ".join(self.known)
        near = nearest(gemeente, self.known)
        if not self.known:
            message = i18n._("Process '{process_id}' has no gemeenten, so '{gemeente}' cannot "
                             "be one of them: its priorities are shared").format(
                                 process_id=process_id, gemeente=gemeente)
        elif near:
            message = i18n._("Process '{process_id}' has no gemeente '{gemeente}'; did you "
                             "mean '{near}'? gemeenten: {gemeenten}").format(
                                 process_id=process_id, gemeente=gemeente, near=near[0],
                                 gemeenten=names)
        else:
            message = i18n._("Process '{process_id}' has no gemeente '{gemeente}'; gemeenten: "
                             "{gemeenten}").format(process_id=process_id, gemeente=gemeente,
                                                   gemeenten=names)
        IvpflowError.__init__(self, message)


# --------------------------------------------------------------------------- validation


def _check_id(what: str, value: str) -> str:
    """`what` is the kind: priority, indicator or action."""
    label = {"priority": _("Priority id"), "indicator": _("Indicator id"),
             "action": _("Action id")}[what]
    if not _ID.fullmatch(check_text(label, value, one_line=True)):
        raise InvalidValueError(label, value, _(
            "must be lower-case letters, digits and '-' (at most 100), starting with a letter "
            "or digit"))
    return value


def _text(what: str, value: str | None, *, limit: int | None = None,
          required: bool = False, one_line: bool = False) -> str | None:
    """A text field: stripped, None when empty; line breaks are kept (documents show them)
    unless it is one line."""
    if value is None or not value.strip():
        if required:
            raise InvalidValueError(what, value or "", _("must not be empty"))
        return None
    text = check_text(what, value.strip(), one_line=one_line).strip()
    if limit is not None and len(text) > limit:
        raise InvalidValueError(what, text[:40] + "…", _(
            "is {length} characters long; at most {limit} fit").format(length=len(text),
                                                                      limit=limit))
    return text


def _year(what: str, value: int | None) -> int | None:
    if value is not None and not 1900 <= value <= 2100:
        raise InvalidValueError(what, value, _("is not a year between 1900 and 2100"))
    return value


def _position(rows: tuple[Any, ...]) -> int:
    return max((row.position for row in rows), default=-1) + 1


def _unknown(process: ProcessRow, kind: str, ident: str) -> UnknownItemError:
    rows = getattr(process, PLURALS[kind])
    return UnknownItemError(process.id, kind, ident, [row.id for row in rows])


def _exists(process: ProcessRow, kind: str, ident: str) -> bool:
    return any(row.id == ident for row in getattr(process, PLURALS[kind]))


def _new(process: ProcessRow, kind: str, ident: str) -> None:
    if _exists(process, kind, ident):
        label = {"priority": _("Priority"), "indicator": _("Indicator"),
                 "action": _("Action")}[kind]
        raise InvalidValueError(label, ident, _(
            "exists already in '{process_id}'; remove it first or choose another id").format(
            process_id=process.id))


def _content(store: Store, process_id: str) -> ProcessRow:
    with store.transaction() as tx:
        return read_process(tx, process_id, parts=CONTENT)


def _remove(store: Store, process_id: str, kind: str, ident: str, *, now: datetime,
            actor: str) -> None:
    """Remove an indicator or an action; an unknown id names the known ones."""
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        if not _exists(work.process, kind, ident):
            raise _unknown(work.process, kind, ident)
        work.remove(PLURALS[kind], ident)
        work.record(f"{kind}-removed", item=ident)


# --------------------------------------------------------------------------- priorities


def add_priority(store: Store, process_id: str, priority_id: str, *, veld: int | str,
                 theme: str, title: str, rationale: str | None = None,
                 gemeente: str | None = None, now: datetime,
                 actor: str) -> dict[str, Any]:
    """Record a priority (speerpunt) of the IVP in one of the five veiligheidsvelden: shared
    by every gemeente of the process, or one gemeente's own (`gemeente`, its local colour)."""
    _check_id("priority", priority_id)
    found = find_veld(veld)
    theme_text = _text(_("Theme"), theme, limit=200, required=True, one_line=True)
    title_text = _text(_("Title"), title, required=True, one_line=True)
    assert theme_text is not None and title_text is not None
    reason = _text(_("Rationale"), rationale)
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        own = _gemeente(work, gemeente)
        _new(work.process, "priority", priority_id)
        work.add("priorities", PriorityRow(priority_id, found.nummer, theme_text, title_text,
                                           reason, _position(work.process.priorities),
                                           work.stamp, own))
        work.record("priority-added", item=priority_id,
                    note=f"{found.naam}: {title_text}" + (f" ({own})" if own else ""))
    return {"id": priority_id, "veld": found.nummer, "veld_naam": found.naam,
            "theme": theme_text, "title": title_text, "rationale": reason, "gemeente": own}


def _gemeente(work: Change, name: str | None) -> str | None:
    """A gemeente of the process as its definition spells it (case does not matter), else a
    refusal naming the nearest; None for a shared priority."""
    if name is None or not name.strip():
        return None
    known = list(work.definition.municipalities)
    folded = {m.casefold(): m for m in known}
    if name.strip().casefold() not in folded:
        raise ProcessGemeenteError(work.process.id, name.strip(), known)
    return folded[name.strip().casefold()]


def list_priorities(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The priorities of a process, in the order they were added."""
    return [_priority_data(p) for p in _content(store, process_id).priorities]


def remove_priority(store: Store, process_id: str, priority_id: str, *, now: datetime,
                    actor: str) -> None:
    """Remove a priority; refused while indicators or actions still belong to it."""
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        process = work.process
        if not _exists(process, "priority", priority_id):
            raise _unknown(process, "priority", priority_id)
        indicators = [i.id for i in process.indicators if i.priority_id == priority_id]
        actions = [a.id for a in process.actions if a.priority_id == priority_id]
        if indicators or actions:
            held = "; ".join(f"{label}: {', '.join(ids)}" for label, ids
                             in ((_("indicators"), indicators), (_("actions"), actions)) if ids)
            raise InvalidValueError(_("Priority"), priority_id, _(
                "of '{process_id}' still has {held}; remove those first").format(
                process_id=process.id, held=held))
        work.remove("priorities", priority_id)
        work.record("priority-removed", item=priority_id)


def _priority_data(priority: PriorityRow) -> dict[str, Any]:
    return {"id": priority.id, "veld": priority.veld, "veld_naam": find_veld(priority.veld).naam,
            "theme": priority.theme, "title": priority.title, "rationale": priority.rationale,
            "gemeente": priority.gemeente}


# --------------------------------------------------------------------------- indicators


def add_indicator(store: Store, process_id: str, indicator_id: str, *, title: str,
                  priority: str | None = None, veld: int | str | None = None,
                  source: str | None = None, baseline: str | None = None,
                  baseline_year: int | None = None, target: str | None = None,
                  target_year: int | None = None, now: datetime,
                  actor: str) -> dict[str, Any]:
    """Record an indicator: of a priority (with a streefwaarde), or of a veld for the analysis."""
    _check_id("indicator", indicator_id)
    if (priority is None) == (veld is None):
        raise ExclusiveOptionsError(["--priority", "--veld"], _(
            "an indicator belongs to a priority or, in the analysis before priorities are "
            "chosen, to a veld"))
    owner = priority if priority is not None else f"{VELD_PREFIX}{find_veld(veld or 0).nummer}"
    title_text = _text(_("Title"), title, required=True, one_line=True)
    assert title_text is not None
    values: dict[str, Any] = {"source": _text(_("Source"), source),
                              "baseline": _text(_("Baseline"), baseline, limit=100),
                              "baseline_year": _year(_("Baseline year"), baseline_year),
                              "target": _text(_("Target"), target, limit=100),
                              "target_year": _year(_("Target year"), target_year)}
    if baseline_year and target_year and target_year < baseline_year:
        raise OutOfOrderError(_("Target year"), target_year, _("before the baseline year"),
                              baseline_year)
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        if priority is not None and not _exists(work.process, "priority", priority):
            raise _unknown(work.process, "priority", priority)
        _new(work.process, "indicator", indicator_id)
        work.add("indicators", IndicatorRow(indicator_id, owner, title_text,
                                            position=_position(work.process.indicators),
                                            **values))
        work.record("indicator-added", item=indicator_id, note=f"{owner}: {title_text}")
    return {"id": indicator_id, **_owner(owner), "title": title_text, **values}


def list_indicators(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The indicators of a process, in the order they were added."""
    return [_indicator_data(i) for i in _content(store, process_id).indicators]


def remove_indicator(store: Store, process_id: str, indicator_id: str, *, now: datetime,
                     actor: str) -> None:
    """Remove an indicator."""
    _remove(store, process_id, "indicator", indicator_id, now=now, actor=actor)


def _owner(owner: str) -> dict[str, Any]:
    """Whose indicator it is: a priority's, or (in the analysis) a veld's."""
    if owner.startswith(VELD_PREFIX) and owner[len(VELD_PREFIX):].isdigit():
        return {"priority": None, "veld": int(owner[len(VELD_PREFIX):])}
    return {"priority": owner, "veld": None}


def _indicator_data(indicator: IndicatorRow) -> dict[str, Any]:
    return {"id": indicator.id, **_owner(indicator.priority_id), "title": indicator.title,
            "source": indicator.source, "baseline": indicator.baseline,
            "baseline_year": indicator.baseline_year, "target": indicator.target,
            "target_year": indicator.target_year}


# --------------------------------------------------------------------------- actions


def add_action(store: Store, process_id: str, action_id: str, *, title: str,
               priority: str | None = None, doelstelling: str | None = None,
               activiteiten: str | None = None, trekker: str | None = None,
               betrokkenen: str | None = None, termijn: date | str | None = None,
               kosten: str | None = None, now: datetime, actor: str) -> dict[str, Any]:
    """Record an action of the uitvoeringsplan: doelstelling, activiteiten, trekker, termijn,
    kosten. A termijn given as a month (YYYY-MM) is that month's last working day."""
    _check_id("action", action_id)
    title_text = _text(_("Title"), title, required=True, one_line=True)
    assert title_text is not None
    values: dict[str, Any] = {"doelstelling": _text("Doelstelling", doelstelling),
                              "activiteiten": _text("Activiteiten", activiteiten),
                              "trekker": _text("Trekker", trekker, limit=200, one_line=True),
                              "betrokkenen": _text("Betrokkenen", betrokkenen),
                              "kosten": _text("Kosten", kosten, limit=100)}
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        if priority is not None and not _exists(work.process, "priority", priority):
            raise _unknown(work.process, "priority", priority)
        _new(work.process, "action", action_id)
        day = _termijn(work, termijn)
        work.add("actions", ActionRow(action_id, priority, title_text, termijn=day,
                                      position=_position(work.process.actions), **values))
        work.record("action-added", item=action_id, note=title_text)
    return {"id": action_id, "priority": priority, "title": title_text, "termijn": day,
            **values}


def _termijn(work: Change, value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    month = re.match(r"^(\d{4})-(\d{2})$", text)
    if month and 1 <= int(month.group(2)) <= 12:
        days = work.definition.calendar.working
        return days.last_working_day_of_month(int(month.group(1)), int(month.group(2)))
    try:
        return parse_day(text, option="--termijn")
    except InvalidValueError:
        raise NotADateError("--termijn", value, formats=_(
            "YYYY-MM-DD, or YYYY-MM for the last working day of a month")) from None


def list_actions(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The actions of a process, in the order they were added."""
    return [_action_data(a) for a in _content(store, process_id).actions]


def remove_action(store: Store, process_id: str, action_id: str, *, now: datetime,
                  actor: str) -> None:
    """Remove an action."""
    _remove(store, process_id, "action", action_id, now=now, actor=actor)


def _action_data(action: ActionRow) -> dict[str, Any]:
    return {"id": action.id, "priority": action.priority_id, "title": action.title,
            "doelstelling": action.doelstelling, "activiteiten": action.activiteiten,
            "trekker": action.trekker, "betrokkenen": action.betrokkenen,
            "termijn": action.termijn, "kosten": action.kosten}


# --------------------------------------------------------------------------- values


def value_key(key: str, municipality: str | None = None, document: str | None = None) -> str:
    """The stored key of a value: for all ('zaaknummer'), one municipality
    ('zaaknummer@Losser'), one document ('zaaknummer#raadsvoorstel-ivp-losser') or one
    document of one municipality ('zaaknummer#raadsinformatiebrief@Losser')."""
    return key + (f"#{document}" if document else "") + (f"@{municipality}" if municipality
                                                          else "")


def split_key(stored_key: str) -> tuple[str, str | None, str | None]:
    """Key, document and municipality of a stored key (value_key's inverse)."""
    head, _, municipality = stored_key.partition("@")
    key, _, document = head.partition("#")
    return key, document or None, municipality or None


def set_value(store: Store, process_id: str, key: str, value: str, *,
              municipality: str | None = None, document: str | None = None, now: datetime,
              actor: str) -> None:
    """Set a named value of a process (zaaknummer, portefeuillehouder, …), optionally for one
    of its municipalities and/or one of its documents."""
    if key not in VALUES:
        raise UnknownChoiceError("value", key, VALUES)
    _check_document_key(key, document)
    one_line = key not in _MULTILINE
    if one_line and ("\n" in value.strip() or "\r" in value.strip()):
        raise InvalidValueError(key, re.split(r"[\r\n]", value.strip())[0] + "…",
                                _("must be one line"))
    text = _text(key, value, required=True, one_line=one_line)
    assert text is not None
    if key in ("themabijeenkomst", "datum"):
        text = parse_day(text, option=key).isoformat()
    elif key == "themabijeenkomst-aanvang":
        if not _TIME.match(text):
            raise NotADateError("themabijeenkomst-aanvang", text, kind="time",
                                formats=_("HH:MM, e.g. 19:00"))
        text = text.replace(".", ":")
    elif key == "huisstijl":
        text = _house_style(text)
    stored_key = value_key(key, municipality, document)
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        _check_municipality(work, municipality)
        _check_document(work, document)
        if len(stored_key) > _MAX_KEY:
            raise InvalidValueError(_("Value key"), stored_key[:40] + "…", _(
                "is {length} characters long; at most {limit} fit").format(
                length=len(stored_key), limit=_MAX_KEY))
        stored = next((v for v in work.process.values if v.key == stored_key), None)
        if stored is not None and stored.value == text:
            raise AlreadyDoneError(_("{key} of '{process_id}' is '{value}' already").format(
                key=stored_key, process_id=work.process.id, value=text), "")
        if stored is None:
            work.add("values", ValueRow(stored_key, text))
        else:
            work.update("values", stored_key, value=text)
        work.record("value-set", item=stored_key, note=text)


def unset_value(store: Store, process_id: str, key: str, *, municipality: str | None = None,
                document: str | None = None, now: datetime, actor: str) -> None:
    """Remove a named value of a process."""
    stored_key = value_key(key, municipality, document)
    with change(store, process_id, now=now, actor=actor, parts=CONTENT) as work:
        _check_municipality(work, municipality)
        _check_document(work, document)
        if not any(v.key == stored_key for v in work.process.values):
            raise UnknownItemError(work.process.id, "value", stored_key,
                                   [v.key for v in work.process.values], plural="set")
        work.remove("values", stored_key)
        work.record("value-unset", item=stored_key)


_MAX_KEY = 100  # the key column of process_values (store/tables.py)


def _house_style(text: str) -> str:
    """A house-style file as the drafts will find it: an absolute path to a .docx that
    opens as one (a HouseStyleError naming it otherwise)."""
    from pathlib import Path

    from .word import template_for

    path = Path(text).expanduser().absolute()
    template_for(path)
    return str(path)


def _check_document_key(key: str, document: str | None) -> None:
    if document is not None and key not in DOCUMENT_VALUES:
        raise InvalidValueError(_("Value"), key, _(
            "is one for the whole process or a gemeente, not one document; per document: "
            "{values}").format(values=", ".join(DOCUMENT_VALUES)))


def _check_municipality(work: Change, municipality: str | None) -> None:
    if municipality is None:
        return
    known = work.definition.municipalities
    if municipality not in known:
        raise InvalidValueError("", work.process.id, _(
            "has no municipality '{municipality}'; municipalities: {municipalities}").format(
            municipality=municipality, municipalities=listing(known)))


def _check_document(work: Change, document: str | None) -> None:
    """A document of the definition, a decision (its besluit) or a document type drafted on
    demand; anything else is refused with the closest known id."""
    if document is None:
        return
    items = [i.id for i in work.definition.items.values() if i.kind in ("document", "decision")]
    if document in items or document in DOCUMENT_TYPES:
        return
    close = get_close_matches(document, items + list(DOCUMENT_TYPES), n=1)
    documents = ", ".join(i.id for i in work.definition.items_of_kind("document"))
    rule = (_("has no document or decision '{document}'; did you mean '{near}'? documents: "
              "{documents}") if close else
            _("has no document or decision '{document}'; documents: {documents}"))
    raise InvalidValueError("", work.process.id, rule.format(
        document=document, near=close[0] if close else "", documents=documents))


def list_values(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The named values of a process: key, municipality and document (or None), value and
    what it applies to."""
    return values_of(_content(store, process_id))


def scope_of(document: str | None, municipality: str | None) -> str:
    """What a value applies to, in words: 'proces', 'gemeente Losser', 'document x', …"""
    parts = [f"document {document}" if document else "",
             f"gemeente {municipality}" if municipality else ""]
    return ", ".join(p for p in parts if p) or "proces"


def values_of(process: ProcessRow) -> list[dict[str, Any]]:
    """The named values of a process read with its content."""
    rows = []
    for stored in process.values:
        key, document, municipality = split_key(stored.key)
        rows.append({"key": key, "municipality": municipality, "value": stored.value,
                     "document": document, "scope": scope_of(document, municipality),
                     "stored_key": stored.key})
    return rows


def content_of(process: ProcessRow) -> dict[str, Any]:
    """Everything recorded for the documents of a process (read with its content)."""
    return {"priorities": [_priority_data(p) for p in process.priorities],
            "indicators": [_indicator_data(i) for i in process.indicators],
            "actions": [_action_data(a) for a in process.actions],
            "values": values_of(process)}
