"""The coordinator's commands: start, advance, reopen, done, decide, assign, and the views."""

from __future__ import annotations

from datetime import date, datetime

import click

from ..i18n import _, ngettext, say_date, say_kind, say_moment
from .app import App, cli, pass_app
from .output import (
    MAX_LIMIT,
    count,
    day,
    json_option,
    moment,
    print_json,
    print_status,
    role_in,
    say_reasons,
    table,
    wide_option,
)
from .params import (
    DAY,
    complete_decision,
    complete_outcome,
    complete_phase,
    complete_process,
    complete_process_or_decision,
    complete_process_or_role,
    complete_process_or_task,
    complete_role,
    complete_task,
    force_option,
    id_and_item,
    process_or_only,
    swapped,
)


@cli.command(short_help="Start a process from a workflow definition.")
@click.argument("workflow")
@click.option("--id", "process_id", metavar="ID", help="Process id (default: the workflow id).")
@click.option("--start", "start_day", metavar="DATE", type=DAY,
              help="Start date (default: the definition's, else today).")
@pass_app
def start(app: App, workflow: str, process_id: str | None, start_day: date | None) -> None:
    """Start a process from a workflow definition (an id or a .yaml file); prints its id.

    \b
    Examples:
      ivpflow start noordoost-twente-2027-2030 --id not-2027-2030
      ivpflow start ./mijn-ivp.yaml --start 2026-01-05
    """
    from ..process.lifecycle import start_process
    from .definitions import definition_for

    definition = definition_for(app, workflow, open_store=True)
    click.echo(start_process(app.store, definition, now=app.now, actor=app.actor,
                             process_id=process_id, start=start_day))


@cli.command(short_help="List every process: phase, deadline, overdue, at risk.")
@json_option
@click.option("--sort", type=click.Choice(["id", "deadline", "risk"]), default=None,
              help="Order of the list (default: risk when there are several processes; id "
                   "with --json).")
@click.option("--limit", type=click.IntRange(min=1, max=MAX_LIMIT), metavar="N",
              help="Only the first N processes in that order.")
@click.option("--plans", is_flag=True,
              help="The adopted plans in force instead, each with its four-year clock.")
@wide_option
@pass_app
def processes(app: App, as_json: bool, sort: str | None, limit: int | None,
              plans: bool) -> None:
    """List every process: phase, next deadline, overdue and at-risk counts.

    With --plans: the adopted plans, when each expires, when the next process must start,
    what the clock warns of and which process follows it.

    \b
    Examples:
      ivpflow processes
      ivpflow processes --sort deadline --limit 20
      ivpflow processes --plans
    """
    from ..views.portfolio import list_processes

    if plans:
        _plans_in_force(app, as_json)
        return

    # A reader of the table looks for what needs attention; a program wants a stable order.
    rows = list_processes(app.store_for_reading, now=app.now,
                          sort=sort or ("id" if as_json else "risk"), limit=limit)
    if as_json:
        print_json(rows, keys=("id", "workflow", "phase", "next_deadline", "overdue", "at_risk"))
        return
    if not rows:
        click.echo(_("No processes yet; start one with 'ivpflow start WORKFLOW'."))
        return
    table([_("id"), _("workflow"), _("phase"), _("next deadline"), _("item"), _("overdue"),
           _("at risk")],
           [[r["id"], r["workflow"], r["phase"], day(r["next_deadline"]), r["next_item"] or "",
             count(r["overdue"], "red"), count(r["at_risk"], "yellow")] for r in rows],
          right={5, 6}, drop=(1, 4),
          colours=["red" if r["overdue"] else "yellow" if r["at_risk"] else None
                   for r in rows])


