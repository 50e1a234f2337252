"""The store's shared meetings and people: `ivpflow shared …`."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from ..dates import iso, local
from ..i18n import _, ngettext, say_date
from .app import App, cli, pass_app
from .output import day, json_option, print_json, role_in, table, wide_option
from .params import DAY, force_option


@cli.group()
def shared() -> None:
    """Meetings and people shared by every process of the store.

    \b
    Examples:
      ivpflow shared meeting add 'gemeenteraad Losser' 2026-11-24
      ivpflow shared list
    """


@shared.group("meeting", short_help="The shared calendar of the decision bodies.")
def shared_meeting() -> None:
    """The shared calendar of the decision bodies (a gemeente's raad, entered once).

    \b
    Examples:
      ivpflow shared meeting add 'gemeenteraad Losser' 2026-11-24
      ivpflow shared meeting list
    """


def _replanned(count: int) -> str:
    return ngettext("{count} process re-planned", "{count} processes re-planned",
                    count).format(count=count)


@shared_meeting.command("add", short_help="Add a meeting that every process plans on.")
@click.argument("body")
@click.argument("when", metavar="DATE", type=DAY)
@click.option("--papers-due", "papers", metavar="DATE", type=DAY,
              help="When the papers must be in (default: the body's lead time before).")
@force_option
@pass_app
def shared_meeting_add(app: App, body: str, when: date, papers: date | None) -> None:
    """Add a meeting every process with a decision of BODY plans on.

    \b
    Example:
      ivpflow shared meeting add 'gemeenteraad Losser' 2026-11-24 \\
        --papers-due 2026-11-03
    """
    from ..process.shared import add_shared_meetings
    from ..workflow.model import Meeting

    done = add_shared_meetings(app.store, [Meeting(body, when, papers)], now=app.now,
                               actor=app.actor)
    click.echo(_("shared: {body} meets on {date}; {replanned}").format(
        body=body, date=say_date(when, weekday=True), replanned=_replanned(len(done.processes))))


@shared_meeting.command("import", short_help="Add shared meetings from a YAML list or a CSV file.")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def shared_meeting_import(app: App, file: str) -> None:
    """Add shared meetings in bulk from a YAML list or a CSV file (body,date,papers_due).

    \b
    Example:
      ivpflow shared meeting import raadsvergaderingen-2026.csv
    """
    from ..errors import FileAccessError
    from ..process.shared import add_shared_meetings
    from ..workflow.meeting_files import read_meetings_file

    try:
        meetings = read_meetings_file(file)
    except (OSError, ValueError) as exc:
        raise FileAccessError("read meetings from", file, str(exc)) from None
    done = add_shared_meetings(app.store, meetings, now=app.now, actor=app.actor,
                               source="file")
    click.echo(ngettext("shared: {count} meeting added; {replanned}",
                        "shared: {count} meetings added; {replanned}", done.meetings).format(
        count=done.meetings, replanned=_replanned(len(done.processes))))


@shared_meeting.command("remove")
@click.argument("body")
@click.argument("when", metavar="DATE", type=DAY)
@force_option
@pass_app
def shared_meeting_remove(app: App, body: str, when: date) -> None:
    """Remove a shared meeting that will not take place.

    \b
    Example:
      ivpflow shared meeting remove 'gemeenteraad Losser' 2026-11-24
    """
    from ..process.shared import remove_shared_meeting

    done = remove_shared_meeting(app.store, body, when, now=app.now, actor=app.actor)
    click.echo(_("shared: meeting of {body} on {date} removed; {replanned}").format(
        body=body, date=say_date(when), replanned=_replanned(len(done.processes))))


@shared_meeting.command("list")
@json_option
@wide_option
@pass_app
def shared_meeting_list(app: App, as_json: bool) -> None:
    """List the shared meetings.

    \b
    Example:
      ivpflow shared meeting list --json
    """
    from ..process.shared import shared_meetings

    rows = shared_meetings(app.store_for_reading)
    data: list[dict[str, Any]] = [{"body": m["body"], "date": iso(m["date"]),
                                   "papers_due": iso(m["papers_due"]),
                                   "created_at": local(m["created_at"]).isoformat()}
                                  for m in rows]
    if as_json:
        print_json(data)
        return
    if not data:
        click.echo(_("No shared meetings; add them with 'ivpflow shared meeting add'."))
        return
    table([_("date"), _("body"), _("papers due")],
          [[day(m["date"], weekday=True), m["body"], day(m["papers_due"])] for m in rows],
          cut={1})


@shared.command("assign", short_help="Fill a role in every process that has no holder.")
@click.argument("role")
@click.option("--name", required=True, help="The person's name.")
@click.option("--email", required=True, help="Where the reminders go.")
@click.option("--municipality", metavar="NAME", default="",
              help="Hold the role for this gemeente only (default: the whole process).")
@pass_app
def shared_assign(app: App, role: str, name: str, email: str, municipality: str) -> None:
    """Fill a role in every process of the store that has it and no holder of its own.

    \b
    Example:
      ivpflow shared assign griffie --municipality Losser \\
        --name 'J. Jansen' --email griffie@losser.nl
    """
    from ..process.shared import assign_shared

    municipality = assign_shared(app.store, role, name=name, email=email, now=app.now,
                                 municipality=municipality)
    click.echo(_("shared: {role} — {name} <{email}>").format(
        role=role_in(role, municipality), name=name, email=email))


@shared.command("unassign")
@click.argument("role")
@click.option("--email", required=True, help="The e-mail address to remove from the role.")
@click.option("--municipality", metavar="NAME", default="",
              help="The gemeente the role was held for (default: the whole process).")
@pass_app
def shared_unassign(app: App, role: str, email: str, municipality: str) -> None:
    """Remove a person from a shared role.

    \b
    Example:
      ivpflow shared unassign griffie --municipality Losser \\
        --email griffie@losser.nl
    """
    from ..process.shared import unassign_shared

    municipality = unassign_shared(app.store, role, email=email, municipality=municipality)
    click.echo(_("shared: {role} — {email} removed").format(role=role_in(role, municipality),
                                                            email=email))


@shared.command("list")
@json_option
@wide_option
@pass_app
def shared_list(app: App, as_json: bool) -> None:
    """List the shared people.

    \b
    Example:
      ivpflow shared list
    """
    from ..process.shared import shared_people

    rows = shared_people(app.store_for_reading)
    if as_json:
        print_json([{**p, "assigned_at": local(p["assigned_at"]).isoformat()} for p in rows])
        return
    if not rows:
        click.echo(_("No shared people; add them with 'ivpflow shared assign'."))
        return
    table([_("role"), _("municipality"), _("name"), _("email")],
          [[p["role"], p["municipality"] or "", p["name"], p["email"]] for p in rows],
          cut={2})
