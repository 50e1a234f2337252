"""The product's exceptions: one base class, one subclass per kind of refusal.

Each keeps the bad value and what is allowed as attributes and builds its own one-line
message from them; the command line prints that line after "Error: ".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def _listing(names: Iterable[str], *, limit: int | None = None) -> str:
    names = list(names)
    shown = names if limit is None else names[:limit]
    text = ", ".join(shown) + (", …" if len(names) > len(shown) else "")
    return text or "none"


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


def _choices(value: object, names: Sequence[str], plural: str, *, label: str | None = None,
             where: str = "the") -> str:
    """What a refusal offers instead of an unknown value: all names when there are few (after
    `label`, default `plural`), the nearest when there are many, and how many there are when
    none is near."""
    if len(names) <= SHORT_LIST:
        return f"; {label or plural}: {_listing(names)}"
    near = nearest(str(value), names)
    if near:
        return "; did you mean " + " or ".join(f"'{name}'" for name in near) + "?"
    return f"; none of {where} {len(names)} {plural} is like it"


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
        first = self.problems[0] if self.problems else "invalid definition"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(first + suffix)


class UnknownWorkflowError(IvpflowError):
    """No definition with this id is available."""

    def __init__(self, workflow: str, available: Iterable[str]) -> None:
        self.workflow = workflow
        self.available = sorted(available)
        super().__init__(f"Unknown workflow '{workflow}'"
                         + _choices(workflow, self.available, "workflows", label="available"))


class UnknownProcessError(IvpflowError):
    """No process with this id exists (or none was named and there is not exactly one)."""

    def __init__(self, process_id: str | None, available: Iterable[str] = ()) -> None:
        self.process_id = process_id
        self.available = sorted(available)
        if process_id is None:
            if self.available:
                msg = ("More than one process; name one of: "
                       f"{_listing(self.available, limit=SHORT_LIST)}")
            else:
                msg = "No process yet; start one with 'ivpflow start WORKFLOW'"
        else:
            msg = f"Unknown process '{process_id}'" + _choices(
                process_id, self.available, "processes", label="known")
        super().__init__(msg)


class UnknownItemError(IvpflowError):
    """The process has no task, decision, document, role, priority, … with this id."""

    def __init__(self, process_id: str, kind: str, item: str, available: Iterable[str],
                 *, plural: str | None = None) -> None:
        self.process_id, self.kind, self.item = process_id, kind, item
        self.available = sorted(available)
        choices = _choices(item, self.available, plural or kind + "s", where="its")
        if choices.startswith("; none of"):
            choices += f" (see 'ivpflow status {process_id}')"
        super().__init__(f"Process '{process_id}' has no {kind} '{item}'{choices}")


class UnknownPhaseError(IvpflowError):
    """The process's definition has no phase with this id."""

    def __init__(self, process_id: str, phase: str, available: Sequence[str]) -> None:
        self.process_id, self.phase, self.available = process_id, phase, list(available)
        super().__init__(f"Process '{process_id}' has no phase '{phase}'"
                         + _choices(phase, self.available, "phases", where="its"))


class InvalidValueError(IvpflowError):
    """A value given on the command line or to the library breaks a rule."""

    def __init__(self, what: str, value: object, rule: str) -> None:
        self.what, self.value, self.rule = what, value, rule
        shown = _shown(value)
        super().__init__(" ".join(part for part in (what, shown, rule) if part))


_CHARACTER_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}


