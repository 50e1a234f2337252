"""Notubiz's public API (api.notubiz.nl, JSON with `format=json`): the organisation from
`/organisations`, its gremia (committees) from `/organisations/{id}/gremia`, and its events
between two days from `/events?organisation_id=…&date_from=…&date_to=…`, page by page while
`pagination.has_more_pages` is true. An event names its gremium by id; its title is attribute
1 ('Titel'); `canceled` says it is cancelled."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ...errors import nearest
from . import Fetcher, SourceCalendar, SourceMeeting, UnknownSourceOrganisationError, shape_error

NAME = "Notubiz"
VERSION = "1.17.0"  # the API version the open-raadsinformatie harvester asks for
TITLE_ATTRIBUTE = 1
_PAGES = 100  # more pages than a gemeente has in years: a source that never ends is refused


def organisation_id(fetcher: Fetcher, base: str, municipality: str,
                    cache: dict[str, Any]) -> int:
    """The Notubiz organisation of a gemeente, found by its name in `/organisations`."""
    url = base.rstrip("/") + "/organisations"
    if "organisations" not in cache:
        data = fetcher.get_json(NAME, url, {"format": "json", "version": VERSION})
        try:
            entries = data["organisations"]["organisation"]
        except (KeyError, TypeError):
            raise shape_error(NAME, url, "'organisations' list") from None
        cache["organisations"] = [entry for entry in entries if isinstance(entry, dict)]
    wanted = municipality.casefold()
    names = []
    for entry in cache["organisations"]:
        name = " ".join(str(entry.get("name", "")).split())
        names.append(name)
        if name.casefold() in (wanted, "gemeente " + wanted):
            try:
                return int(entry["@attributes"]["id"])
            except (KeyError, TypeError, ValueError):
                raise shape_error(NAME, url, f"id of organisation '{name}'") from None
    raise UnknownSourceOrganisationError(NAME, municipality, nearest(municipality, names),
                                         "organisation")


def read_calendar(fetcher: Fetcher, base: str, municipality: str, organisation: int | None,
                  first: date, last: date, cache: dict[str, Any]) -> SourceCalendar:
    """The meetings of one gemeente in Notubiz between two days."""
    root = base.rstrip("/")
    if organisation is None:
        organisation = organisation_id(fetcher, root, municipality, cache)
    url = f"{root}/organisations/{organisation}/gremia"
    data = fetcher.get_json(NAME, url, {"format": "json", "version": VERSION})
    if not isinstance(data, dict) or not isinstance(data.get("gremia"), list):
        raise shape_error(NAME, url, "'gremia' list")
    gremia = {entry.get("id"): " ".join(str(entry.get("title", "")).split())
              for entry in data["gremia"] if isinstance(entry, dict)}
    url = f"{root}/events"
    meetings = []
    for page in range(1, _PAGES + 1):
        data = fetcher.get_json(NAME, url, {
            "organisation_id": organisation, "date_from": f"{first} 00:00:00",
            "date_to": f"{last} 23:59:59", "page": page, "format": "json",
            "version": VERSION})
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise shape_error(NAME, url, "'events' list")
        for event in data["events"]:
            found = _meeting(event, gremia)
            if found is None and isinstance(event, dict) and event.get("type") == "meeting":
                raise shape_error(NAME, url, f"start_date in event {event.get('id')}")
            if found is not None:
                meetings.append(found)
        pagination = data.get("pagination")
        if not isinstance(pagination, dict) or not pagination.get("has_more_pages"):
            break
    else:
        raise shape_error(NAME, url, f"last page after {_PAGES} pages")
    return SourceCalendar(f"notubiz:{organisation}", NAME, f"{NAME} organisation {organisation}",
                          municipality, tuple(meetings))


def _meeting(event: Any, gremia: dict[Any, str]) -> SourceMeeting | None:
    """A meeting from an event; None for an event that is no meeting (an 'assembly' groups
    meetings) or that has no start."""
    if not isinstance(event, dict) or event.get("type") != "meeting":
        return None
    plannings = event.get("plannings") or []
    start = plannings[0].get("start_date") if plannings and isinstance(plannings[0], dict) \
        else None
    try:
        day = datetime.strptime(str(start)[:10], "%Y-%m-%d").date()
    except ValueError:
        return None
    title = next((" ".join(str(a.get("value", "")).split())
                  for a in event.get("attributes") or []
                  if isinstance(a, dict) and a.get("id") == TITLE_ATTRIBUTE), "")
    gremium = event.get("gremium")
    if not isinstance(gremium, dict):
        gremium = {}
    return SourceMeeting(uid=str(event.get("id")), name=gremia.get(gremium.get("id"), "") or title,
                         day=day, cancelled=bool(event.get("canceled")), title=title)
