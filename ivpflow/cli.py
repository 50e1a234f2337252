"""The command line: parses arguments, calls one library function, prints the result."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

from .dates import dutch_date, now_local, parse_day, parse_moment
from .errors import IvpflowError

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """What every command shares: where the data is, the moment, the actor."""

    def __init__(self, store_dir: str, db_url: str | None, now: datetime, actor: str,
                 fixed_clock: bool = False) -> None:
        self.store_dir = store_dir
        self.db_url = db_url
        self.now = now
        self.actor = actor
        self.fixed_clock = fixed_clock
        self._store: Any = None

    @property
    def store(self) -> Any:
        """The database, opened (and created or upgraded) on first use."""
        if self._store is None:
            from .store import Store

            self._store = Store.open(self.store_dir, self.db_url)
        return self._store

    @property
    def workflows_path(self) -> str | None:
        """Extra definition locations from IVPFLOW_WORKFLOWS."""
        return os.environ.get("IVPFLOW_WORKFLOWS")


class IvpflowGroup(click.Group):
    """Turns every library refusal into one `Error: …` line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IvpflowError as exc:
            raise click.ClickException(str(exc)) from None


pass_app = click.make_pass_decorator(App)


def _json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@click.group(cls=IvpflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_dir", envvar="IVPFLOW_STORE", default="store",
              show_default=True, metavar="DIR",
              help="Embedded data location: ivpflow.sqlite3, outbox/, drafts/.")
@click.option("--db", "db_url", envvar="IVPFLOW_DB", metavar="URL",
              help="SQLAlchemy URL (default: sqlite:///<store>/ivpflow.sqlite3).")
@click.option("--now", "now_text", envvar="IVPFLOW_NOW", metavar="ISO",
              help="The moment to act at, e.g. 2026-06-01 or 2026-06-01T08:00 "
                   "(Europe/Amsterdam; default: the real clock).")
@click.option("--actor", envvar="IVPFLOW_ACTOR", metavar="NAME",
              help="Who is acting; recorded in the history (default: $USER).")
@click.version_option(package_name="ivpflow")
@click.pass_context
def cli(ctx: click.Context, store_dir: str, db_url: str | None, now_text: str | None,
        actor: str | None) -> None:
    """ivpflow runs a municipality's Integraal Veiligheidsplan process (VNG five steps).

    A coordinator starts a process from a workflow definition, completes tasks, records the
    decisions of the raad, the college and the driehoek, and advances phase by phase; every
    step is kept in the database with who, when and why.
    """
    now = parse_moment(now_text) if now_text else now_local()
    ctx.obj = App(store_dir, db_url, now, actor or os.environ.get("USER") or _default_actor(),
                  fixed_clock=bool(now_text))


# --------------------------------------------------------------------------- definitions


@cli.command()
@_json_option
@pass_app
def workflows(app: App, as_json: bool) -> None:
    """List the workflow definitions available (shipped and IVPFLOW_WORKFLOWS)."""
    from .definitions import definition_paths, load_definition
    from .errors import DefinitionError

    rows: list[dict[str, Any]] = []
    for ident, path in definition_paths(app.workflows_path).items():
        try:
            definition = load_definition(path)
        except DefinitionError as exc:
            rows.append({"id": ident, "title": None, "path": str(path), "phases": [],
                         "error": exc.problems[0]})
            continue
        rows.append({"id": definition.id, "title": definition.title, "path": str(path),
                     "phases": definition.phase_ids})
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No workflow definitions found.")
        return
    _table(["id", "title", "phases"],
           [[r["id"], r["title"] or click.style("invalid: " + r["error"], fg="red"),
             " → ".join(r["phases"])] for r in rows])


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files: Sequence[str]) -> None:
    """Validate definition files; print every problem as FILE:LINE: message."""
    from .definitions import load_definition
    from .errors import DefinitionError

    problems: list[str] = []
    for file in files:
        try:
            definition = load_definition(file)
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        counts = {kind: len(definition.items_of_kind(kind))
                  for kind in ("task", "decision", "document")}
        click.echo(f"{file}: ok ({definition.id}: {len(definition.phases)} phases, "
                   f"{counts['task']} tasks, {counts['decision']} decisions, "
                   f"{counts['document']} documents)")
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem{'s' * (len(problems) != 1)} found")


