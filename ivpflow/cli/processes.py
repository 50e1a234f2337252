"""The coordinator's commands: start, advance, reopen, done, decide, assign, and the views."""

from __future__ import annotations

from datetime import datetime

import click

from ..dates import dutch_date, parse_day
from .app import App, cli, pass_app
from .output import count, day, json_option, print_json, print_status, role_in, table


@cli.command()
@click.argument("workflow")
@click.option("--id", "process_id", metavar="ID", help="Process id (default: the workflow id).")
@click.option("--start", "start_text", metavar="DATE",
              help="Start date (default: the definition's, else today).")
@pass_app
def start(app: App, workflow: str, process_id: str | None, start_text: str | None) -> None:
    """Start a process from a workflow definition (an id or a .yaml file); prints its id."""
    from ..process.lifecycle import start_process
    from .definitions import definition_for

    start_day = parse_day(start_text, option="--start") if start_text else None
    definition = definition_for(app, workflow, open_store=True)
    click.echo(start_process(app.store, definition, now=app.now, actor=app.actor,
                             process_id=process_id, start=start_day))


@cli.command()
@json_option
@click.option("--sort", type=click.Choice(["id", "deadline", "risk"]), default=None,
              help="Order of the list (default: risk when there are several processes; id "
                   "with --json).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Only the first N processes in that order.")
@pass_app
def processes(app: App, as_json: bool, sort: str | None, limit: int | None) -> None:
    """List every process: phase, next deadline, overdue and at-risk counts."""
    from ..views.portfolio import list_processes

    # A reader of the table looks for what needs attention; a program wants a stable order.
    rows = list_processes(app.store_for_reading, now=app.now,
                          sort=sort or ("id" if as_json else "risk"), limit=limit)
    if as_json:
        print_json(rows, keys=("id", "workflow", "phase", "next_deadline", "overdue", "at_risk"))
        return
    if not rows:
        click.echo("No processes yet; start one with 'ivpflow start WORKFLOW'.")
        return
    table(["id", "workflow", "phase", "next deadline", "item", "overdue", "at risk"],
           [[r["id"], r["workflow"], r["phase"], day(r["next_deadline"]), r["next_item"] or "",
             count(r["overdue"], "red"), count(r["at_risk"], "yellow")] for r in rows],
           right={5, 6})


@cli.command()
@click.argument("process_id", metavar="[ID]", required=False)
@json_option
@pass_app
def status(app: App, process_id: str | None, as_json: bool) -> None:
    """Show one process (or the only one) in full."""
    from ..views.status import process_status

    data = process_status(app.store_for_reading, process_id, now=app.now)
    if as_json:
        print_json(data)
    else:
        print_status(data)


@cli.command()
@click.argument("process_id", metavar="ID")
@click.option("--to", "to", metavar="PHASE", help="Advance to this later phase.")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@click.option("--force", is_flag=True, help="Advance although required work is open.")
@click.option("--reason", metavar="TEXT", help="Why --force is used (required with it).")
@pass_app
def advance(app: App, process_id: str, to: str | None, note: str | None, force: bool,
            reason: str | None) -> None:
    """Move a process to its next phase; refused while required tasks or decisions are open."""
    from ..process.lifecycle import advance as advance_process

    if force and not (reason and reason.strip()):
        raise click.UsageError("--force needs --reason TEXT; the reason is recorded")
    if reason and not force:
        raise click.UsageError("--reason is only used with --force")
    result = advance_process(app.store, process_id, now=app.now, actor=app.actor, to=to,
                             note=note, force=force, reason=reason)
    forced = " (forced)" if result.forced else ""
    click.echo(f"{result.process}: {result.source} → {result.dest}{forced}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.option("--to", "to", required=True, metavar="PHASE", help="The earlier phase.")
@click.option("--reason", required=True, metavar="TEXT", help="Why; recorded in the history.")
@pass_app
def reopen(app: App, process_id: str, to: str, reason: str) -> None:
    """Go back to an earlier phase."""
    from ..process.lifecycle import reopen as reopen_process

    result = reopen_process(app.store, process_id, to=to, reason=reason, now=app.now,
                            actor=app.actor)
    click.echo(f"{result.process}: {result.source} → {result.dest} (reopened)")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("task")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@pass_app
def done(app: App, process_id: str, task: str, note: str | None) -> None:
    """Mark a task (or a document) done."""
    from ..process.items import complete

    item = complete(app.store, process_id, task, now=app.now, actor=app.actor, note=note)
    click.echo(f"{process_id}: {item.kind} {item.id} done ({dutch_date(app.now.date())})")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("decision")
@click.option("--outcome", required=True, metavar="OUTCOME",
              help="vastgesteld, gewijzigd-vastgesteld, aangehouden or verworpen.")
@click.option("--date", "date_text", metavar="DATE", help="Date of the decision (default: today).")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@click.option("--extends", "extends_text", metavar="DATE",
              help="A gemeenteraad's decision that extends the current plan until DATE.")
@pass_app
def decide(app: App, process_id: str, decision: str, outcome: str, date_text: str | None,
           note: str | None, extends_text: str | None) -> None:
    """Record a decision's outcome."""
    from ..process.items import decide as record_decision

    on = parse_day(date_text) if date_text else None
    extends = parse_day(extends_text, option="--extends") if extends_text else None
    item = record_decision(app.store, process_id, decision, outcome=outcome, now=app.now,
                           actor=app.actor, on=on, note=note, extends=extends)
    click.echo(f"{process_id}: {item.id} ({item.body}) {outcome} on "
               f"{dutch_date(on or app.now.date())}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("role")
@click.option("--name", required=True, help="The person's name.")
@click.option("--email", required=True, help="Their e-mail address (reminders go there).")
@click.option("--municipality", metavar="NAME", default="",
              help="Only for this gemeente of the process (default: the whole process).")
@pass_app
def assign(app: App, process_id: str, role: str, name: str, email: str,
           municipality: str) -> None:
    """Record who fills a role of the workflow in this process (or in one of its gemeenten)."""
    from ..process.people import assign as assign_role

    municipality = assign_role(app.store, process_id, role, name=name, email=email,
                               now=app.now, actor=app.actor, municipality=municipality)
    click.echo(f"{process_id}: {role_in(role, municipality)} — {name} <{email}>")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("role")
@click.option("--email", required=True, help="The e-mail address to remove from the role.")
@click.option("--municipality", metavar="NAME", default="",
              help="The gemeente the role was held for (default: the whole process).")
@pass_app
def unassign(app: App, process_id: str, role: str, email: str, municipality: str) -> None:
    """Remove a person from a role of this process (or of one of its gemeenten)."""
    from ..process.people import unassign as unassign_role

    municipality = unassign_role(app.store, process_id, role, email=email, now=app.now,
                                 actor=app.actor, municipality=municipality)
    click.echo(f"{process_id}: {role_in(role, municipality)} — {email} removed")


@cli.command()
@click.argument("process_id", metavar="ID")
@json_option
@pass_app
def history(app: App, process_id: str, as_json: bool) -> None:
    """Show the append-only event log of a process."""
    from ..views.history import history as load_history

    events = load_history(app.store_for_reading, process_id)
    if as_json:
        print_json(events)
        return
    rows = []
    for e in events:
        at = datetime.fromisoformat(e["at"])
        change = f"{e['from'] or ''} → {e['to']}" if e["to"] else ""
        rows.append([f"{dutch_date(at.date())} {at:%H:%M}", e["actor"], e["event"],
                     e["item"] or "", change, e["note"] or ""])
    table(["when", "who", "event", "item", "change", "note"], rows)
