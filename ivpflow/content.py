"""What the documents carry: priorities, indicators, actions and named values of a process.

Every change bumps the process's version and is recorded in its history, like every other
change of a process. The lists are plain data, in the order the items were added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .dates import parse_day, to_utc_naive
from .errors import AlreadyDoneError, InvalidValueError
from .processes import _record, _touch, definition_of, load_process
from .store import Store
from .store.models import Action, Indicator, Priority, Process, ProcessValue
from .workflow.veiligheidsvelden import veld as find_veld

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
# An indicator of the veiligheidsanalyse, before any priority is chosen, belongs to a veld.
# The schema ties every indicator to a priority, so such an indicator keeps "veld-N" there.
VELD_PREFIX = "veld-"

# The values documents use, and what each means; `set` refuses other keys, so that a typo
# does not silently leave a document with a placeholder.
VALUES: dict[str, str] = {
    "zaaknummer": "zaaknummer in het zaaksysteem (per gemeente met --municipality)",
    "documentnummer": "documentnummer van het voorstel",
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
}
_TIME = re.compile(r"^([01]\d|2[0-3])[.:][0-5]\d$")


# --------------------------------------------------------------------------- validation


class UnknownContentError(InvalidValueError):
    """The process has no priority, indicator or action with this id."""

    def __init__(self, process_id: str, kind: str, item: str, available: list[str]) -> None:
        plural = {"priority": "priorities"}.get(kind, kind + "s")
        super().__init__(f"Process '{process_id}' has no {kind} '{item}'; {plural}: "
                         f"{', '.join(available) or 'none'}")


def _check_id(what: str, value: str) -> str:
    if not _ID.match(value):
        raise InvalidValueError(f"{what} id '{value}' must be lower-case letters, digits and "
                                "'-' (at most 100), starting with a letter or digit")
    return value


def _text(what: str, value: str | None, *, limit: int | None = None,
          required: bool = False) -> str | None:
    """A text field: stripped, None when empty; line breaks are kept (documents show them)."""
    if value is None or not value.strip():
        if required:
            raise InvalidValueError(f"{what} must not be empty")
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if limit is not None and len(text) > limit:
        raise InvalidValueError(f"{what} is {len(text)} characters long; at most {limit} "
                                "fit")
    return text


def _year(what: str, value: int | None) -> int | None:
    if value is not None and not 1900 <= value <= 2100:
        raise InvalidValueError(f"{what} {value} is not a year between 1900 and 2100")
    return value


def _next_position(session: Session, model: Any, process_id: str) -> int:
    highest = session.scalar(select(func.max(model.position))
                             .where(model.process_id == process_id))
    return 0 if highest is None else int(highest) + 1


def _change(store: Store, process_id: str, now: datetime, actor: str, event: str, item: str,
            note: str | None, work: Callable[[Session, Process], None]) -> None:
    """Run one change of a process's content: bump its version and record it."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        work(session, process)
        _touch(process, now)
        _record(session, process, now, actor, event, item=item, note=note)


Row = TypeVar("Row", Priority, Indicator, Action)


def _rows(session: Session, model: type[Row], process_id: str) -> list[Row]:
    """The priorities, indicators or actions of a process, in the order they were added."""
    return list(session.scalars(select(model).where(model.process_id == process_id)
                                .order_by(model.position)))


def _remove(store: Store, process_id: str, model: type[Row], kind: str, ident: str, *,
            now: datetime, actor: str) -> None:
    """Remove an indicator or an action; an unknown id names the known ones."""

    def work(session: Session, process: Process) -> None:
        found = session.get(model, (process.id, ident))
        if found is None:
            raise UnknownContentError(process.id, kind, ident,
                                      [row.id for row in _rows(session, model, process.id)])
        session.delete(found)

    _change(store, process_id, now, actor, f"{kind}-removed", ident, None, work)


# --------------------------------------------------------------------------- priorities


