"""Dates and moments written the Dutch way, and the Amsterdam clock they are read on.

A module of its own, importing nothing of ivpflow, so that both `dates` (which refuses bad
input with `errors`) and `i18n` (which `errors` speaks through) can use it without an import
circle. `dates` offers the same names.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Every event the history can hold, in Dutch (tests/test_report.py finds them in the code):
# the report and, under a Dutch locale, the history table say them so.
EVENT_NL = {"started": "gestart", "advanced": "naar volgende fase", "forced": "geforceerd",
            "reopened": "heropend", "done": "gereed", "decided": "besluit",
            "assigned": "toegewezen", "unassigned": "toewijzing vervallen",
            "meeting": "vergadering toegevoegd", "meeting-removed": "vergadering vervallen",
            "suspended": "opgeschort", "resumed": "hervat", "upgraded": "definitie bijgewerkt",
            "drafted": "concept gemaakt", "value-set": "gegeven ingevuld",
            "value-unset": "gegeven gewist", "priority-added": "prioriteit toegevoegd",
            "priority-removed": "prioriteit verwijderd",
            "indicator-added": "indicator toegevoegd",
            "indicator-removed": "indicator verwijderd", "action-added": "actie toegevoegd",
            "action-removed": "actie verwijderd", "mail-requeued": "bericht opnieuw verstuurd",
            "deleted": "verwijderd", "undone": "ongedaan gemaakt",
            "decision-corrected": "besluit gecorrigeerd",
            "meeting-schedule": "vergaderschema vastgelegd",
            "meeting-unscheduled": "vergaderschema beëindigd",
            "figures-imported": "cijfers opgehaald",
            "meetings-synced": "vergaderingen bijgewerkt"}

# Babel's nl_NL long format gives the same names; the tests compare both. Kept here because
# importing Babel costs more than the whole `status` command may.
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def local(moment: datetime) -> datetime:
    """The same moment in Europe/Amsterdam (naive values are taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM)


def dutch_date(day: date | None, *, weekday: bool = False, empty: str = "—") -> str:
    """Write a date as Dutch civil servants do: '30 november 2026' (optionally 'maandag …')."""
    if day is None:
        return empty
    text = f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"
    return f"{WEEKDAYS_NL[day.weekday()]} {text}" if weekday else text


def dutch_moment(moment: datetime | None, *, empty: str = "—") -> str:
    """Write a moment in Europe/Amsterdam as '30 november 2026 14:05'."""
    if moment is None:
        return empty
    at = local(moment)
    return f"{dutch_date(at.date())} {at:%H:%M}"
