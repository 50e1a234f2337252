"""Scheduler and mail commands: tick, scheduler, outbox."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import click

from .app import App, cli, collect_garbage, pass_app
from .output import json_option, print_json, table


@cli.command()
@json_option
@pass_app
def tick(app: App, as_json: bool) -> None:
    """Do one pass of the scheduler's work at --now: drafts, reminders, the outbox."""
    from ..outbox.mail import MailSettings
    from ..outbox.scheduler import tick as run_tick

    collect_garbage()  # one pass may deliver thousands of reminders

    report = run_tick(app.store, app.now, MailSettings.from_env(app.store_dir),
                      store_dir=Path(app.store_dir))
    if as_json:
        print_json(report.as_dict())
        return
    for line in report.lines():
        click.echo(line)


@cli.command()
@click.option("--every", "every", type=click.FloatRange(min=0.01), default=15.0,
              show_default=True, metavar="MINUTES", help="Minutes between ticks.")
@pass_app
def scheduler(app: App, every: float) -> None:
    """Run the scheduler until stopped (SIGTERM or Ctrl-C): ticks on a timer, digest Monday 08:00.

    With --now (or IVPFLOW_NOW) the scheduler's clock starts at that moment and runs on.
    """
    import logging

    from ..dates import now_local
    from ..outbox.mail import MailSettings
    from ..outbox.scheduler import run_scheduler

    collect_garbage()  # runs for months

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = MailSettings.from_env(app.store_dir)
    pause = float(os.environ.get("IVPFLOW_DELIVER_PAUSE", "0") or 0)
    clock = now_local
    if app.fixed_clock:
        began, started = app.now, time.monotonic()

        def clock() -> datetime:
            return began + timedelta(seconds=time.monotonic() - started)

    run_scheduler(app.store, settings, every_minutes=every, clock=clock, deliver_pause=pause,
                  store_dir=Path(app.store_dir))


@cli.command()
@json_option
@click.option("--status", "status_filter",
              type=click.Choice(["queued", "sent", "failed", "cancelled"]),
              help="Only messages in this state.")
@pass_app
def outbox(app: App, as_json: bool, status_filter: str | None) -> None:
    """List the reminder messages and their delivery state."""
    from ..views.outbox import outbox_messages

    rows = outbox_messages(app.store, status_filter)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("The outbox is empty.")
        return
    colours = {"sent": "green", "failed": "red", "queued": "yellow", "cancelled": None}
    table(["id", "status", "kind", "to", "subject", "attempts", "error"],
           [[str(r["id"]), click.style(r["status"], fg=colours[r["status"]]), r["kind"], r["to"],
             r["subject"], str(r["attempts"]), r["error"] or ""] for r in rows], right={5})
