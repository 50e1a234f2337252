"""The bounds of a definition's numbers and dates, so that what `check` accepts `start` can plan.

A plan runs four years. Every date a definition writes lies in the window of ivpflow.dates
(FIRST_DAY to LAST_DAY); a relative deadline moves at most about eight years; a chain of them
at most MAX_CHAIN_YEARS; a closure at most a year. Then every date the planning derives lies
within a few decades of the window, and the working-day calendar never counts centuries.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..i18n import _
from .model import Deadline

# The largest offset of one relative deadline, by unit: about eight years each.
MAX_OFFSET = {"working_days": 2000, "days": 2900, "weeks": 415, "months": 96}
# A duration or a lead time, in working days.
MAX_WORKING_DAYS = 2000
# Calendar days a chain of relative deadlines may add up to.
MAX_CHAIN_YEARS = 20
# The longest closed period or recess, and the longest stretch of closures run together:
# far below the stretch the working-day search gives up on (workdays.MAX_CLOSED_STRETCH).
MAX_CLOSED_DAYS = 366
# Calendar days per unit, rounded up: 5 working days take 7 days and some feestdagen.
_DAYS_PER = {"working_days": 1.5, "days": 1.0, "weeks": 7.0, "months": 31.0}

def offset_problem(deadline: Deadline) -> str | None:
    """Why a relative deadline moves too far, or None."""
    limit = MAX_OFFSET.get(deadline.unit)
    if limit is None or abs(deadline.amount) <= limit:
        return None
    message = {
        "working_days": _("deadline '{deadline}' moves {amount} working days; at most {most} "
                          "(about eight years)"),
        "days": _("deadline '{deadline}' moves {amount} days; at most {most} (about eight "
                  "years)"),
        "weeks": _("deadline '{deadline}' moves {amount} weeks; at most {most} (about eight "
                   "years)"),
        "months": _("deadline '{deadline}' moves {amount} months; at most {most} (about eight "
                    "years)"),
    }[deadline.unit]
    return message.format(deadline=deadline.text, amount=abs(deadline.amount), most=limit)


def days_moved(deadline: Deadline | None) -> float:
    """At most how many calendar days a relative deadline moves from its anchor."""
    if deadline is None or not deadline.is_relative:
        return 0.0
    # An offset past its own limit is reported as such; the chain counts it at the limit.
    amount = min(abs(deadline.amount), MAX_OFFSET.get(deadline.unit, 0))
    return amount * _DAYS_PER.get(deadline.unit, 31.0)


def longest_closure(periods: list[tuple[date, date]]) -> tuple[date, date] | None:
    """The longest stretch of closed periods run together (touching or overlapping)."""
    merged: list[list[date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if not merged:
        return None
    first, last = max(merged, key=lambda pair: pair[1] - pair[0])
    return first, last