def _plans_in_force(app: App, as_json: bool) -> None:
    from ..views.portfolio import plans_in_force

    rows = plans_in_force(app.store_for_reading, now=app.now)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(_("No adopted plan yet; a plan is in force once its raad has adopted it."))
        return
    table([_("id"), _("period"), _("adopted"), _("expires"), _("next start by"),
           _("followed by"), _("clock")],
          [[r["id"], r["period"] or "", day(r["adopted"]) if r["adopted"] else "",
            day(r["extended_until"] or r["expires"]), day(r["next_start_by"]),
            r["successor"] or "", say_reasons(r["reasons"][-1:]) or "—"] for r in rows],
          wrap={6}, drop=(5, 1),
          colours=["red" if any(c["code"] != "next-start-soon" for c in r["reasons"])
                   else "yellow" if r["reasons"] else None for r in rows])


@cli.command()
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@json_option
@wide_option
@pass_app
def status(app: App, process_id: str | None, as_json: bool) -> None:
    """Show one process (or the only one) in full.

    \b
    Examples:
      ivpflow status not-2027-2030
      ivpflow --now 2026-06-01 status not-2027-2030 --json
    """
    from ..views.status import process_status

    data = process_status(app.store_for_reading, process_id, now=app.now)
    if as_json:
        print_json(data)
    else:
        print_status(data)


@cli.command(short_help="Move a process to its next phase (or a later one).")
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@click.option("--to", "to", metavar="PHASE", help="Advance to this later phase.",
              shell_complete=complete_phase)
@click.option("--note", metavar="TEXT", help="A note for the history.")
@click.option("--force", is_flag=True, help="Advance although required work is open (or at a "
              "moment before the last event in the history).")
@click.option("--reason", metavar="TEXT", help="Why --force is used (required with it).")
@pass_app
def advance(app: App, process_id: str | None, to: str | None, note: str | None, force: bool,
            reason: str | None) -> None:
    """Move a process to its next phase; refused while required tasks or decisions are open.

    \b
    Examples:
      ivpflow advance not-2027-2030 --note 'startnotitie vastgesteld'
      ivpflow advance not-2027-2030 --to ivp --force \\
        --reason 'driehoek besluit volgt in juni'
    """
    from ..process.lifecycle import advance as advance_process

    if force and not (reason and reason.strip()):
        raise click.UsageError(_("--force needs --reason TEXT; the reason is recorded"))
    if reason and not force:
        raise click.UsageError(_("--reason is only used with --force"))
    from .params import allowing_earlier

    with allowing_earlier(force):
        result = advance_process(app.store, process_or_only(app, process_id), now=app.now,
                                 actor=app.actor, to=to, note=note, force=force, reason=reason)
    moved = {"process_id": result.process, "source": result.source, "dest": result.dest}
    click.echo((_("{process_id}: {source} → {dest} (forced)") if result.forced
                else _("{process_id}: {source} → {dest}")).format(**moved))


@cli.command()
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@click.option("--to", "to", required=True, metavar="PHASE", help="The earlier phase.",
              shell_complete=complete_phase)
@click.option("--reason", required=True, metavar="TEXT", help="Why; recorded in the history.")
@force_option
@pass_app
def reopen(app: App, process_id: str | None, to: str, reason: str) -> None:
    """Go back to an earlier phase.

    \b
    Example:
      ivpflow reopen not-2027-2030 --to analyse \\
        --reason 'cijfers politie gecorrigeerd'
    """
    from ..process.lifecycle import reopen as reopen_process

    result = reopen_process(app.store, process_or_only(app, process_id), to=to, reason=reason,
                            now=app.now, actor=app.actor)
    click.echo(_("{process_id}: {source} → {dest} (reopened)").format(
        process_id=result.process, source=result.source, dest=result.dest))


@cli.command(short_help="Mark a task (or a document) done.")
@click.argument("process_id", metavar="[ID]", required=False,
                shell_complete=complete_process_or_task)
@click.argument("task", required=False, shell_complete=complete_task)
@click.option("--note", metavar="TEXT", help="A note for the history.")
@force_option
@pass_app
def done(app: App, process_id: str | None, task: str | None, note: str | None) -> None:
    """Mark a task (or a document) done; ID may be left out when there is one process.

    \b
    Example:
      ivpflow done not-2027-2030 cijfers-verzamelen \\
        --note 'CBS en politie'
    """
    from ..process.items import complete

    process_id, task = id_and_item(app, process_id, task, "done task")
    with swapped("done", process_id, task):
        item = complete(app.store, process_id, task, now=app.now, actor=app.actor, note=note)
    click.echo(_("{process_id}: {kind} {item} done ({date})").format(
        process_id=process_id, kind=say_kind(item.kind), item=item.id,
        date=say_date(app.now.date())))


