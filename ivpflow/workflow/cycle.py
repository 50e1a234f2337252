"""The plan's life after adoption: a definition's `cycle` section, written once with `{year}`
and expanded into one ordinary phase with an item per year of the IVP period.

The expansion works on the definition's data (with its line numbers), before the phases are
read: the items it makes are validated, planned, reminded, drafted and shown like any other,
and a problem in one of them is reported on the line where it is written in the cycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..i18n import _
from .model import KINDS, PERIOD_PATTERN
from .yamlsource import INVALID, LDict, LList

CYCLE_KEYS = frozenset({"id", "title", "description", "due", "tasks", "decisions",
                        "documents"})
# What a cycle's task, decision or document may have on top of its kind's own keys.
CYCLE_ITEM_KEYS = frozenset({"years"})
DEFAULT_PHASE = "looptijd"
_YEAR = re.compile(r"\{year(?:(?P<sign>[+-])(?P<n>\d{1,2}))?\}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_KNOWN = re.compile(r"^\{(?:municipality|year(?:[+-]\d{1,2})?)\}$")
_YEARS = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Problem = Callable[[int, str], None]


def with_cycle(phases: LList, data: LDict, problem: Problem) -> LList:
    """The definition's phases with the cycle's phase before the final state (the phases as
    they are when there is no cycle, or it cannot be read)."""
    raw = data.get("cycle")
    if raw is None or raw is INVALID:
        return phases
    line = data.line_of("cycle")
    if not isinstance(raw, LDict):
        problem(line, _("cycle must be a mapping with id, title and the tasks, decisions and "
                        "documents of each year"))
        return phases
    match = PERIOD_PATTERN.match(str(data.get("period") or ""))
    if match is None:
        problem(line, _("cycle needs the definition's period (e.g. 'period: 2027-2030'): its "
                        "items are per year of it"))
        return phases
    period = (int(match.group(1)), int(match.group(2)))
    for key in raw:
        if key not in CYCLE_KEYS:
            problem(raw.line_of(key), _("unknown key '{key}' in cycle; allowed: {allowed}")
                    .format(key=key, allowed=", ".join(sorted(CYCLE_KEYS))))
    # Only the phase's own keys: an unknown one is reported above, not again as the phase's.
    phase = _copy(raw, skip=frozenset(raw) - {"id", "title", "description", "due"})
    phase["id"] = raw.get("id", DEFAULT_PHASE)
    phase.key_lines.setdefault("id", raw.line)
    # The plan is in force until the end of its period's last year.
    phase["due"] = raw.get("due", date(period[1], 12, 31))
    phase.key_lines.setdefault("due", raw.line)
    for kind in KINDS:
        entries = raw.get(kind + "s")
        if isinstance(entries, LList):
            phase[kind + "s"] = _expand_list(kind, entries, period, problem)
        elif entries is not None:
            phase[kind + "s"] = entries  # the phase reader reports it as not a list
    result = LList(phases)
    result.line, result.item_lines = phases.line, list(phases.item_lines)
    # Before the final state when there is one; otherwise the reader reports its absence.
    at = len(result) - 1 if result and isinstance(result[-1], LDict) \
        and result[-1].get("final") is True else len(result)
    result.insert(at, phase)
    result.item_lines.insert(at, raw.line)
    return result


def _expand_list(kind: str, entries: LList, period: tuple[int, int],
                 problem: Problem) -> LList:
    result = LList()
    result.line, result.item_lines = entries.line, []
    for entry, line in zip(entries, entries.item_lines, strict=True):
        if not isinstance(entry, LDict):
            result.append(entry)
            result.item_lines.append(line)
            continue
        for made in _expand_item(kind, entry, period, problem):
            result.append(made)
            result.item_lines.append(line)
    return result


def _expand_item(kind: str, raw: LDict, period: tuple[int, int],
                 problem: Problem) -> list[LDict]:
    """The item once per year it is for: every year of the period when it names `{year}`,
    the years of `years:` when it has them, else once as written."""
    name = str(raw.get("id", "?"))
    for text, text_line in _texts(raw):
        for found in _PLACEHOLDER.findall(text):
            if not _KNOWN.match(found):
                problem(text_line, _cycle_message("placeholder", kind).format(
                    placeholder=found, id=name))
    uses_year = any(_YEAR.search(text) for text, _ in _texts(raw))
    years = _years(raw, kind, name, period, problem)
    if years == []:
        return []  # its years were reported; the item itself is not read for any year
    if years is None and not uses_year:
        return [_copy(raw, skip=CYCLE_ITEM_KEYS)]
    years = years or list(range(period[0], period[1] + 1))
    if len(years) > 1 and not _YEAR.search(name):
        problem(raw.line_of("id"), _cycle_message("id", kind).format(id=name,
                                                                      years=len(years)))
        years = years[:1]
    return [_for_year(raw, year, problem) for year in years]


def _years(raw: LDict, kind: str, name: str, period: tuple[int, int],
           problem: Problem) -> list[int] | None:
    """The years of an item's `years:` (a year, 'YYYY-YYYY' or a list of years); None without
    one, [] when they are wrong (and reported)."""
    value = raw.get("years")
    if value is None or value is INVALID:
        return None
    line = raw.line_of("years")
    found: list[int] = []
    if isinstance(value, int) and not isinstance(value, bool):
        found = [value]
    elif isinstance(value, str) and (span := _YEARS.match(value.strip())):
        found = list(range(int(span.group(1)), int(span.group(2)) + 1))
    elif isinstance(value, LList) and value and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        found = sorted(set(value))
    if not found:
        problem(line, _cycle_message("years", kind).format(
            id=name, period=f"{period[0]}-{period[1]}", value=value))
        return []
    outside = [y for y in found if not period[0] <= y <= period[1]]
    if outside:
        problem(line, _cycle_message("outside", kind).format(
            id=name, period=f"{period[0]}-{period[1]}", years=", ".join(map(str, outside))))
        return []
    return found


def _for_year(raw: LDict, year: int, problem: Problem) -> LDict:
    def value(key: str, item: Any) -> Any:
        if isinstance(item, LDict):
            return _copy(item, convert=value)
        if isinstance(item, LList):
            seq = LList(value(key, v) for v in item)
            seq.line, seq.item_lines = item.line, list(item.item_lines)
            return seq
        if not isinstance(item, str):
            return item
        text = _YEAR.sub(lambda m: str(year + int(f"{m['sign'] or '+'}{m['n'] or 0}")), item)
        if key == "due" and text != item and _ISO_DAY.match(text.strip()):
            try:
                return date.fromisoformat(text.strip())
            except ValueError:
                problem(raw.line_of("due"), _("deadline '{deadline}' (for {year}) is not a "
                                              "date").format(deadline=text, year=year))
                return INVALID
        return text

    return _copy(raw, skip=CYCLE_ITEM_KEYS, convert=value)


def _cycle_message(problem: str, kind: str) -> str:
    """The message of a problem with a cycle's task, decision or document: a whole sentence
    for each kind, so that a language need not glue the kind's name in."""
    return {
        ("placeholder", "task"): _("unknown placeholder '{placeholder}' in cycle task '{id}'; "
                                   "use {{year}}, {{year-1}}, {{year+1}} or {{municipality}}"),
        ("placeholder", "decision"): _("unknown placeholder '{placeholder}' in cycle decision "
                                       "'{id}'; use {{year}}, {{year-1}}, {{year+1}} or "
                                       "{{municipality}}"),
        ("placeholder", "document"): _("unknown placeholder '{placeholder}' in cycle document "
                                       "'{id}'; use {{year}}, {{year-1}}, {{year+1}} or "
                                       "{{municipality}}"),
        ("id", "task"): _("cycle task '{id}' is for {years} years: its id needs {{year}} to be "
                          "one id per year"),
        ("id", "decision"): _("cycle decision '{id}' is for {years} years: its id needs "
                              "{{year}} to be one id per year"),
        ("id", "document"): _("cycle document '{id}' is for {years} years: its id needs "
                              "{{year}} to be one id per year"),
        ("years", "task"): _("years of cycle task '{id}' must be a year, two years "
                             "('{period}') or a list of years, not '{value}'"),
        ("years", "decision"): _("years of cycle decision '{id}' must be a year, two years "
                                 "('{period}') or a list of years, not '{value}'"),
        ("years", "document"): _("years of cycle document '{id}' must be a year, two years "
                                 "('{period}') or a list of years, not '{value}'"),
        ("outside", "task"): _("years of cycle task '{id}' must lie in the period {period}, "
                               "not {years}"),
        ("outside", "decision"): _("years of cycle decision '{id}' must lie in the period "
                                   "{period}, not {years}"),
        ("outside", "document"): _("years of cycle document '{id}' must lie in the period "
                                   "{period}, not {years}"),
    }[(problem, kind)]


def _copy(source: LDict, *, skip: frozenset[str] = frozenset(),
          convert: Callable[[str, Any], Any] | None = None) -> LDict:
    """`source`'s keys (but those in `skip`) with their lines, the values converted."""
    target = LDict()
    target.line, target.key_lines = source.line, {}
    for key, item in source.items():
        if key in skip:
            continue
        target[key] = convert(key, item) if convert else item
        target.key_lines[key] = source.line_of(key)
    return target


def _texts(raw: Any, line: int = 0) -> list[tuple[str, int]]:
    """Every text in an item's data, with its line."""
    if isinstance(raw, LDict):
        return [t for key, v in raw.items() for t in _texts(v, raw.line_of(key))]
    if isinstance(raw, LList):
        return [t for v, ln in zip(raw, raw.item_lines, strict=False) for t in _texts(v, ln)]
    return [(raw, line)] if isinstance(raw, str) else []
