"""The product's exceptions: one base class, one subclass per kind of refusal.

Each keeps the bad value and what is allowed as attributes and builds its own one-line
message from them, in the language of the command line (`i18n`); the command line prints that
line after "Error: ".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from .i18n import _, ngettext, say_date


def _listing(names: Iterable[str], *, limit: int | None = None) -> str:
    names = list(names)
    shown = names if limit is None else names[:limit]
    text = ", ".join(shown) + (", …" if len(names) > len(shown) else "")
    return text or _("none")


def listing(names: Iterable[str]) -> str:
    """Names for a message, comma-separated; "none" (in the language in use) when empty."""
    return _listing(names)


# Up to this many allowed values a refusal lists them all; beyond, only the nearest.
SHORT_LIST = 8


def nearest(value: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """The names closest to a mistyped value, best first: the same but for case, then those
    it begins or is part of, then the most similar (difflib); at most `limit`."""
    from difflib import get_close_matches

    names = list(dict.fromkeys(names))
    wanted = value.strip().lower()
    if not wanted:
        return []
    folded = {name.lower(): name for name in names}
    found = [folded[wanted]] if wanted in folded else []
    if len(wanted) >= 2:
        found += [n for n in names if n.lower().startswith(wanted)]
        found += [n for n in names if wanted in n.lower()]
    found += [folded[n] for n in get_close_matches(wanted, list(folded), n=limit, cutoff=0.7)]
    return list(dict.fromkeys(found))[:limit]


def _kinds() -> dict[str, tuple[str, str]]:
    """The names of the things a refusal is about, singular and plural, in the language in use
    (built per message, so that they follow `i18n.use`)."""
    return {
        "workflow": (_("workflow"), _("workflows")),
        "process": (_("process"), _("processes")),
        "phase": (_("phase"), _("phases")),
        "task": (_("task"), _("tasks")),
        "decision": (_("decision"), _("decisions")),
        "document": (_("document"), _("documents")),
        # The English plural as the messages have always said it (the last word's -s).
        "task/document": (_("task/document"), _("task/documents")),
        "decision/task/document": (_("decision/task/document"),
                                   _("decision/task/documents")),
        "role": (_("role"), _("roles")),
        "meeting": (_("meeting"), _("meetings")),
        "meeting schedule": (_("meeting schedule"), _("meeting schedules")),
        "priority": (_("priority"), _("priorities")),
        "indicator": (_("indicator"), _("indicators")),
        "action": (_("action"), _("actions")),
        "value": (_("value"), _("values")),
        "set": (_("set"), _("set")),  # the values set: "; set: a, b" after an unknown one
        "outcome": (_("outcome"), _("outcomes")),
        "format": (_("format"), _("formats")),
        "meeting source": (_("meeting source"), _("meeting sources")),
        "key": (_("key"), _("keys")),
        "date": (_("date"), _("dates")),
        "moment": (_("moment"), _("moments")),
        "closing day": (_("closing day"), _("closing days")),
    }


def _singular(kind: str) -> str:
    return _kinds().get(kind, (kind, kind + "s"))[0]


def kind_name(kind: str) -> str:
    """The name of a kind of thing ('task', 'role', 'priority', …) in the language in use."""
    return _singular(kind)


def _plural(kind: str, plural: str | None = None) -> str:
    """The plural of a kind (or of the kind `plural` names) in the language in use; an
    unknown one as given, or with the English -s."""
    if plural is not None:
        return _kinds()[plural][1] if plural in _kinds() else plural
    return _kinds().get(kind, (kind, kind + "s"))[1]


def _choices(value: object, names: Sequence[str], plural: str, *, label: str | None = None,
             where: str = "the") -> str:
    """What a refusal offers instead of an unknown value: all names when there are few (after
    `label`, default `plural`), the nearest when there are many, and how many there are when
    none is near. `plural` and `label` are already in the language in use."""
    if len(names) <= SHORT_LIST:
        return _("; {things}: {names}").format(things=label or plural, names=_listing(names))
    near = nearest(str(value), names)
    if near:
        quoted = [f"'{name}'" for name in near]
        return _("; did you mean {names}?").format(names=_(" or ").join(quoted))
    if where == "its":
        return _("; none of its {count} {things} is like it").format(count=len(names),
                                                                     things=plural)
    return _("; none of the {count} {things} is like it").format(count=len(names),
                                                                 things=plural)


def day_examples() -> str:
    """The forms of a date a refusal shows (`dates.DAY_EXAMPLES`) in the language in use; the
    Dutch forms are read in both languages."""
    return _("e.g. 2026-06-01, 1-6-2026, 1/6/2026, 1 juni 2026, vandaag, morgen or vrijdag")


def moment_examples() -> str:
    """The forms of a moment a refusal shows (`dates.MOMENT_EXAMPLES`) in the language in use."""
    return _("e.g. 2026-06-01, 2026-06-01T08:00, 1-6-2026 08:00, 1 juni 2026, vandaag or "
             "morgen 08:00")


def _day(value: object) -> str:
    """A date as the command line writes it (ISO, or Dutch in Dutch); anything else as is."""
    return say_date(value) if isinstance(value, date) else str(value)


def _shown(value: object) -> str:
    """A value as a message quotes it, on one line: control characters escaped."""
    if not isinstance(value, str):
        return str(value)
    return f"'{value}'" if value.isprintable() else repr(value)


class IvpflowError(Exception):
    """A request ivpflow could not carry out; the message is one line for the user."""


def error_line(exc: BaseException, limit: int = 500) -> str:
    """Any error as one line for a log or a report: ivpflow's own as they are, others
    after their type's name."""
    text = " ".join(str(exc).split())
    if isinstance(exc, IvpflowError) and text:
        line = text
    else:
        line = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return line if len(line) <= limit else line[:limit - 1] + "…"


