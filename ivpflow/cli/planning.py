"""Planning commands: plan, meeting, calendar, suspend, resume."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from ..dates import dutch_date
from .app import App, cli, pass_app
from .output import day, json_option, print_json, table
from .params import DAY, complete_process, force_option


@cli.command()
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@json_option
@click.option("--at-risk", "only_risk", is_flag=True, help="Only the items at risk.")
@pass_app
def plan(app: App, process_id: str | None, as_json: bool, only_risk: bool) -> None:
    """Show every dated item: planned, forecast and actual date, slack, risk."""
    from ..views.status import process_plan

    rows = process_plan(app.store_for_reading, process_id, now=app.now)
    if only_risk:
        rows = [r for r in rows if r["at_risk"]]
    if as_json:
        print_json(rows)
        return
    lines = []
    for r in rows:
        slack = "" if r["slack_days"] is None else f"{r['slack_days']:+d}"
        mark = click.style("!", fg="red", bold=True) if r["at_risk"] else ""
        when = day(r["meeting"]) if r.get("meeting") else ""
        lines.append([mark, r["kind"], r["id"], day(r["planned"]), day(r["forecast"]),
                      day(r["actual"]) if r["actual"] else "", slack, when,
                      r["why"] or ""])
    if not lines:
        click.echo("Nothing at risk." if only_risk else "Nothing dated.")
        return
    table(["", "kind", "id", "planned", "forecast", "actual", "slack", "meeting", "why"],
          lines, right={6})


@cli.group()
def meeting() -> None:
    """Meetings of the decision bodies (raad, commissie, college, driehoek)."""


@meeting.command("add")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@click.argument("day", metavar="DATE", type=DAY)
@click.option("--papers-due", "papers", metavar="DATE", type=DAY,
              help="When the papers must be in (default: the body's lead time before).")
@force_option
@pass_app
def meeting_add(app: App, process_id: str, body: str, day: date, papers: date | None) -> None:
    """Add a meeting of a decision body, e.g. "gemeenteraad Losser" 2026-11-24."""
    from ..process.meetings import add_meetings
    from ..workflow.model import Meeting

    add_meetings(app.store, process_id, [Meeting(body, day, papers)], now=app.now,
                 actor=app.actor)
    click.echo(f"{process_id}: {body} meets on {dutch_date(day, weekday=True)}")


@meeting.command("import")
@click.argument("process_id", metavar="ID")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def meeting_import(app: App, process_id: str, file: str) -> None:
    """Add meetings in bulk from a YAML list or a CSV file (body,date,papers_due)."""
    from ..errors import FileAccessError
    from ..process.meetings import add_meetings
    from ..workflow.meeting_files import read_meetings_file

    try:
        meetings = read_meetings_file(file)
    except (OSError, ValueError) as exc:
        raise FileAccessError("read meetings from", file, str(exc)) from None
    count = add_meetings(app.store, process_id, meetings, now=app.now, actor=app.actor,
                         source="file")
    click.echo(f"{process_id}: {count} meetings added")


@meeting.command("remove")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@click.argument("day", metavar="DATE", type=DAY)
@force_option
@pass_app
def meeting_remove(app: App, process_id: str, body: str, day: date) -> None:
    """Remove a meeting that will not take place."""
    from ..process.meetings import remove_meeting

    remove_meeting(app.store, process_id, body, day, now=app.now, actor=app.actor)
    click.echo(f"{process_id}: meeting of {body} on {dutch_date(day)} removed")


@meeting.command("list")
@click.argument("process_id", metavar="ID")
@json_option
@pass_app
def meeting_list(app: App, process_id: str, as_json: bool) -> None:
    """List the meetings known for a process, with when their papers are due."""
    from ..views.status import process_plan

    rows = [r for r in process_plan(app.store_for_reading, process_id, now=app.now)
            if r["kind"] == "meeting"]
    # A shared meeting (ivpflow shared meeting) says so: "shared": true.
    data: list[dict[str, Any]] = [{"body": r["id"], "date": r["planned"],
                                   "papers_due": r.get("papers_due"),
                                   **({"shared": True} if r.get("shared") else {})}
                                  for r in rows]
    if as_json:
        print_json(data)
        return
    if not data:
        click.echo("No meetings known; add them with 'ivpflow meeting add' or 'meeting import'.")
        return
    shared = any(m.get("shared") for m in data)
    table(["date", "body", "papers due", *(["shared"] if shared else [])],
           [[dutch_date(date.fromisoformat(m["date"]), weekday=True), m["body"],
             day(m["papers_due"]), *(["yes" if m.get("shared") else ""] if shared else [])]
            for m in data])


@cli.command("calendar")
@click.argument("first", metavar="DATE", type=DAY)
@click.argument("last", metavar="DATE", type=DAY)
@click.option("--municipality", metavar="NAME", help="Include this municipality's own days.")
@click.option("--process", "process_id", metavar="ID",
              help="Use the calendars of this process's definition (default: the only one).")
@json_option
@pass_app
def calendar_command(app: App, first: date, last: date, municipality: str | None,
                     process_id: str | None, as_json: bool) -> None:
    """Show the working days between two dates and why the other days are not."""
    from ..errors import NoStoreError
    from ..views.workdays import working_days

    store = None
    if process_id is not None:
        store = app.store_for_reading
    elif municipality is not None:
        # The only process's definition knows the municipality best; without a store the
        # available definitions do.
        try:
            store = app.store_for_reading
        except NoStoreError:
            store = None
    data = working_days(store, first, last, municipality=municipality, process_id=process_id,
                        extra=app.workflows_path)
    if as_json:
        print_json(data)
        return
    closed = {c["date"]: c["why"] for c in data["closed"]}
    recess = {c["date"]: c["why"] for c in data.get("recess", [])}
    rows = []
    for iso_day in sorted(set(data["working_days"]) | set(closed)):
        when = dutch_date(date.fromisoformat(iso_day), weekday=True)
        note = closed.get(iso_day) or ""
        if iso_day in recess:
            note = (note + "; " if note else "") + f"{recess[iso_day]} (no council meetings)"
        rows.append([when, "no" if iso_day in closed else "yes", note])
    table(["date", "working day", "why"], rows)
    count = len(data["working_days"])
    click.echo(f"{count} working day{'s' * (count != 1)}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT", help="Why; recorded in the history.")
@force_option
@pass_app
def suspend(app: App, process_id: str, reason: str) -> None:
    """Suspend a process (e.g. around elections); it cannot advance until resumed."""
    from ..process.lifecycle import suspend as suspend_process

    suspend_process(app.store, process_id, reason=reason, now=app.now, actor=app.actor)
    click.echo(f"{process_id}: suspended on {dutch_date(app.now.date())}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@force_option
@pass_app
def resume(app: App, process_id: str, note: str | None) -> None:
    """Resume a suspended process; the forecast shifts by the working days lost."""
    from ..process.lifecycle import resume as resume_process

    lost = resume_process(app.store, process_id, now=app.now, actor=app.actor, note=note)
    click.echo(f"{process_id}: resumed on {dutch_date(app.now.date())} after {lost} working "
               "days")