class TextError(InvalidValueError):
    """Text holds a character ivpflow does not keep: a control character (other than a line
    break or a tab in text of several lines), a lone surrogate or a non-character."""

    def __init__(self, what: str, value: str, index: int, *, one_line: bool = False) -> None:
        self.index, self.character, self.one_line = index, value[index], one_line
        char, code = value[index], ord(value[index])
        if 0xD800 <= code <= 0xDFFF:
            kind, rule = "a lone surrogate", "it is not a character (was the input valid UTF-8?)"
        elif code >= 0xFDD0 and (code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
            kind, rule = "a non-character", "no document can hold it"
        else:
            kind = _CHARACTER_NAMES.get(char, "a control character")
            rule = ("it must be one line, without tabs or other control characters"
                    if one_line else "only line breaks and tabs are allowed")
        # A long text is quoted around the character, so the message stays one short line.
        start = max(0, index - 30) if len(value) > 60 else 0
        end = start + 60
        excerpt = ("…" if start else "") + value[start:end] + ("…" if end < len(value) else "")
        IvpflowError.__init__(self, f"{what} {_shown(excerpt)} contains {kind} (U+{code:04X}) "
                                    f"at position {index + 1}; {rule}")
        self.what, self.value, self.rule = what, value, rule


class UnknownChoiceError(InvalidValueError):
    """A value is not one of the few that are allowed (an outcome, a format, a key, …)."""

    def __init__(self, what: str, value: object, allowed: Iterable[str], *,
                 plural: str | None = None) -> None:
        self.allowed = list(allowed)
        IvpflowError.__init__(self, f"Unknown {what} '{value}'"
                              + _choices(value, self.allowed, plural or what + "s"))
        self.what, self.value, self.rule = what, value, "is not allowed"


class NotADateError(InvalidValueError):
    """Text that should be a date (or a moment, or a time) is not one."""

    def __init__(self, option: str, text: str, *, kind: str = "date",
                 formats: str = "YYYY-MM-DD") -> None:
        self.kind, self.formats = kind, formats
        super().__init__(option, text, f"is not a {kind}; use {formats}")


class OutOfOrderError(InvalidValueError):
    """A date lies on the wrong side of another one: '<what> <day> lies <side> <other>'."""

    def __init__(self, what: str, day: object, side: str, other: object, *,
                 label: str = "", note: str = "") -> None:
        self.side, self.other = side, other
        IvpflowError.__init__(self, f"{what} {day} lies {side} "
                              + (f"{label} ({other})" if label else f"{other}")
                              + (f"; {note}" if note else ""))
        self.what, self.value, self.rule = what, day, f"lies {side} {other}"


class ExclusiveOptionsError(InvalidValueError):
    """Exactly one of several options must be given."""

    def __init__(self, options: Sequence[str], why: str) -> None:
        self.options = list(options)
        IvpflowError.__init__(self, f"Name exactly one of {' and '.join(options)}: {why}")
        self.what, self.value, self.rule = "options", " ".join(options), "exactly one"


class MissingReasonError(InvalidValueError):
    """A change that is recorded with a reason was asked for without one."""

    def __init__(self, command: str, option: str = "--reason") -> None:
        self.command, self.option = command, option
        IvpflowError.__init__(self, f"{command} needs {option} TEXT: the reason is recorded")
        self.what, self.value, self.rule = option, "", "is required"


class MissingOptionError(InvalidValueError):
    """A request needs an option that was not given."""

    def __init__(self, option: str, why: str) -> None:
        self.option = option
        IvpflowError.__init__(self, f"Missing {option}: {why}")
        self.what, self.value, self.rule = option, "", "is required"


class FileAccessError(InvalidValueError):
    """A file or folder the request names cannot be read or written."""

    def __init__(self, action: str, path: object, reason: str) -> None:
        self.action, self.path, self.reason = action, path, reason
        IvpflowError.__init__(self, f"Cannot {action} '{path}': {reason}")
        self.what, self.value, self.rule = action, path, reason


class ProcessExistsError(IvpflowError):
    """A process with this id exists already."""

    def __init__(self, process_id: str) -> None:
        self.process_id = process_id
        super().__init__(f"A process with id '{process_id}' exists already; choose another --id")


class TransitionError(IvpflowError):
    """A phase change is not allowed from the process's current phase."""

    def __init__(self, process_id: str | None, phase: str, reason: str) -> None:
        self.process_id, self.phase, self.reason = process_id, phase, reason
        super().__init__(reason)


class BlockedError(TransitionError):
    """Advancing is refused because required tasks or decisions are still open."""

    def __init__(self, process_id: str, phase: str, blockers: dict[str, list[str]]) -> None:
        self.blockers = blockers
        parts = [f"{label}: {', '.join(ids)}" for label, ids in blockers.items() if ids]
        super().__init__(process_id, phase,
                         f"Cannot advance '{process_id}' from '{phase}': {'; '.join(parts)}"
                         " (use --force --reason TEXT to override)")


class SuspendedError(TransitionError):
    """The process is suspended; it cannot advance until it is resumed."""

    def __init__(self, process_id: str, phase: str, since: str, why: str) -> None:
        self.since, self.why = since, why
        super().__init__(process_id, phase,
                         f"Process '{process_id}' is suspended since {since} ({why}); resume it "
                         f"first with 'ivpflow resume {process_id}'")


class AlreadyDoneError(IvpflowError):
    """What is asked was done before; nothing is overwritten."""

    def __init__(self, subject: str, state: str, *, unchanged: bool = True) -> None:
        self.subject, self.state = subject, state
        super().__init__(f"{subject} {state}" + ("; nothing changed" if unchanged else ""))


class ConflictError(IvpflowError):
    """The process's version changed between reading and writing it; nothing was changed."""

    def __init__(self, process_id: str, version: int | None = None) -> None:
        self.process_id, self.version = process_id, version
        super().__init__(
            f"Process '{process_id}' was changed by someone else at the same moment;"
            " nothing was changed, look at 'ivpflow status' and try again"
        )


class StoreError(IvpflowError):
    """The database cannot be opened, is not an ivpflow database, or failed a request:
    'Cannot <action> <database>: <reason>'."""

    def __init__(self, action: str, database: str, reason: str) -> None:
        self.action, self.database, self.reason = action, database, reason
        super().__init__(f"Cannot {action} {database}: {reason}")


class NoStoreError(IvpflowError):
    """A command that only reads found no store (or no ivpflow database) where it looked,
    and created none."""

    def __init__(self, where: str, reason: str) -> None:
        self.where, self.reason = where, reason
        super().__init__(f"No ivpflow store at {where} ({reason}); start a process with "
                         "'ivpflow start WORKFLOW', or point --store/--db or ivpflow.toml at "
                         "your store")


class StoreBusyError(StoreError):
    """Another writer held the database longer than the busy timeout; nothing was changed."""

    def __init__(self, database: str, seconds: int) -> None:
        self.seconds = seconds
        IvpflowError.__init__(self, f"{database} was busy with another change for more than "
                                    f"{seconds} s; nothing was changed, try again")
        self.action, self.database, self.reason = "change", database, "busy"


class UpgradeRefusedError(IvpflowError):
    """A corrected definition cannot be taken into a process as asked; nothing was changed."""

    def __init__(self, process_id: str, reason: str) -> None:
        self.process_id, self.reason = process_id, reason
        super().__init__(f"Cannot upgrade '{process_id}': {reason}")


# --- meetings as the griffie keeps them (issue 16, point 4) --------------------------------


class MeetingDayError(IvpflowError):
    """A meeting falls on a day its body does not meet: a weekend, feestdag or closing day,
    a council recess, or outside the days the process plans on."""

    def __init__(self, subject: str, why: str) -> None:
        self.subject, self.why = subject, why
        super().__init__(f"{subject} is refused: {why}; nothing changed (--force adds it "
                         "anyway, recorded in the history)")


# --------------------------------------------------------------------------- corrections (undo)


class UndoRefusedError(IvpflowError):
    """The last event of a process cannot be taken back; nothing was changed."""

    def __init__(self, process_id: str, event: str, when: str, reason: str) -> None:
        self.process_id, self.event, self.when, self.reason = process_id, event, when, reason
        super().__init__(f"Cannot undo '{event}' of {when} in '{process_id}': {reason}; "
                         "nothing changed")


class CorrectionRefusedError(IvpflowError):
    """A decision cannot be corrected as asked; nothing was changed."""

    def __init__(self, subject: str, reason: str) -> None:
        self.subject, self.reason = subject, reason
        super().__init__(f"Cannot correct {subject}: {reason}; nothing changed")


# --- typing: dates and ids as people type them (issue 15, point 3) ---


class SwappedArgumentsError(UnknownProcessError):
    """The process id and the item were given the other way round."""

    def __init__(self, process_id: str, available: Iterable[str], suggestion: str) -> None:
        UnknownProcessError.__init__(self, process_id, available)
        self.suggestion = suggestion
        IvpflowError.__init__(self, f"Unknown process '{process_id}', but it is an item and "
                                    f"the item is a process: did you mean '{suggestion}'?")


class BackdatedError(OutOfOrderError):
    """A write acts at a moment earlier than the process's last event (or dates a decision
    before the process began); refused unless forced, so that the history stays in order."""

    def __init__(self, what: str, moment: str, other: str, label: str) -> None:
        OutOfOrderError.__init__(self, what, moment, "before", other, label=label,
                                 note="use --force to record it anyway")
        self.fact = f"{what} {moment} lies before {label} ({other})"


# -- bounded input (issue 15, point 5): dates, numbers, files and templates within limits


class DateOutOfRangeError(InvalidValueError):
    """A date lies outside the years ivpflow plans with."""

    def __init__(self, what: str, value: object, first: object, last: object) -> None:
        self.first, self.last = first, last
        super().__init__(what, value, f"lies outside the dates ivpflow plans with "
                                      f"({first} to {last})")


class CorruptStoreError(StoreError):
    """The SQLite file is damaged; nothing is read from it as if whole, nor written into it."""

    def __init__(self, file: str, reason: str) -> None:
        recovered = (file.removesuffix(".sqlite3") + "-recovered.sqlite3"
                     if file.endswith(".sqlite3") else file + ".recovered")
        IvpflowError.__init__(self, f"{file} is damaged ({reason}); nothing was changed. Save "
                                    f"what it holds with: sqlite3 {file} \".recover\" | "
                                    f"sqlite3 {recovered}")
        self.action, self.database, self.reason = "use", file, reason
        self.file, self.recovered = file, recovered


# --- the four-year clock and extensions (issue 16, points 1 and 2)


class ExtensionError(InvalidValueError):
    """A decision cannot extend the current plan as asked; nothing was recorded."""

    def __init__(self, decision: str, reason: str) -> None:
        self.decision, self.reason = decision, reason
        IvpflowError.__init__(self, f"Decision '{decision}' cannot extend the plan: {reason}")

