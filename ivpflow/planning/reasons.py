"""Why a date is at risk and what the four-year clock warns of: codes with their values,
said in the command line's language (English with ISO dates, or Dutch) and in Dutch by the
report, the mails and the calendar export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..dates import dutch_date

# Why a date is at risk, and what the four-year clock warns of: a code with its values, said
# in English by the command line and in Dutch by the report and the calendar export. Values
# in DATE_VALUES are ISO dates (None: not yet known).
REASONS: dict[str, tuple[str, str]] = {
    "no-meeting": (
        "no meeting of its body known after it can be ready: not before {not_before}",
        "geen vergadering van het orgaan bekend nadat de stukken klaar kunnen zijn: niet vóór "
        "{not_before}"),
    "waits-for": (
        "it follows '{decision}', which has no date yet: not before {not_before}",
        "volgt op '{decision}', dat nog geen datum heeft: niet vóór {not_before}"),
    "skipped": (
        "left open when its phase was left by a forced advance",
        "open gelaten toen de fase geforceerd werd afgesloten"),
    "after-deadline": (
        "forecast {forecast} is after the deadline {due}",
        "verwacht op {forecast}, na de termijn van {due}"),
    "after-latest": (
        "forecast {forecast} is after {latest}, the latest date to end '{target}' by {by}",
        "verwacht op {forecast}, na {latest}: de laatste dag om '{target}' vóór {by} af te "
        "ronden"),
    "after-period-start": (
        "adopted after the IVP period begins ({valid_from})",
        "vastgesteld na het begin van de IVP-periode ({valid_from})"),
    "plan-expires": (
        "the current plan ({plan}) expires on {until}, before the new IVP is forecast to be "
        "adopted ({forecast}): extend it by a raadsbesluit",
        "het huidige plan ({plan}) loopt af op {until}, vóór de verwachte vaststelling van het "
        "nieuwe IVP ({forecast}): verleng het met een raadsbesluit"),
    "adopted-late": (
        "the new IVP is forecast to be adopted on {forecast}, after its period begins on "
        "{valid_from}",
        "het nieuwe IVP wordt naar verwachting op {forecast} vastgesteld, na het begin van zijn "
        "periode op {valid_from}"),
    # An adopted plan without a successor in the store (planning.clock): `since` is the day
    # the warning began, the moment its mail goes out.
    "next-start-soon": (
        "the next IVP process must start by {by}, within {months}: the plan expires on "
        "{expires}",
        "het volgende IVP-proces moet uiterlijk {by} beginnen, binnen {months}: het plan loopt "
        "af op {expires}"),
    "next-start-passed": (
        "the next IVP process should have started by {by} and none has: the plan expires on "
        "{expires}",
        "het volgende IVP-proces had uiterlijk {by} moeten beginnen en is er niet: het plan "
        "loopt af op {expires}"),
    "plan-expired": (
        "the plan ({plan}) expired on {expires} without a successor: start the next process "
        "or extend the plan by a raadsbesluit",
        "het plan ({plan}) is op {expires} verlopen zonder opvolger: start het volgende proces "
        "of verleng het plan met een raadsbesluit"),
}
DATE_VALUES = frozenset({"forecast", "due", "latest", "by", "valid_from", "until",
                         "not_before", "expires", "since"})
_MONTHS = {"en": ("month", "months"), "nl": ("maand", "maanden")}
_UNKNOWN = {"en": ("not yet known", "the plan it replaces"),
            "nl": ("nog niet bekend", "het plan dat het vervangt")}


def reason(code: str, **values: date | str | int | None) -> dict[str, Any]:
    """A reason as plain data (what `plan --json` shows): its code and its values."""
    assert code in REASONS, code
    return {"code": code, **{name: value.isoformat() if isinstance(value, date) else value
                             for name, value in values.items()}}


def _iso_date(day: date) -> str:
    return day.isoformat()


def say(reasons: list[dict[str, Any]] | None, language: str = "en", *,
        dates: Callable[[date], str] | None = None) -> str | None:
    """Reasons as one sentence in English ("en", ISO dates) or Dutch ("nl", Dutch dates);
    None when there are none. `dates` writes the dates another way."""
    if not reasons:
        return None
    unknown_date, unknown_plan = _UNKNOWN[language]
    write = dates or (dutch_date if language == "nl" else _iso_date)
    sentences = []
    for one in reasons:
        values = {}
        for name, value in one.items():
            if name in DATE_VALUES:
                value = write(date.fromisoformat(value)) if value else unknown_date
            elif name == "months":
                value = f"{value} {_MONTHS[language][value != 1]}"
            values[name] = unknown_plan if name == "plan" and not value else value
        sentences.append(REASONS[one["code"]][language == "nl"].format(**values))
    return "; ".join(sentences)


def say_in_json(reasons: list[dict[str, Any]] | None) -> str | None:
    """Reasons as the `why` and `warnings` of the JSON output say them: English with Dutch
    dates, as they always have (CONTRACT.md: JSON output does not change with the language;
    a program reads the codes and ISO dates of `reasons`)."""
    return say(reasons, "en", dates=dutch_date)