@cli.command(short_help="Record a decision's outcome (or correct one).")
@click.argument("process_id", metavar="[ID]", required=False,
                shell_complete=complete_process_or_decision)
@click.argument("decision", required=False, shell_complete=complete_decision)
@click.option("--outcome", required=True, metavar="OUTCOME", shell_complete=complete_outcome,
              help="vastgesteld, gewijzigd-vastgesteld, aangehouden or verworpen (any case).")
@click.option("--date", "on", metavar="DATE", type=DAY,
              help="Date of the decision (default: today; with --correct: the recorded one).")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@click.option("--correct", is_flag=True,
              help="Change the recorded outcome or date (also of a settled decision).")
@click.option("--reason", metavar="TEXT", help="Why --correct is used; recorded.")
@click.option("--extends", "extends", metavar="DATE", type=DAY,
              help="A gemeenteraad's decision that extends the current plan until DATE.")
@force_option
@pass_app
def decide(app: App, process_id: str | None, decision: str | None, outcome: str,
           on: date | None, note: str | None, correct: bool, reason: str | None,
           extends: date | None) -> None:
    """Record a decision's outcome, or correct a recorded one with --correct; ID may be left
    out when there is one process.

    \b
    Examples:
      ivpflow decide not-2027-2030 startnotitie-driehoek \\
        --outcome vastgesteld --date 2026-01-28
      ivpflow decide not-2027-2030 startnotitie-driehoek \\
        --outcome aangehouden --correct --reason 'verkeerd besluit'
      ivpflow decide not-2027-2030 verlenging-ivp-losser \\
        --outcome vastgesteld --extends 2026-12-31
    """
    from ..process.items import decide as record_decision
    from ..process.items import outcome_of

    if reason is not None and not correct:
        raise click.UsageError(_("--reason is only used with --correct"))
    if note is not None and correct:
        raise click.UsageError(_("--correct takes --reason TEXT, not --note"))
    if extends is not None and correct:
        raise click.UsageError(_("--extends is recorded with the decision, not with --correct"))
    process_id, decision = id_and_item(app, process_id, decision, "decide decision")
    outcome = outcome_of(outcome)
    if correct:
        from ..process.corrections import correct_decision

        with swapped("decide", process_id, decision):
            fixed = correct_decision(app.store, process_id, decision, outcome=outcome,
                                     now=app.now, actor=app.actor, on=on, reason=reason)
        click.echo(_("{process_id}: {decision} ({body}) corrected from {was} on {was_on} to "
                     "{outcome} on {date}").format(
            process_id=process_id, decision=fixed.item.id, body=fixed.item.body,
            was=fixed.was, was_on=say_date(fixed.was_on), outcome=fixed.outcome,
            date=say_date(fixed.on)))
        return
    with swapped("decide", process_id, decision):
        item = record_decision(app.store, process_id, decision, outcome=outcome, now=app.now,
                               actor=app.actor, on=on, note=note, extends=extends)
    click.echo(_("{process_id}: {decision} ({body}) {outcome} on {date}").format(
        process_id=process_id, decision=item.id, body=item.body, outcome=outcome,
        date=say_date(on or app.now.date())))


@cli.command(short_help="Take back the last event of a process.")
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@click.option("--reason", metavar="TEXT", help="Why; recorded with the undo.")
@force_option
@pass_app
def undo(app: App, process_id: str | None, reason: str | None) -> None:
    """Take back the last event of a process, as a new event (the history keeps both).

    Undo again to take back the event before it. A task or decision that is open again gets
    the reminders it has not had yet.

    \b
    Example:
      ivpflow undo not-2027-2030 --reason 'te vroeg afgevinkt'
    """
    from ..process.corrections import undo as undo_event

    done = undo_event(app.store, process_or_only(app, process_id), now=app.now,
                      actor=app.actor, reason=reason)
    what = f"{done.event} {done.item}" if done.item else done.event
    click.echo(_("{process_id}: undone {event} of {moment}").format(
        process_id=done.process, event=what, moment=say_moment(done.at)))