# --------------------------------------------------------------------------- processes


@cli.command()
@click.argument("workflow")
@click.option("--id", "process_id", metavar="ID", help="Process id (default: the workflow id).")
@click.option("--start", "start_text", metavar="DATE",
              help="Start date (default: the definition's, else today).")
@pass_app
def start(app: App, workflow: str, process_id: str | None, start_text: str | None) -> None:
    """Start a process from a workflow definition (an id or a .yaml file); prints its id."""
    from .definitions import find_definition, load_definition
    from .processes import start_process

    start_day = parse_day(start_text, option="--start") if start_text else None
    if workflow.endswith((".yaml", ".yml")) or os.sep in workflow:
        definition = load_definition(workflow)
    else:
        definition = find_definition(workflow, app.workflows_path)
    click.echo(start_process(app.store, definition, now=app.now, actor=app.actor,
                             process_id=process_id, start=start_day))


@cli.command()
@_json_option
@click.option("--sort", type=click.Choice(["id", "deadline", "risk"]), default="id",
              show_default=True, help="Order of the list.")
@pass_app
def processes(app: App, as_json: bool, sort: str) -> None:
    """List every process: phase, next deadline, overdue and at-risk counts."""
    from .status import list_processes

    rows = list_processes(app.store, now=app.now)
    if sort == "deadline":
        rows.sort(key=lambda r: (r["next_deadline"] is None, r["next_deadline"] or "", r["id"]))
    elif sort == "risk":
        rows.sort(key=lambda r: (-r["overdue"], -r["at_risk"], r["next_deadline"] or "9999"))
    if as_json:
        _print_json([{k: r[k] for k in ("id", "workflow", "phase", "next_deadline", "overdue",
                                        "at_risk")} for r in rows])
        return
    if not rows:
        click.echo("No processes yet; start one with 'ivpflow start WORKFLOW'.")
        return
    _table(["id", "workflow", "phase", "next deadline", "item", "overdue", "at risk"],
           [[r["id"], r["workflow"], r["phase"], _d(r["next_deadline"]), r["next_item"] or "",
             _count(r["overdue"], "red"), _count(r["at_risk"], "yellow")] for r in rows],
           right={5, 6})


@cli.command()
@click.argument("process_id", metavar="[ID]", required=False)
@_json_option
@pass_app
def status(app: App, process_id: str | None, as_json: bool) -> None:
    """Show one process (or the only one) in full."""
    from .status import process_status

    data = process_status(app.store, process_id, now=app.now)
    if as_json:
        _print_json(data)
    else:
        _print_status(data)


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
    from .processes import advance as advance_process

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
    from .processes import reopen as reopen_process

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
    from .processes import complete

    item = complete(app.store, process_id, task, now=app.now, actor=app.actor, note=note)
    click.echo(f"{process_id}: {item.kind} {item.id} done ({dutch_date(app.now.date())})")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("decision")
@click.option("--outcome", required=True, metavar="OUTCOME",
              help="vastgesteld, gewijzigd-vastgesteld, aangehouden or verworpen.")
