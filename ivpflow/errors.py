"""The product's exceptions: one base class, one subclass per kind of refusal."""

from __future__ import annotations

from collections.abc import Iterable


class IvpflowError(Exception):
    """A request ivpflow could not carry out; the message is one line for the user."""


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
        names = ", ".join(sorted(available)) or "none"
        super().__init__(f"Unknown workflow '{workflow}'; available: {names}")


class UnknownProcessError(IvpflowError):
    """No process with this id exists."""

    def __init__(self, process_id: str | None, available: Iterable[str] = ()) -> None:
        names = sorted(available)
        if process_id is None:
            if names:
                msg = f"More than one process; name one of: {', '.join(names)}"
            else:
                msg = "No process yet; start one with 'ivpflow start WORKFLOW'"
        else:
            known = ", ".join(names[:10]) + (", …" if len(names) > 10 else "") or "none"
            msg = f"Unknown process '{process_id}'; known: {known}"
        super().__init__(msg)


class UnknownItemError(IvpflowError):
    """The process's definition has no task, decision or document with this id."""

    def __init__(self, process_id: str, kind: str, item: str, available: Iterable[str]) -> None:
        names = ", ".join(sorted(available)) or "none"
        super().__init__(f"Process '{process_id}' has no {kind} '{item}'; {kind}s: {names}")


class UnknownPhaseError(IvpflowError):
    """The process's definition has no phase with this id."""

    def __init__(self, process_id: str, phase: str, available: Iterable[str]) -> None:
        super().__init__(
            f"Process '{process_id}' has no phase '{phase}'; phases: {', '.join(available)}"
        )


class InvalidValueError(IvpflowError):
    """A value given on the command line or to the library is not allowed."""


class ProcessExistsError(IvpflowError):
    """A process with this id exists already."""

    def __init__(self, process_id: str) -> None:
        super().__init__(f"A process with id '{process_id}' exists already; choose another --id")


class TransitionError(IvpflowError):
    """A phase change is not allowed from the process's current phase."""


class BlockedError(TransitionError):
    """Advancing is refused because required tasks or decisions are still open."""

    def __init__(self, process_id: str, phase: str, blockers: dict[str, list[str]]) -> None:
        self.blockers = blockers
        parts = [f"{label}: {', '.join(ids)}" for label, ids in blockers.items() if ids]
        super().__init__(
            f"Cannot advance '{process_id}' from '{phase}': {'; '.join(parts)}"
            " (use --force --reason TEXT to override)"
        )


class AlreadyDoneError(IvpflowError):
    """The item was completed or decided before; nothing is overwritten."""


class ConflictError(IvpflowError):
    """Someone else changed the same process at the same moment; nothing was changed."""

    def __init__(self, process_id: str) -> None:
        super().__init__(
            f"Process '{process_id}' was changed by someone else at the same moment;"
            " nothing was changed, look at 'ivpflow status' and try again"
        )


class StoreError(IvpflowError):
    """The database cannot be opened or is not an ivpflow database."""


class SuspendedError(TransitionError):
    """The process is suspended; it cannot advance until it is resumed."""
