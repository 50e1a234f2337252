"""OpenBesluitvorming (openbesluitvorming.nl, the successor of the Open Raadsinformatie API):
a gemeente's source key from `/api/sources`, its committees and meetings from the bulk
export `/api/export/snapshot` (NDJSON, one record per line, paged by `X-Next-Cursor` while
`X-Has-More` is true).

The export is sorted by entity id, and a cursor that is an id prefix starts there ("cursor=
motion jumps straight past the documents", API.md): the committees ('committee:…') and the
meetings ('meeting:…') are read without paging through the documents between them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from ...errors import nearest
from . import (
    Fetcher,
    SourceCalendar,
    SourceMeeting,
    UnknownSourceOrganisationError,
    parse_json,
    shape_error,
)

NAME = "OpenBesluitvorming"
PAGE = 1000  # the export's largest page
# A meeting's status the way ORI wrote it ('EventCancelled', schema.org's eventStatus) or a
# supplier's own Dutch word for it.
CANCELLED_WORDS = ("cancel", "geannuleerd", "vervallen", "vervalt", "afgelast")


def source_key(fetcher: Fetcher, base: str, municipality: str, cache: dict[str, Any]) -> str:
    """The source key of a gemeente in `/api/sources`, found by its label."""
    url = base.rstrip("/") + "/api/sources"
    if "sources" not in cache:
        data = fetcher.get_json(NAME, url)
        sources = data.get("sources") if isinstance(data, dict) else None
        if not isinstance(sources, list):
            raise shape_error(NAME, url, "'sources' list")
        cache["sources"] = [s for s in sources if isinstance(s, dict) and s.get("key")]
    gemeenten = [s for s in cache["sources"]
                 if s.get("organizationType", "gemeente") == "gemeente"]
    wanted = municipality.casefold()
    for entry in gemeenten:
        if str(entry.get("label", "")).casefold() in (wanted, "gemeente " + wanted):
            return str(entry["key"])
    raise UnknownSourceOrganisationError(
        NAME, municipality, nearest(municipality, [str(s.get("label", "")) for s in gemeenten]),
        "key")


def supplier_of(cache: dict[str, Any], key: str) -> str | None:
    """The supplier `/api/sources` names for a source key, when it was read."""
    return next((str(s.get("supplier")) for s in cache.get("sources", [])
                 if s.get("key") == key and s.get("supplier")), None)


def read_calendar(fetcher: Fetcher, base: str, municipality: str, key: str | None,
                  cache: dict[str, Any]) -> SourceCalendar:
    """The meetings of one gemeente in OpenBesluitvorming."""
    if key is None:
        key = source_key(fetcher, base, municipality, cache)
    url = base.rstrip("/") + "/api/export/snapshot"
    committees = {record["entity_id"]: str(record["payload"].get("name", ""))
                  for record in _records(fetcher, url, key, "committee")
                  if isinstance(record.get("payload"), dict)}
    meetings = []
    for record in _records(fetcher, url, key, "meeting"):
        if record.get("entity_type") != "Meeting" or record.get("op", "upsert") != "upsert":
            continue
        payload = record.get("payload")
        if not isinstance(payload, dict):
            raise shape_error(NAME, url, f"payload in record {record.get('entity_id')}")
        day = _day(payload.get("start_date"))
        if day is None:
            raise shape_error(NAME, url, f"start_date in meeting {record.get('entity_id')}")
        committee = payload.get("committee")
        title = " ".join(str(payload.get("name", "")).split())
        meetings.append(SourceMeeting(
            uid=str(record["entity_id"]),
            name=" ".join(committees.get(str(committee), "").split()) or title,
            day=day, cancelled=_cancelled(payload.get("status")), title=title))
    supplier = supplier_of(cache, key)
    label = f"{NAME} '{key}'" + (f" ({supplier})" if supplier else "")
    return SourceCalendar(f"openbesluitvorming:{key}", NAME, label, municipality, tuple(meetings))


def _records(fetcher: Fetcher, url: str, key: str, kind: str) -> Iterator[dict[str, Any]]:
    """The export's records whose entity id begins with `kind:`, page by page."""
    cursor = kind
    while True:
        body, headers = fetcher.get(NAME, url, {"source": key, "cursor": cursor,
                                                "limit": PAGE})
        lines = [line for line in body.decode("utf-8", errors="replace").splitlines()
                 if line.strip()]
        for line in lines:
            record = parse_json(NAME, url, line.encode())
            if not isinstance(record, dict) or not record.get("entity_id"):
                raise shape_error(NAME, url, "entity_id in an export record")
            if not str(record["entity_id"]).startswith(kind + ":"):
                return  # past this kind: the rest of the export is other entities
            yield record
        cursor = headers.get("x-next-cursor", "")
        if not lines or headers.get("x-has-more", "false").lower() != "true" or not cursor:
            return


def _day(value: object) -> date | None:
    """The day a meeting starts in the Netherlands: the export gives UTC ('…Z') or a
    local time without a zone."""
    from ...dates import local

    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local(moment).date() if moment.tzinfo else moment.date()


def _cancelled(status: object) -> bool:
    text = str(status or "").casefold()
    return any(word in text for word in CANCELLED_WORDS)