@click.option("--date", "date_text", metavar="DATE", help="Date of the decision (default: today).")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@pass_app
def decide(app: App, process_id: str, decision: str, outcome: str, date_text: str | None,
           note: str | None) -> None:
    """Record a decision's outcome."""
    from .processes import decide as record_decision

    on = parse_day(date_text) if date_text else None
    item = record_decision(app.store, process_id, decision, outcome=outcome, now=app.now,
                           actor=app.actor, on=on, note=note)
    click.echo(f"{process_id}: {item.id} ({item.body}) {outcome} on "
               f"{dutch_date(on or app.now.date())}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("role")
@click.option("--name", required=True, help="The person's name.")
@click.option("--email", required=True, help="Their e-mail address (reminders go there).")
@pass_app
def assign(app: App, process_id: str, role: str, name: str, email: str) -> None:
    """Record who fills a role of the workflow in this process."""
    from .processes import assign as assign_role

    assign_role(app.store, process_id, role, name=name, email=email, now=app.now,
                actor=app.actor)
    click.echo(f"{process_id}: {role} — {name} <{email}>")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.argument("role")
@click.option("--email", required=True, help="The e-mail address to remove from the role.")
@pass_app
def unassign(app: App, process_id: str, role: str, email: str) -> None:
    """Remove a person from a role of this process."""
    from .processes import unassign as unassign_role

    unassign_role(app.store, process_id, role, email=email, now=app.now, actor=app.actor)
    click.echo(f"{process_id}: {role} — {email} removed")


@cli.command()
@click.argument("process_id", metavar="ID")
@_json_option
@pass_app
def history(app: App, process_id: str, as_json: bool) -> None:
    """Show the append-only event log of a process."""
    from .status import history as load_history

    events = load_history(app.store, process_id)
    if as_json:
        _print_json(events)
        return
    rows = []
    for e in events:
        at = datetime.fromisoformat(e["at"])
        change = f"{e['from'] or ''} → {e['to']}" if e["to"] else ""
        rows.append([f"{dutch_date(at.date())} {at:%H:%M}", e["actor"], e["event"],
                     e["item"] or "", change, e["note"] or ""])
    _table(["when", "who", "event", "item", "change", "note"], rows)


# --------------------------------------------------------------------------- planning


@cli.command()
@click.argument("process_id", metavar="[ID]", required=False)
@_json_option
@click.option("--at-risk", "only_risk", is_flag=True, help="Only the items at risk.")
@pass_app
def plan(app: App, process_id: str | None, as_json: bool, only_risk: bool) -> None:
    """Show every dated item: planned, forecast and actual date, slack, risk."""
    from .status import process_plan

    rows = process_plan(app.store, process_id, now=app.now)
    if only_risk:
        rows = [r for r in rows if r["at_risk"]]
    if as_json:
        _print_json(rows)
        return
    table = []
    for r in rows:
        slack = "" if r["slack_days"] is None else f"{r['slack_days']:+d}"
        mark = click.style("!", fg="red", bold=True) if r["at_risk"] else ""
        when = _d(r["meeting"]) if r.get("meeting") else ""
        table.append([mark, r["kind"], r["id"], _d(r["planned"]), _d(r["forecast"]),
                      _d(r["actual"]) if r["actual"] else "", slack, when,
                      r["why"] or ""])
    if not table:
        click.echo("Nothing at risk." if only_risk else "Nothing dated.")
        return
    _table(["", "kind", "id", "planned", "forecast", "actual", "slack", "meeting", "why"],
           table, right={6})


@cli.group()
def meeting() -> None:
    """Meetings of the decision bodies (raad, commissie, college, driehoek)."""


@meeting.command("add")
@click.argument("process_id", metavar="ID")
@click.argument("body")
@click.argument("date_text", metavar="DATE")
@click.option("--papers-due", "papers_text", metavar="DATE",
              help="When the papers must be in (default: the body's lead time before).")
@pass_app
def meeting_add(app: App, process_id: str, body: str, date_text: str,
                papers_text: str | None) -> None:
    """Add a meeting of a decision body, e.g. "gemeenteraad Losser" 2026-11-24."""
    from .definitions import Meeting
    from .processes import add_meetings

    day = parse_day(date_text, option="DATE")
    papers = parse_day(papers_text, option="--papers-due") if papers_text else None
    add_meetings(app.store, process_id, [Meeting(body, day, papers)], now=app.now,
                 actor=app.actor)
    click.echo(f"{process_id}: {body} meets on {dutch_date(day, weekday=True)}")


@meeting.command("import")
@click.argument("process_id", metavar="ID")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_app
def meeting_import(app: App, process_id: str, file: str) -> None:
    """Add meetings in bulk from a YAML list or a CSV file (body,date,papers_due)."""
    from .errors import InvalidValueError
    from .meetings import read_meetings_file
    from .processes import add_meetings

    try:
        meetings = read_meetings_file(file)
    except (OSError, ValueError) as exc:
        raise InvalidValueError(f"Cannot read meetings from '{file}': {exc}") from None
    count = add_meetings(app.store, process_id, meetings, now=app.now, actor=app.actor,
                         source="file")
    click.echo(f"{process_id}: {count} meetings added")


@meeting.command("remove")
@click.argument("process_id", metavar="ID")
@click.argument("body")
@click.argument("date_text", metavar="DATE")
@pass_app
def meeting_remove(app: App, process_id: str, body: str, date_text: str) -> None:
    """Remove a meeting that will not take place."""
    from .processes import remove_meeting

    day = parse_day(date_text, option="DATE")
    remove_meeting(app.store, process_id, body, day, now=app.now, actor=app.actor)
    click.echo(f"{process_id}: meeting of {body} on {dutch_date(day)} removed")


@meeting.command("list")
@click.argument("process_id", metavar="ID")
@_json_option
@pass_app
def meeting_list(app: App, process_id: str, as_json: bool) -> None:
    """List the meetings known for a process, with when their papers are due."""
    from .status import process_plan

    rows = [r for r in process_plan(app.store, process_id, now=app.now) if r["kind"] == "meeting"]
    data = [{"body": r["id"], "date": r["planned"], "papers_due": r["papers_due"]} for r in rows]
    if as_json:
        _print_json(data)
        return
    if not data:
        click.echo("No meetings known; add them with 'ivpflow meeting add' or 'meeting import'.")
        return
    _table(["date", "body", "papers due"],
           [[dutch_date(date.fromisoformat(m["date"]), weekday=True), m["body"],
             _d(m["papers_due"])] for m in data])


@cli.command("calendar")
@click.argument("first", metavar="DATE")
@click.argument("last", metavar="DATE")
@click.option("--municipality", metavar="NAME", help="Include this municipality's own days.")
@click.option("--process", "process_id", metavar="ID",
              help="Use the calendars of this process's definition (default: the only one).")
@_json_option
@pass_app
def calendar_command(app: App, first: str, last: str, municipality: str | None,
                     process_id: str | None, as_json: bool) -> None:
    """Show the working days between two dates and why the other days are not."""
    from .status import working_days

    needs_store = process_id is not None or municipality is not None
    data = working_days(app.store if needs_store else None, parse_day(first, option="DATE"),
                        parse_day(last, option="DATE"), municipality=municipality,
                        process_id=process_id, extra=app.workflows_path)
    if as_json:
        _print_json(data)
        return
    closed = {c["date"]: c["why"] for c in data["closed"]}
    recess = {c["date"]: c["why"] for c in data.get("recess", [])}
    rows = []
    for day in sorted(set(data["working_days"]) | set(closed)):
        when = dutch_date(date.fromisoformat(day), weekday=True)
        note = closed.get(day) or ""
        if day in recess:
            note = (note + "; " if note else "") + f"{recess[day]} (no council meetings)"
        rows.append([when, "no" if day in closed else "yes", note])
    _table(["date", "working day", "why"], rows)
    count = len(data["working_days"])
    click.echo(f"{count} working day{'s' * (count != 1)}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.option("--reason", required=True, metavar="TEXT", help="Why; recorded in the history.")
@pass_app
def suspend(app: App, process_id: str, reason: str) -> None:
    """Suspend a process (e.g. around elections); it cannot advance until resumed."""
    from .processes import suspend as suspend_process

    suspend_process(app.store, process_id, reason=reason, now=app.now, actor=app.actor)
    click.echo(f"{process_id}: suspended on {dutch_date(app.now.date())}")


@cli.command()
@click.argument("process_id", metavar="ID")
@click.option("--note", metavar="TEXT", help="A note for the history.")
@pass_app
def resume(app: App, process_id: str, note: str | None) -> None:
    """Resume a suspended process; the forecast shifts by the working days lost."""
    from .processes import resume as resume_process

    lost = resume_process(app.store, process_id, now=app.now, actor=app.actor, note=note)
    click.echo(f"{process_id}: resumed on {dutch_date(app.now.date())} after {lost} working "
               "days")


# --------------------------------------------------------------------------- scheduler


@cli.command()
@_json_option
@pass_app
def tick(app: App, as_json: bool) -> None:
    """Do one pass of the scheduler's work at --now: queue due reminders, deliver the outbox."""
    from .mail import MailSettings
    from .scheduler import tick as run_tick

    report = run_tick(app.store, app.now, MailSettings.from_env(app.store_dir))
    if as_json:
        _print_json(report.as_dict())
        return
    for line in report.lines():
        click.echo(line)


@cli.command()
@click.option("--every", "every", type=click.FloatRange(min=0.01), default=15.0,
              show_default=True, metavar="MINUTES", help="Minutes between ticks.")
@pass_app
def scheduler(app: App, every: float) -> None:
    """Run the scheduler until stopped (SIGTERM or Ctrl-C): ticks on a timer, digest Monday 08:00.

    With --now (or IVPFLOW_NOW) every tick acts at that fixed moment, for replays.
    """
    import logging

    from .dates import now_local
    from .mail import MailSettings
    from .scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    fixed = app.now if app.fixed_clock else None
    settings = MailSettings.from_env(app.store_dir)
    pause = float(os.environ.get("IVPFLOW_DELIVER_PAUSE", "0") or 0)
    run_scheduler(app.store, settings, every_minutes=every,
                  clock=(lambda: fixed) if fixed else now_local, deliver_pause=pause)


@cli.command()
@_json_option
@click.option("--status", "status_filter",
              type=click.Choice(["queued", "sent", "failed", "cancelled"]),
              help="Only messages in this state.")
@pass_app
def outbox(app: App, as_json: bool, status_filter: str | None) -> None:
    """List the reminder messages and their delivery state."""
    from .status import outbox_messages

    rows = outbox_messages(app.store, status_filter)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("The outbox is empty.")
        return
    colours = {"sent": "green", "failed": "red", "queued": "yellow", "cancelled": None}
    _table(["id", "status", "kind", "to", "subject", "attempts", "error"],
           [[str(r["id"]), click.style(r["status"], fg=colours[r["status"]]), r["kind"], r["to"],
             r["subject"], str(r["attempts"]), r["error"] or ""] for r in rows], right={5})


# --------------------------------------------------------------------------- output


def _d(value: str | date | None) -> str:
    if value is None:
        return "—"
    return dutch_date(date.fromisoformat(value) if isinstance(value, str) else value)


def _count(value: int, colour: str) -> str:
    return click.style(str(value), fg=colour, bold=True) if value else "0"


def _width(text: str) -> int:
    return len(click.unstyle(text))


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
           right: set[int] | None = None, indent: str = "") -> None:
    """Print rows as aligned columns (styles do not count towards widths)."""
    right = right or set()
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([_width(h)] + [_width(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if i in right else value + pad)
        return (indent + "  ".join(parts)).rstrip()

    click.echo(click.style(line(list(headers)), bold=True))
    for row in cells:
        click.echo(line(row))


STATUS_RISKS_SHOWN = 8
_STATUS_MARK = {"done": "✓", "active": "▶", "pending": "·"}


def _print_status(data: dict[str, Any]) -> None:
    today = date.fromisoformat(data["today"])
    active = next(p for p in data["phases"] if p["id"] == data["phase"])
    click.echo(click.style(data["title"], bold=True) + f"  ({data['id']})")
    since = f" since {_d(active['started'])}" if active["started"] else ""
    due = f", due {_d(active['due'])}" if active["due"] else ""
    click.echo(f"Phase: {active['title']} ({active['id']}){since}{due}")
    click.echo(f"Today: {dutch_date(today)}")
    if data.get("suspended"):
        click.echo(click.style(f"Suspended since {_d(data['suspended']['since'])}: "
                               f"{data['suspended']['reason']}", fg="yellow", bold=True))
    clock = data.get("clock")
    if clock:
        forecast = _d(clock["adoption_forecast"]) if clock["adoption_forecast"] else "not known"
        click.echo(f"IVP {clock['period']}: adoption planned {_d(clock['adoption_planned'])}, "
                   f"forecast {forecast}; the next process must start by "
                   f"{_d(clock['next_start_by'])}")
        if clock["replaces_until"]:
            click.echo(f"The plan it replaces runs until {_d(clock['replaces_until'])}")
        for warning in clock["warnings"]:
            click.echo(click.style(f"Warning: {warning}", fg="red", bold=True))
    click.echo()
    _table(["", "phase", "status", "due", "started", "completed"],
           [[_STATUS_MARK.get(p["status"], ""), p["title"], p["status"], _d(p["due"]),
             _d(p["started"]), _d(p["completed"])] for p in data["phases"]])
    items = {i["id"]: i for i in data["tasks"] + data["decisions"] + data["documents"]}
    titles = {p["id"]: p["title"] for p in data["phases"]} | {k: v["title"]
                                                              for k, v in items.items()}
    holders = {r["role"]: ", ".join(p["name"] for p in r["people"]) or f"({r['role']})"
               for r in data["roles"]}

    def who(item_id: str) -> str:
        role = items.get(item_id, {}).get("role")
        return holders.get(role, "") if role else ""

    if data["overdue"]:
        click.echo()
        click.echo(click.style(f"Overdue ({len(data['overdue'])})", fg="red", bold=True))
        _table(["due", "kind", "id", "title", "who"],
               [[_d(o["due"]), o["kind"], o["id"], titles.get(o["id"], ""), who(o["id"])]
                for o in data["overdue"]], indent="  ")
    if data["at_risk"]:
        click.echo()
        click.echo(click.style(f"At risk ({len(data['at_risk'])})", fg="yellow", bold=True))
        shown = data["at_risk"][:STATUS_RISKS_SHOWN]
        _table(["due", "forecast", "kind", "id", "why"],
               [[_d(r["due"]), _d(r["forecast"]), r["kind"], r["id"], r["why"]]
                for r in shown], indent="  ")
        if len(data["at_risk"]) > len(shown):
            click.echo(f"  … and {len(data['at_risk']) - len(shown)} more: "
                       f"ivpflow plan {data['id']} --at-risk")
    if data["upcoming"]:
        click.echo()
        click.echo(click.style("Next deadlines", bold=True))
        _table(["due", "working days", "kind", "id", "title", "who"],
               [[_d(u["due"]), str(u["working_days_left"]), u["kind"], u["id"],
                 titles.get(u["id"], ""), who(u["id"])] for u in data["upcoming"]],
               right={1}, indent="  ")
    open_here = [i for i in data["tasks"] + data["documents"]
                 if i["phase"] == data["phase"] and i["status"] != "done"]
    if open_here:
        click.echo()
        click.echo(click.style(f"Open in {active['title']}", bold=True))
        _table(["id", "title", "due", "required", "who"],
               [[i["id"], i["title"], _d(i["due"]), "yes" if i["required"] else "no",
                 who(i["id"])] for i in open_here], indent="  ")
    if data["decisions"]:
        click.echo()
        click.echo(click.style("Decisions", bold=True))
        _table(["phase", "body", "decision", "due", "outcome", "date"],
               [[d["phase"], d["body"], d["id"], _d(d["due"]), d["outcome"] or "open",
                 _d(d["date"]) if d["date"] else ""] for d in data["decisions"]], indent="  ")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `ivpflow` console script."""
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="ivpflow")

