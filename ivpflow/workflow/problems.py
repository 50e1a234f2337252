"""The sentences of a definition's problems that depend on where the problem stands: the
place of a key, the kind of an item. Each place has a whole sentence of its own, so that the
Dutch catalogue can say it the Dutch way instead of gluing a translated noun into a frame.
"""

from __future__ import annotations

from ..dates import FIRST_DAY, LAST_DAY
from ..i18n import _, say_date


def outside(what: str, shown: str) -> str:
    """That a date (or a deadline's month) lies outside the window of ivpflow.dates: `what` is
    "deadline", "closing day" or the key the date is written under."""
    window = {"first": say_date(FIRST_DAY), "last": say_date(LAST_DAY)}
    if what == "deadline":
        return _("deadline {deadline} lies outside the dates ivpflow plans with "
                 "({first} to {last})").format(deadline=shown, **window)
    if what == "closing day":
        return _("closing day {day} lies outside the dates ivpflow plans with "
                 "({first} to {last})").format(day=shown, **window)
    return _("{key} {day} lies outside the dates ivpflow plans with "
             "({first} to {last})").format(key=what, day=shown, **window)


def unknown_key(what: str) -> str:
    """The message for a key not allowed where it stands, by the place (`unknown_keys`)."""
    return {
        "definition": _("unknown key '{key}' in definition; allowed: {allowed}"),
        "phase": _("unknown key '{key}' in phase; allowed: {allowed}"),
        "task": _("unknown key '{key}' in task; allowed: {allowed}"),
        "decision": _("unknown key '{key}' in decision; allowed: {allowed}"),
        "document": _("unknown key '{key}' in document; allowed: {allowed}"),
        "calendar": _("unknown key '{key}' in calendar; allowed: {allowed}"),
        "closed period": _("unknown key '{key}' in closed period; allowed: {allowed}"),
        "recess period": _("unknown key '{key}' in recess period; allowed: {allowed}"),
        "replaces": _("unknown key '{key}' in replaces; allowed: {allowed}"),
        "target": _("unknown key '{key}' in target; allowed: {allowed}"),
        "meeting": _("unknown key '{key}' in meeting; allowed: {allowed}"),
        "reminders": _("unknown key '{key}' in reminders; allowed: {allowed}"),
        "clock": _("unknown key '{key}' in clock; allowed: {allowed}"),
        "role": _("unknown key '{key}' in role '{role}'; allowed: {allowed}"),
    }[what]


def bad_id(what: str) -> str:
    """An id (of the definition, a phase or an item) written with other characters."""
    return {
        "definition": _("definition id '{id}' must be lower-case letters, digits and '-'"),
        "phase": _("phase id '{id}' must be lower-case letters, digits and '-'"),
        "task": _("task id '{id}' must be lower-case letters, digits and '-'"),
        "decision": _("decision id '{id}' must be lower-case letters, digits and '-'"),
        "document": _("document id '{id}' must be lower-case letters, digits and '-'"),
    }[what]


def long_id(what: str) -> str:
    """An id longer than the database keeps."""
    return {
        "definition": _("definition id '{id}…' is {length} characters long; ids are at most "
                        "{most}"),
        "phase": _("phase id '{id}…' is {length} characters long; ids are at most {most}"),
        "task": _("task id '{id}…' is {length} characters long; ids are at most {most}"),
        "decision": _("decision id '{id}…' is {length} characters long; ids are at most "
                      "{most}"),
        "document": _("document id '{id}…' is {length} characters long; ids are at most "
                      "{most}"),
    }[what]


def not_a_mapping(kind: str) -> str:
    """An entry of a phase's tasks, decisions or documents that is not a mapping."""
    return {
        "task": _("each task is a mapping with id and title"),
        "decision": _("each decision is a mapping with id and title"),
        "document": _("each document is a mapping with id and title"),
    }[kind]


def names_no_municipality(kind: str) -> str:
    """A per-municipality item whose title (a decision: body) does not name the gemeente."""
    return {
        "task": _("per_municipality task '{id}' must name {{municipality}} in its title"),
        "decision": _("per_municipality decision '{id}' must name {{municipality}} in its "
                      "body"),
        "document": _("per_municipality document '{id}' must name {{municipality}} in its "
                      "title"),
    }[kind]


def long_municipal_id(kind: str) -> str:
    """A per-municipality item whose id for the longest gemeente's name is too long."""
    return {
        "task": _("task id '{id}' (for {municipality}) is longer than {most} characters"),
        "decision": _("decision id '{id}' (for {municipality}) is longer than {most} "
                      "characters"),
        "document": _("document id '{id}' (for {municipality}) is longer than {most} "
                      "characters"),
    }[kind]
