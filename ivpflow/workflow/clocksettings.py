"""What a definition says about the four-year clock: its purpose (a new plan or an extension
of the current one), the months before the next process must start at which the clock
warns, and the day a raad decision extends the current plan until."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date, datetime
from typing import Protocol

from ..i18n import _
from .model import DEFAULT_WARN_MONTHS, PURPOSES
from .yamlsource import LDict


class DefinitionParser(Protocol):
    """What these readers need of `validation.DefinitionParser`: report a problem."""

    def problem(self, line: int, message: str) -> None: ...

    def string(self, data: LDict, key: str, *, required: bool = False) -> str | None: ...

    def unknown_keys(self, data: LDict, allowed: AbstractSet[str], what: str) -> None: ...

ADOPTING_BODY = "gemeenteraad"  # the body whose decision sets (or extends) the plan


def clock_settings(parser: DefinitionParser, data: LDict) -> tuple[str, tuple[int, ...]]:
    """The purpose and the clock's warning months, each problem reported to the parser."""
    purpose = parser.string(data, "purpose") or "plan"
    if purpose not in PURPOSES:
        parser.problem(data.line_of("purpose"), _("purpose '{purpose}' must be one of: "
                                                  "{purposes}").format(
            purpose=purpose, purposes=", ".join(PURPOSES)))
        purpose = "plan"
    raw = data.get("clock")
    if raw is None:
        return purpose, DEFAULT_WARN_MONTHS
    if not isinstance(raw, LDict):
        parser.problem(data.line_of("clock"), _("clock must be a mapping, e.g. "
                                                "{{warn_months: [12, 6, 3]}}").format())
        return purpose, DEFAULT_WARN_MONTHS
    parser.unknown_keys(raw, frozenset({"warn_months"}), "clock")
    months = raw.get("warn_months", list(DEFAULT_WARN_MONTHS))
    if (not isinstance(months, list) or not months
            or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 36
                       for n in months)):
        parser.problem(raw.line_of("warn_months"), _("clock.warn_months must be a list of "
                                                     "months between 1 and 36, e.g. [12, 6, 3]"))
        return purpose, DEFAULT_WARN_MONTHS
    return purpose, tuple(sorted(set(months), reverse=True))


def extends_day(parser: DefinitionParser, raw: LDict, item_id: str,
                body: str | None) -> date | None:
    """The day a decision extends the current plan until: only a gemeenteraad's."""
    value = raw.get("extends")
    if value is None:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        parser.problem(raw.line_of("extends"), _("extends of decision '{id}' must be a date "
                                                 "(YYYY-MM-DD), not '{value}'").format(
            id=item_id, value=value))
        return None
    if not (body or "").startswith(ADOPTING_BODY):
        parser.problem(raw.line_of("extends"), _("decision '{id}' of '{body}' cannot extend "
                                                 "the plan: only a gemeenteraad can").format(
            id=item_id, body=body))
        return None
    return value