class DefinitionError(IvpflowError):
    """A workflow definition file is malformed or inconsistent."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else _("invalid definition")
        more = len(self.problems) - 1
        if more > 0:
            first = ngettext("{problem} (and {count} more problem)",
                             "{problem} (and {count} more problems)", more).format(
                problem=first, count=more)
        super().__init__(first)


class UnknownWorkflowError(IvpflowError):
    """No definition with this id is available."""

    def __init__(self, workflow: str, available: Iterable[str]) -> None:
        self.workflow = workflow
        self.available = sorted(available)
        super().__init__(_("Unknown workflow '{workflow}'").format(workflow=workflow)
                         + _choices(workflow, self.available, _plural("workflow"),
                                    label=_("available")))


class UnknownProcessError(IvpflowError):
    """No process with this id exists (or none was named and there is not exactly one)."""

    def __init__(self, process_id: str | None, available: Iterable[str] = ()) -> None:
        self.process_id = process_id
        self.available = sorted(available)
        if process_id is None:
            if self.available:
                msg = _("More than one process; name one of: {processes}").format(
                    processes=_listing(self.available, limit=SHORT_LIST))
            else:
                msg = _("No process yet; start one with 'ivpflow start WORKFLOW'")
        else:
            msg = _("Unknown process '{process_id}'").format(process_id=process_id) + _choices(
                process_id, self.available, _plural("process"), label=_("known"))
        super().__init__(msg)


class UnknownItemError(IvpflowError):
    """The process has no task, decision, document, role, priority, … with this id."""

    def __init__(self, process_id: str, kind: str, item: str, available: Iterable[str],
                 *, plural: str | None = None) -> None:
        self.process_id, self.kind, self.item = process_id, kind, item
        self.available = sorted(available)
        choices = _choices(item, self.available, _plural(kind, plural), where="its")
        if len(self.available) > SHORT_LIST and not nearest(item, self.available):
            choices += _(" (see 'ivpflow status {process_id}')").format(process_id=process_id)
        super().__init__(_("Process '{process_id}' has no {kind} '{item}'").format(
            process_id=process_id, kind=_singular(kind), item=item) + choices)


class UnknownPhaseError(IvpflowError):
    """The process's definition has no phase with this id."""

    def __init__(self, process_id: str, phase: str, available: Sequence[str]) -> None:
        self.process_id, self.phase, self.available = process_id, phase, list(available)
        super().__init__(_("Process '{process_id}' has no phase '{phase}'").format(
            process_id=process_id, phase=phase)
            + _choices(phase, self.available, _plural("phase"), where="its"))


class InvalidValueError(IvpflowError):
    """A value given on the command line or to the library breaks a rule: '<what> <value>
    <rule>', `what` a noun (or empty) and `rule` the rest of the sentence, both in the language
    in use."""

    def __init__(self, what: str, value: object, rule: str) -> None:
        self.what, self.value, self.rule = what, value, rule
        shown = _shown(value)
        super().__init__(" ".join(part for part in (what, shown, rule) if part))


