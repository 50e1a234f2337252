"""Planning commands: plan, meeting, calendar, suspend, resume."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from ..i18n import _, ngettext, say_date, say_kind
from .app import App, cli, pass_app
from .output import day, json_option, print_json, say_reasons, table, wide_option, yes_no
from .params import DAY, allowing_earlier, complete_process, force_option


@cli.command(short_help="Show every dated item: planned, forecast, actual, slack.")
@click.argument("process_id", metavar="[ID]", required=False, shell_complete=complete_process)
@json_option
@click.option("--at-risk", "only_risk", is_flag=True, help="Only the items at risk.")
@wide_option
@pass_app
def plan(app: App, process_id: str | None, as_json: bool, only_risk: bool) -> None:
    """Show every dated item: planned, forecast and actual date, slack, risk.

    \b
    Examples:
      ivpflow plan not-2027-2030
      ivpflow plan not-2027-2030 --at-risk --wide
    """
    from ..views.status import process_plan

    rows = process_plan(app.store_for_reading, process_id, now=app.now)
    if only_risk:
        rows = [r for r in rows if r["at_risk"]]
    if as_json:
        print_json(rows)
        return
    lines = []
    today = app.now.date()
    colours: list[str | None] = []
    for r in rows:
        slack = "" if r["slack_days"] is None else f"{r['slack_days']:+d}"
        when = day(r["meeting"]) if r.get("meeting") else ""
        lines.append(["!" if r["at_risk"] else "", say_kind(r["kind"]), r["id"],
                      day(r["planned"]), day(r["forecast"]),
                      day(r["actual"]) if r["actual"] else "", slack, when,
                      say_reasons(r["reasons"]) or ""])
        # A meeting in the past is not late; anything else undone past its date is.
        late = (r["kind"] != "meeting" and not r["actual"] and r["planned"] is not None
                and date.fromisoformat(r["planned"]) < today)
        colours.append("red" if late else "yellow" if r["at_risk"] else None)
    if not lines:
        click.echo(_("Nothing at risk.") if only_risk else _("Nothing dated."))
        return
    table(["", _("kind"), _("id"), _("planned"), _("forecast"), _("actual"), _("slack"),
           _("meeting"), _("why")],
          lines, right={6}, wrap={8}, drop=(7, 5, 1), colours=colours)


@cli.group(short_help="Meetings of the decision bodies (raad, college, …).")
def meeting() -> None:
    """Meetings of the decision bodies (raad, commissie, college, driehoek).

    \b
    Examples:
      ivpflow meeting add not-2027-2030 'gemeenteraad Losser' 2026-11-24
      ivpflow meeting list not-2027-2030
    """


_FORCE = click.option("--force", is_flag=True,
                      help="Add a meeting on a day its body cannot meet (a weekend, feestdag, "
                           "recess or outside the process's days) anyway; recorded.")


@meeting.command("add")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@click.argument("day", metavar="DATE", type=DAY)
@click.option("--papers-due", "papers", metavar="DATE", type=DAY,
              help="When the papers must be in (default: the body's lead time before).")
@_FORCE
@pass_app
def meeting_add(app: App, process_id: str, body: str, day: date, papers: date | None,
                force: bool) -> None:
    """Add a meeting of a raad, college or driehoek.

    \b
    Example:
      ivpflow meeting add not-2027-2030 'gemeenteraad Losser' 2026-11-24 \\
        --papers-due 2026-11-03
    """
    from ..process.meetings import add_meetings
    from ..workflow.model import Meeting

    with allowing_earlier(force):
        add_meetings(app.store, process_id, [Meeting(body, day, papers)], now=app.now,
                     actor=app.actor, force=force)
    click.echo(_("{process_id}: {body} meets on {date}").format(
        process_id=process_id, body=body, date=say_date(day, weekday=True)))


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """--map NAME=BODY options as a dict."""
    found = {}
    for pair in pairs:
        name, sep, body = pair.partition("=")
        if not sep or not name.strip() or not body.strip():
            raise click.BadParameter(_("'{pair}' is not NAME=BODY").format(pair=pair),
                                     param_hint="--map")
        found[" ".join(name.split())] = " ".join(body.split())
    return found


@meeting.command("import", short_help="Add meetings from a YAML, CSV or .ics file.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--map", "pairs", multiple=True, metavar="NAME=BODY",
              help="A calendar's name for a decision body, e.g. "
                   "'Raadsvergadering=gemeenteraad Losser' (repeatable).")
@_FORCE
@pass_app
def meeting_import(app: App, process_id: str, file: str, pairs: tuple[str, ...],
                   force: bool) -> None:
    """Take in meetings from a YAML, CSV or iCalendar (.ics) file.

    A CSV has the columns body,date[,papers_due] (or orgaan;datum;stukken, with ';' and
    d-m-jjjj dates as Excel writes them in Dutch); an .ics file is a vergaderkalender whose
    summaries name the bodies (--map for other names). Importing the file again adds what is
    new, updates what changed and leaves the rest.

    \b
    Examples:
      ivpflow meeting import not-2027-2030 vergaderingen.csv
      ivpflow meeting import not-2027-2030 raad-losser.ics \\
        --map 'Raadsvergadering=gemeenteraad Losser'
    """
    from ..errors import FileAccessError
    from ..process.meetings import import_meetings
    from ..workflow.meeting_files import read_meetings

    mapping = _mapping(pairs)
    try:
        meetings = read_meetings(file)
    except (OSError, ValueError) as exc:
        raise FileAccessError("read meetings from", file, str(exc)) from None
    with allowing_earlier(force):
        done = import_meetings(app.store, process_id, meetings, now=app.now, actor=app.actor,
                               mapping=mapping, force=force)
    click.echo(ngettext("{process_id}: {count} meeting added, {updated} updated, "
                        "{unchanged} unchanged",
                        "{process_id}: {count} meetings added, {updated} updated, "
                        "{unchanged} unchanged", done.added).format(
        process_id=process_id, count=done.added, updated=done.updated,
        unchanged=done.unchanged))
    if done.skipped:
        names = sorted(set(done.skipped))
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        click.echo(ngettext("{count} calendar entry names no decision body of {process_id} and "
                            "was left out: {names} (--map NAME=BODY takes one in)",
                            "{count} calendar entries name no decision body of {process_id} "
                            "and were left out: {names} (--map NAME=BODY takes one in)",
                            len(done.skipped)).format(
            count=len(done.skipped), process_id=process_id, names=shown))


@meeting.command("schedule")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@click.argument("rule")
@click.option("--from", "first", metavar="DATE", type=DAY,
              help="The first day (default: today, or the process's start when later).")
@click.option("--until", "last", metavar="DATE", type=DAY,
              help="The last day (default: the end of the days the process plans on).")
@click.option("--except", "exceptions", metavar="DATE", multiple=True, type=DAY,
              help="A day the body does not meet after all (repeatable).")
@click.option("--replace", is_flag=True, help="Replace the body's schedule.")
@click.option("--force", is_flag=True,
              help="Let --from or --until lie outside the process's days; recorded.")
@pass_app
def meeting_schedule(app: App, process_id: str, body: str, rule: str, first: date | None,
                     last: date | None, exceptions: tuple[date, ...], replace: bool,
                     force: bool) -> None:
    """Give a decision body a recurring meeting schedule.

    RULE is an RRULE ("FREQ=MONTHLY;BYDAY=+2TU") or "every second Tuesday", "every 4 weeks
    on Thursday", "elke tweede dinsdag", "elke vier weken op donderdag". Days off and council
    recesses are skipped; 'meeting cancel' cancels one occurrence, 'meeting add' adds one.

    \b
    Examples:
      ivpflow meeting schedule not-2027-2030 'gemeenteraad Losser' \\
        'every second Tuesday' --except 2026-12-08
      ivpflow meeting schedule not-2027-2030 'college Losser' 'FREQ=WEEKLY;BYDAY=TU'
    """
    from ..process.schedules import schedule_meetings

    with allowing_earlier(force):
        done = schedule_meetings(
            app.store, process_id, body, rule, now=app.now, actor=app.actor,
            starts=first, ends=last, exceptions=list(exceptions), replace=replace, force=force)
    count = len(done.added)
    # One sentence with its parts: what was added, then what was known or removed, if any.
    text = ngettext("{process_id}: {body} {rule} from {first} to {last}: {count} meeting added",
                    "{process_id}: {body} {rule} from {first} to {last}: {count} meetings added",
                    count).format(process_id=process_id, body=body, rule=done.rule,
                                  first=say_date(done.starts), last=say_date(done.ends),
                                  count=count)
    if done.known:
        text += _(", {count} known already").format(count=len(done.known))
    if done.removed:
        text += ngettext(", {count} later one of the old schedule removed",
                         ", {count} later ones of the old schedule removed",
                         len(done.removed)).format(count=len(done.removed))
    click.echo(text)
    for skipped, why in done.skipped:
        click.echo("  " + _("skipped {date}: {why}").format(
            date=say_date(skipped, weekday=True), why=why))


@meeting.command("unschedule", short_help="End a body's recurring schedule.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@pass_app
def meeting_unschedule(app: App, process_id: str, body: str) -> None:
    """End a body's recurring schedule; its meetings from today on are removed.

    \b
    Example:
      ivpflow meeting unschedule not-2027-2030 'college Losser'
    """
    from ..process.schedules import unschedule_meetings

    removed = unschedule_meetings(app.store, process_id, body, now=app.now, actor=app.actor)
    click.echo(ngettext("{process_id}: schedule of {body} ended; {count} later meeting removed",
                        "{process_id}: schedule of {body} ended; {count} later meetings "
                        "removed", len(removed)).format(
        process_id=process_id, body=body, count=len(removed)))


@meeting.command("schedules")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@json_option
@pass_app
def meeting_schedules(app: App, process_id: str, as_json: bool) -> None:
    """List the recurring meeting schedules of a process.

    \b
    Example:
      ivpflow meeting schedules not-2027-2030
    """
    from ..process.schedules import schedules_of

    rows = schedules_of(app.store_for_reading, process_id)
    data: list[dict[str, Any]] = [{"body": s.body, "rule": s.rule, "from": s.starts.isoformat(),
                                   "until": s.ends.isoformat(),
                                   "except": [d for d in s.exceptions.split(",") if d]}
                                  for s in rows]
    if as_json:
        print_json(data)
        return
    if not data:
        click.echo(_("No schedules; give one with 'ivpflow meeting schedule ID BODY RULE'."))
        return
    table([_("body"), _("rule"), _("from"), _("until"), _("except")],
          [[d["body"], d["rule"], day(d["from"]), day(d["until"]),
            ", ".join(day(x) for x in d["except"])] for d in data])


def _remove(app: App, process_id: str, body: str, day: date) -> None:
    from ..process.meetings import remove_meeting

    remove_meeting(app.store, process_id, body, day, now=app.now, actor=app.actor)
    click.echo(_("{process_id}: meeting of {body} on {date} removed").format(
        process_id=process_id, body=body, date=say_date(day)))


@meeting.command("remove", short_help="Remove a meeting that will not take place.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@click.argument("day", metavar="DATE", type=DAY)
@force_option
@pass_app
def meeting_remove(app: App, process_id: str, body: str, day: date) -> None:
    """Remove a meeting that will not take place (an occurrence of a schedule is cancelled).

    \b
    Example:
      ivpflow meeting remove not-2027-2030 'gemeenteraad Losser' \\
        2026-11-24
    """
    _remove(app, process_id, body, day)


@meeting.command("cancel", short_help="Cancel a meeting, e.g. a schedule's occurrence.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.argument("body")
@click.argument("day", metavar="DATE", type=DAY)
@force_option
@pass_app
def meeting_cancel(app: App, process_id: str, body: str, day: date) -> None:
    """Cancel a meeting, such as one occurrence of a schedule (as 'meeting remove' does).

    \b
    Example:
      ivpflow meeting cancel not-2027-2030 'gemeenteraad Losser' 2026-12-15
    """
    _remove(app, process_id, body, day)


@meeting.command("list", short_help="List the meetings known for a process.")
@click.argument("process_id", metavar="ID")
@json_option
@wide_option
@pass_app
def meeting_list(app: App, process_id: str, as_json: bool) -> None:
    """List the meetings known for a process, with when their papers are due.

    \b
    Examples:
      ivpflow meeting list not-2027-2030
      ivpflow meeting list not-2027-2030 --json
    """
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
        click.echo(_("No meetings known; add them with 'ivpflow meeting add' or "
                     "'meeting import'."))
        return
    shared = any(m.get("shared") for m in data)
    table([_("date"), _("body"), _("papers due"), *([_("shared")] if shared else [])],
          [[day(m["date"], weekday=True), m["body"], day(m["papers_due"]),
            *([yes_no(True) if m.get("shared") else ""] if shared else [])] for m in data],
          cut={1})


@cli.command("calendar", short_help="Show the working days between two dates.")
@click.argument("first", metavar="DATE", type=DAY)
@click.argument("last", metavar="DATE", type=DAY)
@click.option("--municipality", metavar="NAME", help="Include this municipality's own days.")
@click.option("--process", "process_id", metavar="ID",
              help="Use the calendars of this process's definition (default: the only one).")
@json_option
@wide_option
@pass_app
def calendar_command(app: App, first: date, last: date, municipality: str | None,
                     process_id: str | None, as_json: bool) -> None:
    """Show the working days between two dates and why the other days are not.

    \b
    Examples:
      ivpflow calendar 2026-04-20 2026-05-10
      ivpflow calendar 2026-12-01 2026-12-31 --municipality Losser
    """
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
        when = day(iso_day, weekday=True)
        note = closed.get(iso_day) or ""
        if iso_day in recess:
            note = (note + "; " if note else "") + _("{recess} (no council meetings)").format(
                recess=recess[iso_day])
        rows.append([when, yes_no(iso_day not in closed), note])
    table([_("date"), _("working day"), _("why")], rows, cut={2})
    count = len(data["working_days"])
    click.echo(ngettext("{count} working day", "{count} working days", count).format(
        count=count))


@cli.command(short_help="Suspend a process; it cannot advance until resumed.")
@click.argument("process_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT", help="Why; recorded in the history.")
@force_option
@pass_app
def suspend(app: App, process_id: str, reason: str) -> None:
    """Suspend a process (e.g. around elections); it cannot advance until resumed.

    \b
    Example:
      ivpflow suspend not-2027-2030 --reason gemeenteraadsverkiezingen
    """
    from ..process.lifecycle import suspend as suspend_process

    suspend_process(app.store, process_id, reason=reason, now=app.now, actor=app.actor)
    click.echo(_("{process_id}: suspended on {date}").format(
        process_id=process_id, date=say_date(app.now.date())))


@cli.command(short_help="Resume a suspended process.")
@click.argument("process_id", metavar="ID")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@force_option
@pass_app
def resume(app: App, process_id: str, note: str | None) -> None:
    """Resume a suspended process; the forecast shifts by the working days lost.

    \b
    Example:
      ivpflow resume not-2027-2030 \\
        --note 'nieuwe colleges geïnstalleerd'
    """
    from ..process.lifecycle import resume as resume_process

    lost = resume_process(app.store, process_id, now=app.now, actor=app.actor, note=note)
    click.echo(_("{process_id}: resumed on {date} after {count} working days").format(
        process_id=process_id, date=say_date(app.now.date()), count=lost))


@meeting.command("sync", short_help="Take meetings from the griffie's system.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.option("--source", metavar="openbesluitvorming|notubiz|URL",
              help="Read every gemeente from this system, or from one iCalendar feed (an "
                   "https:// address or an .ics file) (default: the definition's "
                   "meeting_sources, else OpenBesluitvorming).")
@click.option("--map", "pairs", multiple=True, metavar="NAME=BODY",
              help="A calendar's name for a decision body, e.g. "
                   "'Commissie Bestuur=raadscommissie Losser' (repeatable).")
@json_option
@pass_app
def meeting_sync(app: App, process_id: str, source: str | None, pairs: tuple[str, ...],
                 as_json: bool) -> None:
    """Add, move and cancel meetings as the council information systems list them.

    Each gemeente's raad, commissies and college are read from OpenBesluitvorming, Notubiz
    or an iCalendar feed (the definition's meeting_sources say which; IVPFLOW_OPENBESLUITVORMING_URL
    and IVPFLOW_NOTUBIZ_URL point elsewhere). Running it again changes nothing; a meeting the
    source no longer lists stays until the source says it is cancelled. The plan and the
    reminders follow the meetings.

    \b
    Examples:
      ivpflow meeting sync not-2027-2030
      ivpflow meeting sync not-2027-2030 --source notubiz \\
        --map 'Commissie Bestuur=raadscommissie Losser'
    """
    from collections import Counter

    from ..i18n import _, ngettext, say_date
    from ..process.meeting_sync import sync_meetings
    from ..settings import NOTUBIZ_URL, OPENBESLUITVORMING_URL

    settings = app.settings
    urls = {"openbesluitvorming": str(settings["openbesluitvorming_url"]) if settings
            else OPENBESLUITVORMING_URL,
            "notubiz": str(settings["notubiz_url"]) if settings else NOTUBIZ_URL}
    done = sync_meetings(app.store, process_id, now=app.now, actor=app.actor, source=source,
                         mapping=_mapping(pairs), urls=urls)
    if as_json:
        print_json({"added": done.added, "moved": done.moved, "cancelled": done.cancelled,
                    "unchanged": done.unchanged,
                    "read": [{"municipality": m or None, "source": label, "meetings": n}
                             for m, label, n in done.read],
                    "found": {body: [d.isoformat() for d in days] for body, days in done.found},
                    "unmatched": dict(done.unmatched),
                    "irregular": [{"body": b, "date": d.isoformat(), "why": w}
                                  for b, d, w in done.irregular]})
        return
    click.echo(ngettext(
        "{process_id}: {added} meeting added, {moved} moved, {cancelled} cancelled, "
        "{unchanged} unchanged",
        "{process_id}: {added} meetings added, {moved} moved, {cancelled} cancelled, "
        "{unchanged} unchanged", done.added).format(
        process_id=process_id, added=done.added, moved=done.moved, cancelled=done.cancelled,
        unchanged=done.unchanged))
    for municipality, label, count in done.read:
        if municipality:
            line = ngettext("{municipality}: {count} meeting read from {source}",
                            "{municipality}: {count} meetings read from {source}", count)
        else:
            line = ngettext("{count} meeting read from {source}",
                            "{count} meetings read from {source}", count)
        click.echo(line.format(municipality=municipality, count=count, source=label))
    for body, days in done.found:
        if not days:
            click.echo(_("  {body}: none found in the source").format(body=body))
            continue
        per_year = Counter(d.year for d in days)
        counts = ", ".join(ngettext("{count} meeting in {year}", "{count} meetings in {year}",
                                    n).format(count=n, year=year)
                           for year, n in sorted(per_year.items()))
        click.echo(_("  {body}: {counts}").format(body=body, counts=counts))
    for body, when, why in done.irregular:
        click.echo(_("  {body} meets on {date} as the source says, although {why}").format(
            body=body, date=say_date(when, weekday=True), why=why))
    if done.unmatched:
        shown = ", ".join(f"{name} ({count})" for name, count in done.unmatched[:8])
        if len(done.unmatched) > 8:
            shown += ", …"
        click.echo(ngettext(
            "{count} calendar name names no decision body of {process_id} and was left out: "
            "{names} (--map NAME=BODY takes one in)",
            "{count} calendar names name no decision body of {process_id} and were left out: "
            "{names} (--map NAME=BODY takes one in)", len(done.unmatched)).format(
            count=len(done.unmatched), process_id=process_id, names=shown))
