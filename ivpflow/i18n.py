"""The language of the command line: English with ISO dates, or Dutch with Dutch dates.

Every sentence the command line prints goes through `_` (or `ngettext`), so that it comes
from the gettext catalogue in `ivpflow/locale/` when the language is Dutch. The catalogue is
extracted and compiled with Babel by `python3 tasks.py messages`; at run time only the
standard library's gettext reads the compiled `.mo` file.

The language is a setting of the process that runs (the `language` setting: IVPFLOW_LANGUAGE,
`ivpflow.toml`, else the locale's LC_ALL, LC_MESSAGES or LANG); library users who never call
`use` get English. Documents, mails, the report and the calendar export are always Dutch and do
not use this module.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

LANGUAGES = ("en", "nl")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "ivpflow"
# The locale variables in the order POSIX gives them precedence (LANGUAGE is GNU gettext's
# own list and wins over them when set).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def locale_language(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The language the locale asks for, and the variable that says so: ("nl", "LANG") for
    LANG=nl_NL.UTF-8; None when the locale names no language, or one ivpflow does not
    speak (then English is used, as for LANG=C)."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable)
        if not value:
            continue
        # LANGUAGE may be a list ("nl:en"); the first that ivpflow speaks counts.
        for entry in value.split(":") if variable == "LANGUAGE" else [value]:
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code, variable
        if variable != "LANGUAGE":
            return None  # LC_ALL=de_DE hides LANG: the locale is German, so English it is
    return None


def use(language: str) -> None:
    """Speak `language` ("en" or "nl") from now on in this process."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    _language = language
    if language == "en":
        _translation = _gettext.NullTranslations()
    else:
        _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def language() -> str:
    """The language in use: "en" or "nl"."""
    return _language


def _(message: str) -> str:
    """The message in the language in use."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, in the language in use."""
    return _translation.ngettext(singular, plural, count)


def say_kind(kind: str) -> str:
    """The kind of a row or a message as a table says it: 'task', in Dutch 'taak'."""
    return {"phase": _("phase"), "task": _("task"), "decision": _("decision"),
            "document": _("document"), "meeting": _("meeting"), "upcoming": _("upcoming"),
            "due": _("due"), "overdue": _("overdue"), "escalation": _("escalation"),
            "digest": _("digest")}.get(kind, kind)


def say_status(status: str) -> str:
    """The status of a phase, task or message as a table says it: 'done', in Dutch
    'afgerond'."""
    return {"done": _("done"), "active": _("active"), "pending": _("pending"),
            "open": _("open"), "queued": _("queued"), "sent": _("sent"), "failed": _("failed"),
            "cancelled": _("cancelled")}.get(status, status)


def say_date(day: date | None, *, weekday: bool = False, empty: str = "—") -> str:
    """A date as the command line writes it: ISO in English ("2026-11-24", "Tue 2026-11-24"),
    the Dutch way in Dutch ("24 november 2026", "dinsdag 24 november 2026")."""
    if day is None:
        return empty
    if _language == "nl":
        from .dutch import dutch_date

        return dutch_date(day, weekday=weekday)
    return f"{_WEEKDAYS_EN[day.weekday()]} {day.isoformat()}" if weekday else day.isoformat()


def say_moment(moment: datetime | None, *, empty: str = "—") -> str:
    """A moment in Europe/Amsterdam as the command line writes it: "2026-11-24 14:05" in
    English, "24 november 2026 14:05" in Dutch."""
    if moment is None:
        return empty
    from .dutch import dutch_moment, local

    if _language == "nl":
        return dutch_moment(moment)
    return f"{local(moment):%Y-%m-%d %H:%M}"