def _character(char: str, code: int, one_line: bool) -> tuple[str, str]:
    """What a character is that text may not hold, and why, in the language in use."""
    if 0xD800 <= code <= 0xDFFF:
        return _("a lone surrogate"), _("it is not a character (was the input valid UTF-8?)")
    if code >= 0xFDD0 and (code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
        return _("a non-character"), _("no document can hold it")
    kind = {"\t": _("a tab"), "\n": _("a line break"),
            "\r": _("a carriage return")}.get(char, _("a control character"))
    return kind, (_("it must be one line, without tabs or other control characters")
                  if one_line else _("only line breaks and tabs are allowed"))


class TextError(InvalidValueError):
    """Text holds a character ivpflow does not keep: a control character (other than a line
    break or a tab in text of several lines), a lone surrogate or a non-character."""

    def __init__(self, what: str, value: str, index: int, *, one_line: bool = False) -> None:
        self.index, self.character, self.one_line = index, value[index], one_line
        code = ord(value[index])
        kind, rule = _character(value[index], code, one_line)
        # A long text is quoted around the character, so the message stays one short line.
        start = max(0, index - 30) if len(value) > 60 else 0
        end = start + 60
        excerpt = ("…" if start else "") + value[start:end] + ("…" if end < len(value) else "")
        IvpflowError.__init__(self, _(
            "{what} {text} contains {character} (U+{code}) at position {position}; {rule}"
        ).format(what=what, text=_shown(excerpt), character=kind, code=f"{code:04X}",
                 position=index + 1, rule=rule))
        self.what, self.value, self.rule = what, value, rule


class UnknownChoiceError(InvalidValueError):
    """A value is not one of the few that are allowed (an outcome, a format, a key, …)."""

    def __init__(self, what: str, value: object, allowed: Iterable[str], *,
                 plural: str | None = None) -> None:
        self.allowed = list(allowed)
        IvpflowError.__init__(self, _("Unknown {what} '{value}'").format(
            what=_singular(what), value=value)
            + _choices(value, self.allowed, _plural(what, plural)))
        self.what, self.value, self.rule = what, value, "is not allowed"


class NotADateError(InvalidValueError):
    """Text that should be a date (or a moment, or a time) is not one."""

    def __init__(self, option: str, text: str, *, kind: str = "date",
                 formats: str = "YYYY-MM-DD") -> None:
        self.kind, self.formats = kind, formats
        rules = {"date": _("is not a date; use {formats}"),
                 "date or moment": _("is not a date or moment; use {formats}"),
                 "moment": _("is not a moment; use {formats}"),
                 "time": _("is not a time; use {formats}")}
        rule = rules.get(kind, _("is not a {kind}; use {formats}")).format(kind=kind,
                                                                          formats=formats)
        super().__init__(option, text, rule)


class OutOfOrderError(InvalidValueError):
    """A date lies on the wrong side of another one: '<what> <day> lies <side> <other>'."""

    def __init__(self, what: str, day: object, side: str, other: object, *,
                 label: str = "", note: str = "") -> None:
        self.side, self.other = side, other
        if side not in ("before", "after"):  # a side of its own, in the language in use
            sentence = (_("{what} {day} lies {side} {label} ({other})") if label
                        else _("{what} {day} lies {side} {other}"))
        elif label:
            sentence = (_("{what} {day} lies before {label} ({other})") if side == "before"
                        else _("{what} {day} lies after {label} ({other})"))
        else:
            sentence = (_("{what} {day} lies before {other}") if side == "before"
                        else _("{what} {day} lies after {other}"))
        text = sentence.format(what=what, day=_day(day), side=side, label=label,
                               other=_day(other))
        IvpflowError.__init__(self, _("{fact}; {note}").format(fact=text, note=note)
                              if note else text)
        self.what, self.value, self.rule = what, day, f"lies {side} {other}"


class ExclusiveOptionsError(InvalidValueError):
    """Exactly one of several options must be given."""

    def __init__(self, options: Sequence[str], why: str) -> None:
        self.options = list(options)
        IvpflowError.__init__(self, _("Name exactly one of {options}: {why}").format(
            options=_(" and ").join(options), why=why))
        self.what, self.value, self.rule = "options", " ".join(options), "exactly one"


class MissingReasonError(InvalidValueError):
    """A change that is recorded with a reason was asked for without one."""

    def __init__(self, command: str, option: str = "--reason") -> None:
        self.command, self.option = command, option
        IvpflowError.__init__(self, _("{command} needs {option} TEXT: the reason is recorded")
                              .format(command=command, option=option))
        self.what, self.value, self.rule = option, "", "is required"


class MissingOptionError(InvalidValueError):
    """A request needs an option that was not given."""

    def __init__(self, option: str, why: str) -> None:
        self.option = option
        IvpflowError.__init__(self, _("Missing {option}: {why}").format(option=option, why=why))
        self.what, self.value, self.rule = option, "", "is required"


def _cannot(action: str, subject: str, reason: str) -> str:
    """'Cannot <action> <subject>: <reason>' as one sentence of the language in use."""
    sentences = {
        "write": _("Cannot write {subject}: {reason}"),
        "read": _("Cannot read {subject}: {reason}"),
        "read meetings from": _("Cannot read meetings from {subject}: {reason}"),
        "create --out folder": _("Cannot create --out folder {subject}: {reason}"),
        "write draft": _("Cannot write draft {subject}: {reason}"),
        "open": _("Cannot open {subject}: {reason}"),
        "upgrade": _("Cannot upgrade {subject}: {reason}"),
        "use": _("Cannot use {subject}: {reason}"),
        "use store folder": _("Cannot use store folder {subject}: {reason}"),
        "create store folder": _("Cannot create store folder {subject}: {reason}"),
        "use database URL": _("Cannot use database URL {subject}: {reason}"),
    }
    return sentences.get(action, _("Cannot {action} {subject}: {reason}")).format(
        action=action, subject=subject, reason=reason)


class FileAccessError(InvalidValueError):
    """A file or folder the request names cannot be read or written."""

    def __init__(self, action: str, path: object, reason: str) -> None:
        self.action, self.path, self.reason = action, path, reason
        IvpflowError.__init__(self, _cannot(action, f"'{path}'", reason))
        self.what, self.value, self.rule = action, path, reason


class ProcessExistsError(IvpflowError):
    """A process with this id exists already."""

    def __init__(self, process_id: str) -> None:
        self.process_id = process_id
        super().__init__(_("A process with id '{process_id}' exists already; choose another "
                           "--id").format(process_id=process_id))


class TransitionError(IvpflowError):
    """A phase change is not allowed from the process's current phase."""

    def __init__(self, process_id: str | None, phase: str, reason: str) -> None:
        self.process_id, self.phase, self.reason = process_id, phase, reason
        super().__init__(reason)


def _blocker_label(label: str) -> str:
    """A label of `store.rows.blockers` (which the history keeps as it is) in the language in
    use."""
    return {"open tasks": _("open tasks"), "open documents": _("open documents"),
            "decisions without a positive outcome": _("decisions without a positive outcome"),
            }.get(label, label)


class BlockedError(TransitionError):
    """Advancing is refused because required tasks or decisions are still open."""

    def __init__(self, process_id: str, phase: str, blockers: dict[str, list[str]]) -> None:
        self.blockers = blockers
        parts = [f"{_blocker_label(label)}: {', '.join(ids)}"
                 for label, ids in blockers.items() if ids]
        super().__init__(process_id, phase, _(
            "Cannot advance '{process_id}' from '{phase}': {blockers} (use --force --reason "
            "TEXT to override)").format(process_id=process_id, phase=phase,
                                        blockers="; ".join(parts)))


class SuspendedError(TransitionError):
    """The process is suspended; it cannot advance until it is resumed."""

    def __init__(self, process_id: str, phase: str, since: str, why: str) -> None:
        self.since, self.why = since, why
        super().__init__(process_id, phase, _(
            "Process '{process_id}' is suspended since {since} ({why}); resume it first with "
            "'ivpflow resume {process_id}'").format(process_id=process_id, since=since, why=why))


class AlreadyDoneError(IvpflowError):
    """What is asked was done before; nothing is overwritten. `subject` and `state` make the
    sentence ('<subject> <state>'); a caller with a whole sentence gives it as `subject` and
    leaves `state` empty."""

    def __init__(self, subject: str, state: str, *, unchanged: bool = True) -> None:
        self.subject, self.state = subject, state
        fact = f"{subject} {state}" if state else subject
        super().__init__(_("{fact}; nothing changed").format(fact=fact) if unchanged else fact)


class ConflictError(IvpflowError):
    """The process's version changed between reading and writing it; nothing was changed."""

    def __init__(self, process_id: str, version: int | None = None) -> None:
        self.process_id, self.version = process_id, version
        super().__init__(_(
            "Process '{process_id}' was changed by someone else at the same moment; nothing was "
            "changed, look at 'ivpflow status' and try again").format(process_id=process_id))


class StoreError(IvpflowError):
    """The database cannot be opened, is not an ivpflow database, or failed a request:
    'Cannot <action> <database>: <reason>'."""

    def __init__(self, action: str, database: str, reason: str) -> None:
        self.action, self.database, self.reason = action, database, reason
        super().__init__(_cannot(action, database, reason))


class NoStoreError(IvpflowError):
    """A command that only reads found no store (or no ivpflow database) where it looked,
    and created none."""

    def __init__(self, where: str, reason: str) -> None:
        self.where, self.reason = where, reason
        super().__init__(_(
            "No ivpflow store at {where} ({reason}); start a process with 'ivpflow start "
            "WORKFLOW', or point --store/--db or ivpflow.toml at your store").format(
            where=where, reason=reason))


class StoreBusyError(StoreError):
    """Another writer held the database longer than the busy timeout; nothing was changed."""

    def __init__(self, database: str, seconds: int) -> None:
        self.seconds = seconds
        IvpflowError.__init__(self, _(
            "{database} was busy with another change for more than {seconds} s; nothing was "
            "changed, try again").format(database=database, seconds=seconds))
        self.action, self.database, self.reason = "change", database, "busy"


class UpgradeRefusedError(IvpflowError):
    """A corrected definition cannot be taken into a process as asked; nothing was changed."""

    def __init__(self, process_id: str, reason: str) -> None:
        self.process_id, self.reason = process_id, reason
        super().__init__(_("Cannot upgrade '{process_id}': {reason}").format(
            process_id=process_id, reason=reason))


# --- meetings as the griffie keeps them (issue 16, point 4) --------------------------------


class MeetingDayError(IvpflowError):
    """A meeting falls on a day its body does not meet: a weekend, feestdag or closing day,
    a council recess, or outside the days the process plans on."""

    def __init__(self, subject: str, why: str) -> None:
        self.subject, self.why = subject, why
        super().__init__(_(
            "{subject} is refused: {why}; nothing changed (--force adds it anyway, recorded in "
            "the history)").format(subject=subject, why=why))


# --------------------------------------------------------------------------- corrections (undo)


class UndoRefusedError(IvpflowError):
    """The last event of a process cannot be taken back; nothing was changed."""

    def __init__(self, process_id: str, event: str, when: str, reason: str) -> None:
        self.process_id, self.event, self.when, self.reason = process_id, event, when, reason
        super().__init__(_(
            "Cannot undo '{event}' of {when} in '{process_id}': {reason}; nothing changed")
            .format(event=event, when=when, process_id=process_id, reason=reason))


class CorrectionRefusedError(IvpflowError):
    """A decision cannot be corrected as asked; nothing was changed."""

    def __init__(self, subject: str, reason: str) -> None:
        self.subject, self.reason = subject, reason
        super().__init__(_("Cannot correct {subject}: {reason}; nothing changed").format(
            subject=subject, reason=reason))


# --- typing: dates and ids as people type them (issue 15, point 3) ---


class SwappedArgumentsError(UnknownProcessError):
    """The process id and the item were given the other way round."""

    def __init__(self, process_id: str, available: Iterable[str], suggestion: str) -> None:
        UnknownProcessError.__init__(self, process_id, available)
        self.suggestion = suggestion
        IvpflowError.__init__(self, _(
            "Unknown process '{process_id}', but it is an item and the item is a process: did "
            "you mean '{suggestion}'?").format(process_id=process_id, suggestion=suggestion))


class BackdatedError(OutOfOrderError):
    """A write acts at a moment earlier than the process's last event (or dates a decision
    before the process began); refused unless forced, so that the history stays in order.

    `fact` says it in the language in use (for the warning a forced write prints); `recorded`
    says it the one way the history keeps it, whatever the language."""

    def __init__(self, what: str, moment: str, other: str, label: str, *,
                 recorded: str | None = None) -> None:
        OutOfOrderError.__init__(self, what, moment, "before", other, label=label,
                                 note=_("use --force to record it anyway"))
        self.fact = _("{what} {day} lies before {label} ({other})").format(
            what=what, day=moment, label=label, other=other)
        self.recorded = recorded or self.fact


# -- bounded input (issue 15, point 5): dates, numbers, files and templates within limits


class DateOutOfRangeError(InvalidValueError):
    """A date lies outside the years ivpflow plans with."""

    def __init__(self, what: str, value: object, first: object, last: object) -> None:
        self.first, self.last = first, last
        super().__init__(_singular(what), value, _(
            "lies outside the dates ivpflow plans with ({first} to {last})").format(
            first=_day(first), last=_day(last)))


class CorruptStoreError(StoreError):
    """The SQLite file is damaged; nothing is read from it as if whole, nor written into it."""

    def __init__(self, file: str, reason: str) -> None:
        recovered = (file.removesuffix(".sqlite3") + "-recovered.sqlite3"
                     if file.endswith(".sqlite3") else file + ".recovered")
        IvpflowError.__init__(self, _(
            "{file} is damaged ({reason}); nothing was changed. Save what it holds with: "
            "sqlite3 {file} \".recover\" | sqlite3 {recovered}").format(
            file=file, reason=reason, recovered=recovered))
        self.action, self.database, self.reason = "use", file, reason
        self.file, self.recovered = file, recovered


# --- the four-year clock and extensions (issue 16, points 1 and 2)


class ExtensionError(InvalidValueError):
    """A decision cannot extend the current plan as asked; nothing was recorded."""

    def __init__(self, decision: str, reason: str) -> None:
        self.decision, self.reason = decision, reason
        IvpflowError.__init__(self, _("Decision '{decision}' cannot extend the plan: {reason}")
                              .format(decision=decision, reason=reason))



# --- figures for the veiligheidsanalyse (issue 17, `ivpflow cijfers`)


class UnknownGemeenteError(InvalidValueError):
    """A name is not one of the gemeenten of the Netherlands (nor one dissolved since 2018)."""

    def __init__(self, name: str, near: Sequence[str]) -> None:
        self.what, self.value, self.near = "gemeente", name, list(near)
        self.rule = "is not a gemeente of the Netherlands"
        if near:
            text = _("'{name}' is not a gemeente of the Netherlands; did you mean {near}?")
            message = text.format(name=name, near=" or ".join(f"'{n}'" for n in near))
        else:
            message = _("'{name}' is not a gemeente of the Netherlands").format(name=name)
        IvpflowError.__init__(self, message)


class MergedGemeenteError(InvalidValueError):
    """A gemeente no longer exists: it was dissolved in a herindeling."""

    def __init__(self, name: str, day: object, into: Sequence[str]) -> None:
        assert isinstance(day, date)
        self.what, self.value, self.day, self.into = "gemeente", name, day, list(into)
        self.rule = "was dissolved"
        joined = _listing(into)
        IvpflowError.__init__(self, _(
            "Gemeente '{name}' was dissolved on {day} and went into {into}; name the gemeente "
            "it went into in the workflow instead").format(name=name, day=say_date(day),
                                                           into=joined))


class OpenDataError(IvpflowError):
    """An open-data service answered, but not with the table or figures asked for."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        IvpflowError.__init__(self, _("{url}: {reason}").format(url=url, reason=reason))


class OfflineError(IvpflowError):
    """An open-data service cannot be reached; the message says how to import by hand."""

    def __init__(self, url: str, reason: str, process_id: str) -> None:
        self.url, self.reason, self.process_id = url, reason, process_id
        IvpflowError.__init__(self, _(
            "Cannot reach {url} ({reason}); nothing was changed. Download the table as CSV "
            "from StatLine and import it with: ivpflow cijfers {process} --from-file FILE"
        ).format(url=url, reason=reason, process=process_id))


class FigureFileError(InvalidValueError):
    """A file given with --from-file is not a StatLine CSV export ivpflow can read."""

    def __init__(self, file: str, reason: str) -> None:
        self.what, self.value, self.rule = "file", file, reason
        IvpflowError.__init__(self, _("{file}: {reason}; nothing was changed").format(
            file=file, reason=reason))
