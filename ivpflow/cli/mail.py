"""Scheduler and mail commands: tick, scheduler, outbox."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import click

from ..i18n import _, say_kind, say_status
from .app import App, cli, collect_garbage, pass_app
from .output import (
    MAX_ID,
    MAX_LIMIT,
    json_option,
    print_json,
    table,
    wide_option,
)

STATUSES = ("queued", "sent", "failed", "cancelled")  # as views.outbox.STATUSES


@cli.command(short_help="Do one pass of the scheduler's work at --now.")
@json_option
@pass_app
def tick(app: App, as_json: bool) -> None:
    """Do one pass of the scheduler's work at --now: reminders, the outbox, drafts.

    Exits 1, with a line on stderr for each problem (a failing mail server, a reminder or
    draft that could not be rendered), when a message failed or has waited an hour or more,
    so that cron reports it.

    \b
    Examples:
      ivpflow tick
      ivpflow --now 2026-06-01T08:00 tick --json
    """
    from ..outbox.scheduler import tick as run_tick

    collect_garbage()  # one pass may deliver thousands of reminders

    report = run_tick(app.store, app.now, app.mail_settings(),
                      store_dir=Path(app.store_dir))
    if as_json:
        print_json(report.as_dict())
    else:
        for line in report.lines():
            click.echo(line)
    for line in report.problems():
        click.echo(_("Problem: {problem}").format(problem=line), err=True)
    if not report.ok:
        click.get_current_context().exit(1)


@cli.command(short_help="Run the scheduler until stopped.")
@click.option("--every", "every", type=click.FloatRange(min=0.01, max=1440), default=15.0,
              show_default=True, metavar="MINUTES", help="Minutes between ticks (at most a day).")
@pass_app
def scheduler(app: App, every: float) -> None:
    """Run the scheduler until stopped (SIGTERM or Ctrl-C): ticks on a timer, digest Monday 08:00.

    With --now (or IVPFLOW_NOW) the scheduler's clock starts at that moment and runs on.

    \b
    Examples:
      ivpflow scheduler
      ivpflow scheduler --every 5
    """
    from ..dates import now_local
    from ..outbox.mail import env_number
    from ..outbox.scheduler import configure_logging, run_scheduler

    collect_garbage()  # runs for months

    configure_logging()
    settings = app.mail_settings()
    pause = env_number("IVPFLOW_DELIVER_PAUSE", 0.0, 0, 60, "seconds", os.environ)
    clock = now_local
    if app.fixed_clock:
        began, started = app.now, time.monotonic()

        def clock() -> datetime:
            return began + timedelta(seconds=time.monotonic() - started)

    run_scheduler(app.store, settings, every_minutes=every, clock=clock, deliver_pause=pause,
                  store_dir=Path(app.store_dir))


@cli.group(invoke_without_command=True, 
           short_help="List the reminder messages and their delivery state.")
@json_option
@click.option("--status", "status_filter", type=click.Choice(STATUSES),
              help="Only messages in this state.")
@click.option("--process", "process_id", metavar="ID", help="Only the messages of a process.")
@click.option("--to", "recipient", metavar="ADDR", help="Only the messages to an address.")
@click.option("--limit", type=click.IntRange(min=1, max=MAX_LIMIT), metavar="N",
              help="Only the newest N messages.")
@wide_option
@click.pass_context
def outbox(ctx: click.Context, as_json: bool, status_filter: str | None,
           process_id: str | None, recipient: str | None, limit: int | None) -> None:
    """List the reminder messages and their delivery state; `outbox retry` requeues.

    \b
    Examples:
      ivpflow outbox --status failed --process not-2027-2030
      ivpflow outbox --to a.devries@losser.nl --limit 20 --wide
      ivpflow outbox retry --failed
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..views.outbox import outbox_messages

    app = ctx.ensure_object(App)
    rows = outbox_messages(app.store_for_reading, status_filter, process=process_id,
                           recipient=recipient, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(_("No messages match.") if (status_filter or process_id or recipient)
                   else _("The outbox is empty."))
        return
    colours = {"sent": "green", "failed": "red", "queued": "yellow", "cancelled": None}
    table([_("id"), _("status"), _("kind"), _("to"), _("subject"), _("attempts"), _("error")],
          [[str(r["id"]), click.style(say_status(r["status"]), fg=colours[r["status"]]),
            say_kind(r["kind"]), r["to"],
            r["subject"], str(r["attempts"]), r["error"] or ""] for r in rows], right={5},
          cut={4}, wrap={6})


@outbox.command("retry", short_help="Requeue failed messages for the next tick.")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1, max=MAX_ID), metavar="[ID]...")
@click.option("--failed", "all_failed", is_flag=True, help="Requeue every failed message.")
@click.option("--process", "process_id", metavar="ID",
              help="With --failed: only the failed messages of a process.")
@pass_app
def outbox_retry(app: App, ids: tuple[int, ...], all_failed: bool,
                 process_id: str | None) -> None:
    """Requeue failed messages, so the next tick sends them; recorded in each process's history.

    \b
    Examples:
      ivpflow outbox retry --failed
      ivpflow outbox retry 12 13
    """
    from ..outbox.troubles import requeue

    if bool(ids) == all_failed:
        raise click.UsageError(_("Give message ids or --failed (not both)."))
    if process_id and not all_failed:
        raise click.UsageError(_("--process goes with --failed."))
    requeued = requeue(app.store, list(ids) if ids else None, now=app.now, actor=app.actor,
                       process_id=process_id)
    if not requeued:
        click.echo(_("No failed messages to requeue."))
        return
    click.echo(_("Requeued {count} message(s): {ids}; the next tick sends them.").format(
        count=len(requeued), ids=", ".join(map(str, requeued))))