@cli.command(short_help="Record who fills a role in a process.")
@click.argument("process_id", metavar="[ID]", required=False,
                shell_complete=complete_process_or_role)
@click.argument("role", required=False, shell_complete=complete_role)
@click.option("--name", required=True, help="The person's name.")
@click.option("--email", required=True, help="Their e-mail address (reminders go there).")
@click.option("--municipality", metavar="NAME", default="",
              help="Only for this gemeente of the process (default: the whole process).")
@force_option
@pass_app
def assign(app: App, process_id: str | None, role: str | None, name: str, email: str,
           municipality: str) -> None:
    """Record who fills a role of the workflow in this process (or in one of its gemeenten);
    ID may be left out when there is one process.

    \b
    Examples:
      ivpflow assign not-2027-2030 coordinator --name 'A. de Vries' \\
        --email a.devries@losser.nl
      ivpflow assign not-2027-2030 portefeuillehouder \\
        --municipality Losser --name 'J. Smit' --email j.smit@losser.nl
    """
    from ..process.people import assign as assign_role

    process_id, role = id_and_item(app, process_id, role, "assign role")
    with swapped("assign", process_id, role):
        municipality = assign_role(app.store, process_id, role, name=name, email=email,
                                   now=app.now, actor=app.actor, municipality=municipality)
    click.echo(f"{process_id}: {role_in(role, municipality)} — {name} <{email}>")


@cli.command(short_help="Remove a person from a role of a process.")
@click.argument("process_id", metavar="[ID]", required=False,
                shell_complete=complete_process_or_role)
@click.argument("role", required=False, shell_complete=complete_role)
@click.option("--email", required=True, help="The e-mail address to remove from the role.")
@click.option("--municipality", metavar="NAME", default="",
              help="The gemeente the role was held for (default: the whole process).")
@force_option
@pass_app
def unassign(app: App, process_id: str | None, role: str | None, email: str,
             municipality: str) -> None:
    """Remove a person from a role of this process (or of one of its gemeenten); ID may be
    left out when there is one process.

    \b
    Example:
      ivpflow unassign not-2027-2030 coordinator \\
        --email a.devries@losser.nl
    """
    from ..process.people import unassign as unassign_role

    process_id, role = id_and_item(app, process_id, role, "unassign role")
    with swapped("unassign", process_id, role):
        municipality = unassign_role(app.store, process_id, role, email=email, now=app.now,
                                     actor=app.actor, municipality=municipality)
    click.echo(_("{process_id}: {role} — {email} removed").format(
        process_id=process_id, role=role_in(role, municipality), email=email))


@cli.command(short_help="Show the append-only event log of a process.")
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@json_option
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Only the newest N events (still oldest first).")
@wide_option
@pass_app
def history(app: App, process_id: str | None, as_json: bool, limit: int | None) -> None:
    """Show the append-only event log of a process (or the only one).

    \b
    Examples:
      ivpflow history not-2027-2030 --limit 20
      ivpflow history not-2027-2030 --json
    """
    from ..views.history import change_of, say_event
    from ..views.history import history as load_history

    events = load_history(app.store_for_reading, process_or_only(app, process_id))
    earlier = max(len(events) - limit, 0) if limit else 0
    events = events[earlier:]
    if as_json:
        print_json(events)
        return
    rows = []
    for e in events:
        rows.append([moment(datetime.fromisoformat(e["at"])), e["actor"], say_event(e["event"]),
                     e["item"] or "", change_of(e), e["note"] or ""])
    table([_("when"), _("who"), _("event"), _("item"), _("change"), _("note")], rows, cut={1},
          wrap={4, 5})
    if earlier:
        click.echo(click.style(ngettext("({count} earlier event not shown)",
                                        "({count} earlier events not shown)",
                                        earlier).format(count=earlier), dim=True))
