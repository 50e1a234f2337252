"""Recording the work of a process: a task or document done, a decision taken."""

from __future__ import annotations

from datetime import date, datetime

from ..dates import dutch_date, local
from ..errors import (
    AlreadyDoneError,
    ExtensionError,
    InvalidValueError,
    OutOfOrderError,
    UnknownChoiceError,
    UnknownItemError,
)
from ..i18n import _, say_date
from ..planning.clock import adopting_decisions
from ..planning.deadlines import ADOPTING_BODY
from ..store import Store
from ..store.rows import ItemRow
from ..store.writer import Change, change, decision_date_refusal
from ..text import check_text
from ..workflow.model import OUTCOMES, POSITIVE_OUTCOMES, Item


def item_of(work: Change, item_id: str, *kinds: str) -> tuple[Item, ItemRow]:
    """The definition's item and its row, or a refusal that says what the id is."""
    process, definition = work.process, work.definition
    item = definition.items.get(item_id)
    if item is None or item.kind not in kinds:
        if item is not None and item.kind == "decision":
            raise InvalidValueError("", item_id, _(
                "is a decision; record it with 'ivpflow decide {process_id} {item_id} "
                "--outcome …'").format(process_id=process.id, item_id=item_id))
        if item is not None:
            rule = {"task": _("is a task, not a decision"),
                    "document": _("is a document, not a decision")}.get(
                item.kind, _("is a {kind}, not a decision").format(kind=item.kind))
            raise InvalidValueError("", item_id, rule)
        available = [i.id for i in definition.items.values() if i.kind in kinds]
        raise UnknownItemError(process.id, "/".join(kinds), item_id, available)
    return item, process.item(item_id)


def outcome_of(text: str) -> str:
    """The outcome a person typed, as the workflow names it: case and the separator between
    words do not matter ('Gewijzigd vastgesteld' is gewijzigd-vastgesteld)."""
    folded = "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if folded not in OUTCOMES:
        raise UnknownChoiceError("outcome", text, OUTCOMES)
    return folded


def complete(store: Store, process_id: str, item_id: str, *, now: datetime, actor: str,
             note: str | None = None) -> Item:
    """Mark a task (or a document) done; doing it twice is refused, nothing is overwritten."""
    note = check_text(_("Note"), note)
    with change(store, process_id, now=now, actor=actor) as work:
        item, state = item_of(work, item_id, "task", "document")
        if state.status == "done":
            when = local(state.completed_at).date() if state.completed_at else None
            fact = (_("Task '{item}' of '{process_id}' was done on {day} by {actor}")
                    if item.kind == "task" else
                    _("Document '{item}' of '{process_id}' was done on {day} by {actor}"))
            raise AlreadyDoneError(fact.format(item=item_id, process_id=work.process.id,
                                               day=say_date(when), actor=state.completed_by), "")
        work.update("items", item_id, status="done", completed_at=work.stamp,
                    completed_by=actor, note=note)
        work.cancel_reminders(item_id)
        work.record("done", source="open", dest="done", item=item_id, note=note)
        return item


def decide(store: Store, process_id: str, decision_id: str, *, outcome: str, now: datetime,
           actor: str, on: date | None = None, note: str | None = None,
           extends: date | None = None) -> Item:
    """Record the outcome of a decision; a positive one settles it for good. With `extends`,
    a gemeenteraad's positive decision extends the current plan until that day."""
    note = check_text(_("Note"), note)
    outcome = outcome_of(outcome)
    on = on or now.date()
    if on > now.date():
        raise OutOfOrderError(_("Decision date"), on, "after", now.date(), label=_("today"),
                              note=_("a decision is recorded once taken"))
    with change(store, process_id, now=now, actor=actor) as work:
        item, state = item_of(work, decision_id, "decision")
        if on < work.process.start_date:
            work.allow_earlier(decision_date_refusal(work.process.id, on,
                                                     work.process.start_date))
        if state.outcome in POSITIVE_OUTCOMES:
            raise AlreadyDoneError(_(
                "Decision '{decision}' of '{process_id}' was recorded as {outcome} on {day}; "
                "nothing changed; change it with 'ivpflow decide {process_id} {decision} "
                "--outcome … --correct'").format(
                decision=decision_id, process_id=work.process.id, outcome=state.outcome,
                day=say_date(state.decided_on)), "", unchanged=False)
        settled = outcome in POSITIVE_OUTCOMES
        if extends is not None:
            check_extension(work, item, outcome, on, extends)
        work.update("items", decision_id, outcome=outcome, decided_on=on,
                    status="done" if settled else "open", completed_at=work.stamp,
                    completed_by=actor, note=note, extends=extends)
        if settled:
            work.cancel_reminders(decision_id)
        text = (f"besluit van {dutch_date(on)}"
                + (f"; verlengt het plan tot en met {dutch_date(extends)}" if extends else "")
                + (f"; {note}" if note else ""))
        work.record("decided", source=state.outcome, dest=outcome, item=decision_id, note=text)
        return item


def check_extension(work: Change, item: Item, outcome: str, on: date, extends: date) -> None:
    """Refuse an extension that is not a gemeenteraad's adopting outcome or that does not
    move the current plan's expiry (the plan the clock says the decision extends)."""
    from ..planning.plan import build_plan
    from ..store.rows import facts_of

    if not (item.body or "").startswith(ADOPTING_BODY):
        raise ExtensionError(item.id, _(
            "it is one of '{body}'; only a gemeenteraad extends the plan").format(body=item.body))
    if outcome not in POSITIVE_OUTCOMES:
        raise ExtensionError(item.id, _("the outcome '{outcome}' extends nothing; use "
                                        "{outcomes}").format(
            outcome=outcome, outcomes=_(" or ").join(POSITIVE_OUTCOMES)))
    clock = build_plan(work.definition, facts_of(work.process, on))["clock"]
    if clock is None:
        raise ExtensionError(item.id, _("workflow '{workflow}' names no IVP period").format(
            workflow=work.definition.id))
    adopting = {i.id for i in adopting_decisions(work.definition)}
    own = clock["adopted"] is not None and item.id not in adopting
    current = clock["expires"] if own else clock["replaces_until"]
    if current is not None and extends <= date.fromisoformat(current):
        raise ExtensionError(item.id, _("{day} is not after the current expiry, {expiry}")
                             .format(day=say_date(extends),
                                     expiry=say_date(date.fromisoformat(current))))
