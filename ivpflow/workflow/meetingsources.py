"""What a definition says about where its gemeenten's meetings are published: per gemeente
the council information system `meeting sync` reads (OpenBesluitvorming, Notubiz or an
iCalendar feed), its id there when the name does not find it, and the calendar's names for
the definition's bodies where they differ ('Commissie Bestuur en Middelen' is the
raadscommissie)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Protocol

from ..i18n import _
from .model import MeetingSource
from .yamlsource import LDict

SOURCES = ("openbesluitvorming", "notubiz")
MEETING_SOURCE_KEYS = frozenset({"source", "key", "organisation", "map"})
URL_PREFIXES = ("https://", "http://")


class DefinitionParser(Protocol):
    """What this reader needs of `validation.DefinitionParser`: report a problem."""

    def problem(self, line: int, message: str) -> None: ...

    def unknown_keys(self, data: LDict, allowed: AbstractSet[str], what: str) -> None: ...


def is_calendar_url(source: str) -> bool:
    """Whether a meeting source is the address of an iCalendar feed."""
    return source.lower().startswith(URL_PREFIXES)


def meeting_sources(parser: DefinitionParser, data: LDict, municipalities: Sequence[str],
                    bodies: Sequence[str]) -> dict[str, MeetingSource]:
    """The `meeting_sources` of a definition by gemeente, each problem reported."""
    raw = data.get("meeting_sources")
    if raw is None:
        return {}
    if not isinstance(raw, LDict):
        parser.problem(data.line_of("meeting_sources"),
                       _("meeting_sources must map a gemeente to its source, e.g. "
                         "{example}").format(example="{Losser: {source: notubiz}}"))
        return {}
    found = {}
    for name, entry in raw.items():
        line = raw.line_of(name)
        if name not in municipalities:
            parser.problem(line, _(
                "meeting_sources names '{name}', which is not one of the municipalities "
                "({municipalities})").format(
                name=name, municipalities=", ".join(municipalities) or _("none")))
            continue
        if isinstance(entry, str):
            entry = LDict({"source": entry})
            entry.line, entry.key_lines = line, {}
        if not isinstance(entry, LDict):
            parser.problem(line, _(
                "meeting_sources of {name} must be a source name or a mapping with source, "
                "key, organisation and map").format(name=name))
            continue
        parser.unknown_keys(entry, MEETING_SOURCE_KEYS,
                            _("meeting_sources of {name}").format(name=name))
        source = _source(parser, entry, name)
        key = _key(parser, entry, name, source)
        organisation = _organisation(parser, entry, name, source)
        mapping = _mapping(parser, entry, name, bodies)
        if source is not None:
            found[name] = MeetingSource(name, source, key, organisation, mapping)
    return found


def _source(parser: DefinitionParser, entry: LDict, name: str) -> str | None:
    source = entry.get("source", "openbesluitvorming")
    if not isinstance(source, str) or not (source in SOURCES or is_calendar_url(source)):
        parser.problem(entry.line_of("source"), _(
            "source of {name} must be {first} or {second} or the https:// address of an "
            "iCalendar feed, not '{source}'").format(
            name=name, first=SOURCES[0], second=SOURCES[1], source=source))
        return None
    return source


def _key(parser: DefinitionParser, entry: LDict, name: str, source: str | None) -> str | None:
    key = entry.get("key")
    if key is None:
        return None
    if not isinstance(key, str) or not key.strip() or key != key.strip().lower():
        parser.problem(entry.line_of("key"), _(
            "key of {name} must be an OpenBesluitvorming source key in lower case (e.g. "
            "'losser'), not '{key}'").format(name=name, key=key))
        return None
    if source != "openbesluitvorming":
        parser.problem(entry.line_of("key"), _(
            "key of {name} is an OpenBesluitvorming source key; its source is {source}")
            .format(name=name, source=source))
    return key


def _organisation(parser: DefinitionParser, entry: LDict, name: str,
                  source: str | None) -> int | None:
    value = entry.get("organisation")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        parser.problem(entry.line_of("organisation"), _(
            "organisation of {name} must be a Notubiz organisation id (a number), not "
            "'{value}'").format(name=name, value=value))
        return None
    if source != "notubiz":
        parser.problem(entry.line_of("organisation"), _(
            "organisation of {name} is a Notubiz organisation id; its source is {source}")
            .format(name=name, source=source))
    return value


def _mapping(parser: DefinitionParser, entry: LDict, name: str,
             bodies: Sequence[str]) -> Mapping[str, str]:
    raw = entry.get("map")
    if raw is None:
        return {}
    if not isinstance(raw, LDict):
        parser.problem(entry.line_of("map"), _(
            "map of {name} must map a calendar's name to a body, e.g. {example}").format(
            name=name, example=f"{{'Commissie Bestuur': raadscommissie {name}}}"))
        return {}
    mapping = {}
    for calendar_name, body in raw.items():
        if not isinstance(body, str) or body not in bodies:
            parser.problem(raw.line_of(calendar_name),
                           _("map of {name}: '{calendar}' must name a decision body of the "
                             "definition ({bodies}), not '{body}'").format(
                               name=name, calendar=calendar_name, bodies=", ".join(bodies),
                               body=body))
            continue
        mapping[" ".join(str(calendar_name).split())] = body
    return mapping