def add_priority(store: Store, process_id: str, priority_id: str, *, veld: int | str,
                 theme: str, title: str, rationale: str | None = None, now: datetime,
                 actor: str) -> dict[str, Any]:
    """Record a priority (speerpunt) of the IVP in one of the five veiligheidsvelden."""
    _check_id("Priority", priority_id)
    found = find_veld(veld)
    values = {"theme": _text("Theme", theme, limit=200, required=True),
              "title": _text("Title", title, required=True),
              "rationale": _text("Rationale", rationale)}

    def work(session: Session, process: Process) -> None:
        if session.get(Priority, (process.id, priority_id)) is not None:
            raise InvalidValueError(f"Priority '{priority_id}' exists already in "
                                   f"'{process.id}'; remove it first or choose another id")
        session.add(Priority(process_id=process.id, id=priority_id, veld=found.nummer,
                             position=_next_position(session, Priority, process.id),
                             created_at=to_utc_naive(now), **values))

    _change(store, process_id, now, actor, "priority-added", priority_id,
            f"{found.naam}: {values['title']}", work)
    return {"id": priority_id, "veld": found.nummer, "veld_naam": found.naam, **values}


def list_priorities(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The priorities of a process, in the order they were added."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        return [_priority_data(p) for p in _rows(session, Priority, process.id)]


def remove_priority(store: Store, process_id: str, priority_id: str, *, now: datetime,
                    actor: str) -> None:
    """Remove a priority; refused while indicators or actions still belong to it."""

    def work(session: Session, process: Process) -> None:
        found = session.get(Priority, (process.id, priority_id))
        if found is None:
            raise UnknownContentError(process.id, "priority", priority_id,
                                   [p.id for p in _rows(session, Priority, process.id)])
        indicators = session.scalars(select(Indicator.id).where(
            Indicator.process_id == process.id, Indicator.priority_id == priority_id)).all()
        actions = session.scalars(select(Action.id).where(
            Action.process_id == process.id, Action.priority_id == priority_id)).all()
        if indicators or actions:
            held = "; ".join(f"{label}: {', '.join(ids)}" for label, ids
                             in (("indicators", indicators), ("actions", actions)) if ids)
            raise InvalidValueError(f"Priority '{priority_id}' of '{process.id}' still has "
                                    f"{held}; remove those first")
        session.delete(found)

    _change(store, process_id, now, actor, "priority-removed", priority_id, None, work)


def _priority_data(priority: Priority) -> dict[str, Any]:
    return {"id": priority.id, "veld": priority.veld, "veld_naam": find_veld(priority.veld).naam,
            "theme": priority.theme, "title": priority.title, "rationale": priority.rationale}


# --------------------------------------------------------------------------- indicators


def add_indicator(store: Store, process_id: str, indicator_id: str, *, title: str,
                  priority: str | None = None, veld: int | str | None = None,
                  source: str | None = None, baseline: str | None = None,
                  baseline_year: int | None = None, target: str | None = None,
                  target_year: int | None = None, now: datetime,
                  actor: str) -> dict[str, Any]:
    """Record an indicator: of a priority (with a streefwaarde), or of a veld for the analysis."""
    _check_id("Indicator", indicator_id)
    if (priority is None) == (veld is None):
        raise InvalidValueError("An indicator belongs to a priority (--priority ID) or, in the "
                                "analysis before priorities are chosen, to a veld (--veld N); "
                                "name exactly one")
    owner = priority if priority is not None else f"{VELD_PREFIX}{find_veld(veld or 0).nummer}"
    values = {"title": _text("Title", title, required=True),
              "source": _text("Source", source),
              "baseline": _text("Baseline", baseline, limit=100),
              "baseline_year": _year("Baseline year", baseline_year),
              "target": _text("Target", target, limit=100),
              "target_year": _year("Target year", target_year)}
    if baseline_year and target_year and target_year < baseline_year:
        raise InvalidValueError(f"Target year {target_year} lies before the baseline year "
                                f"{baseline_year}")

    def work(session: Session, process: Process) -> None:
        if priority is not None:
            _existing_priority(session, process.id, priority)
        if session.get(Indicator, (process.id, indicator_id)) is not None:
            raise InvalidValueError(f"Indicator '{indicator_id}' exists already in "
                                   f"'{process.id}'; remove it first or choose another id")
        session.add(Indicator(process_id=process.id, id=indicator_id, priority_id=owner,
                              position=_next_position(session, Indicator, process.id),
                              **values))

    _change(store, process_id, now, actor, "indicator-added", indicator_id,
            f"{owner}: {values['title']}", work)
    return {"id": indicator_id, **_owner(owner), **values}


def list_indicators(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The indicators of a process, in the order they were added."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        return [_indicator_data(i) for i in _rows(session, Indicator, process.id)]


def remove_indicator(store: Store, process_id: str, indicator_id: str, *, now: datetime,
                     actor: str) -> None:
    """Remove an indicator."""
    _remove(store, process_id, Indicator, "indicator", indicator_id, now=now, actor=actor)


def _owner(owner: str) -> dict[str, Any]:
    """Whose indicator it is: a priority's, or (in the analysis) a veld's."""
    if owner.startswith(VELD_PREFIX) and owner[len(VELD_PREFIX):].isdigit():
        return {"priority": None, "veld": int(owner[len(VELD_PREFIX):])}
    return {"priority": owner, "veld": None}


def _indicator_data(indicator: Indicator) -> dict[str, Any]:
    return {"id": indicator.id, **_owner(indicator.priority_id), "title": indicator.title,
            "source": indicator.source, "baseline": indicator.baseline,
            "baseline_year": indicator.baseline_year, "target": indicator.target,
            "target_year": indicator.target_year}


def _existing_priority(session: Session, process_id: str, priority_id: str) -> None:
    if session.get(Priority, (process_id, priority_id)) is None:
        raise UnknownContentError(process_id, "priority", priority_id,
                               [p.id for p in _rows(session, Priority, process_id)])


# --------------------------------------------------------------------------- actions


def add_action(store: Store, process_id: str, action_id: str, *, title: str,
               priority: str | None = None, doelstelling: str | None = None,
               activiteiten: str | None = None, trekker: str | None = None,
               betrokkenen: str | None = None, termijn: date | str | None = None,
               kosten: str | None = None, now: datetime, actor: str) -> dict[str, Any]:
    """Record an action of the uitvoeringsplan: doelstelling, activiteiten, trekker, termijn,
    kosten. A termijn given as a month (YYYY-MM) is that month's last working day."""
    _check_id("Action", action_id)
    values = {"title": _text("Title", title, required=True),
              "doelstelling": _text("Doelstelling", doelstelling),
              "activiteiten": _text("Activiteiten", activiteiten),
              "trekker": _text("Trekker", trekker, limit=200),
              "betrokkenen": _text("Betrokkenen", betrokkenen),
              "kosten": _text("Kosten", kosten, limit=100)}
    result: dict[str, Any] = {}

    def work(session: Session, process: Process) -> None:
        if priority is not None:
            _existing_priority(session, process.id, priority)
        if session.get(Action, (process.id, action_id)) is not None:
            raise InvalidValueError(f"Action '{action_id}' exists already in '{process.id}'; "
                                   "remove it first or choose another id")
        day = _termijn(session, process, termijn)
        session.add(Action(process_id=process.id, id=action_id, priority_id=priority,
                           termijn=day, position=_next_position(session, Action, process.id),
                           **values))
        result.update(id=action_id, priority=priority, termijn=day, **values)

    _change(store, process_id, now, actor, "action-added", action_id, values["title"], work)
    return result


def _termijn(session: Session, process: Process, value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    month = re.match(r"^(\d{4})-(\d{2})$", text)
    if month and 1 <= int(month.group(2)) <= 12:
        days = definition_of(session, process).calendar.working
        return days.last_working_day_of_month(int(month.group(1)), int(month.group(2)))
    try:
        return parse_day(text, option="--termijn")
    except InvalidValueError:
        raise InvalidValueError(f"--termijn '{value}' is not a date; use YYYY-MM-DD, or "
                                "YYYY-MM for the last working day of a month") from None


def list_actions(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The actions of a process, in the order they were added."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        return [_action_data(a) for a in _rows(session, Action, process.id)]


def remove_action(store: Store, process_id: str, action_id: str, *, now: datetime,
                  actor: str) -> None:
    """Remove an action."""
    _remove(store, process_id, Action, "action", action_id, now=now, actor=actor)


def _action_data(action: Action) -> dict[str, Any]:
    return {"id": action.id, "priority": action.priority_id, "title": action.title,
            "doelstelling": action.doelstelling, "activiteiten": action.activiteiten,
            "trekker": action.trekker, "betrokkenen": action.betrokkenen,
            "termijn": action.termijn, "kosten": action.kosten}


# --------------------------------------------------------------------------- values


def value_key(key: str, municipality: str | None = None) -> str:
    """The stored key of a value, for one municipality ('zaaknummer@Losser') or all."""
    return f"{key}@{municipality}" if municipality else key


def set_value(store: Store, process_id: str, key: str, value: str, *,
              municipality: str | None = None, now: datetime, actor: str) -> None:
    """Set a named value of a process (zaaknummer, portefeuillehouder, …), optionally for one
    of its municipalities."""
    if key not in VALUES:
        raise InvalidValueError(f"Unknown value '{key}'; values: {', '.join(VALUES)}")
    text = _text(key, value, required=True)
    assert text is not None
    if key == "themabijeenkomst":
        text = parse_day(text, option="themabijeenkomst").isoformat()
    elif key == "themabijeenkomst-aanvang":
        if not _TIME.match(text):
            raise InvalidValueError(f"themabijeenkomst-aanvang '{text}' is not a time; use "
                                    "HH:MM, e.g. 19:00")
        text = text.replace(".", ":")
    elif "\n" in text and key != "dekking":
        raise InvalidValueError(f"{key} must be one line")

    def work(session: Session, process: Process) -> None:
        _check_municipality(session, process, municipality)
        stored = session.get(ProcessValue, (process.id, value_key(key, municipality)))
        if stored is not None and stored.value == text:
            raise AlreadyDoneError(f"{value_key(key, municipality)} of '{process.id}' is "
                                   f"'{text}' already; nothing changed")
        if stored is None:
            session.add(ProcessValue(process_id=process.id, key=value_key(key, municipality),
                                     value=text))
        else:
            stored.value = text

    _change(store, process_id, now, actor, "value-set", value_key(key, municipality), text,
            work)


def unset_value(store: Store, process_id: str, key: str, *, municipality: str | None = None,
                now: datetime, actor: str) -> None:
    """Remove a named value of a process."""

    def work(session: Session, process: Process) -> None:
        _check_municipality(session, process, municipality)
        deleted = session.execute(delete(ProcessValue).where(
            ProcessValue.process_id == process.id,
            ProcessValue.key == value_key(key, municipality)))
        if not getattr(deleted, "rowcount", 0):
            known = session.scalars(select(ProcessValue.key)
                                    .where(ProcessValue.process_id == process.id)).all()
            raise InvalidValueError(f"'{process.id}' has no value '{value_key(key, municipality)}'"
                                    f"; set: {', '.join(sorted(known)) or 'none'}")

    _change(store, process_id, now, actor, "value-unset", value_key(key, municipality), None,
            work)


def _check_municipality(session: Session, process: Process, municipality: str | None) -> None:
    if municipality is None:
        return
    known = definition_of(session, process).municipalities
    if municipality not in known:
        raise InvalidValueError(f"'{process.id}' has no municipality '{municipality}'; "
                                f"municipalities: {', '.join(known) or 'none'}")


def list_values(store: Store, process_id: str) -> list[dict[str, Any]]:
    """The named values of a process: key, municipality (or None) and value."""
    with store.transaction(process_id) as session:
        process = load_process(session, process_id)
        return values_of(session, process.id)


def values_of(session: Session, process_id: str) -> list[dict[str, Any]]:
    """The named values of a process, read in an open session."""
    rows = []
    for stored in session.scalars(select(ProcessValue)
                                  .where(ProcessValue.process_id == process_id)
                                  .order_by(ProcessValue.key)):
        key, _, municipality = stored.key.partition("@")
        rows.append({"key": key, "municipality": municipality or None, "value": stored.value})
    return rows


def content_of(session: Session, process_id: str) -> dict[str, Any]:
    """Everything recorded for the documents of a process, as plain data."""
    return {"priorities": [_priority_data(p) for p in _rows(session, Priority, process_id)],
            "indicators": [_indicator_data(i) for i in _rows(session, Indicator, process_id)],
            "actions": [_action_data(a) for a in _rows(session, Action, process_id)],
            "values": values_of(session, process_id)}
