"""Views to take away: the iCalendar export, the HTML report and the workflow diagram."""

from __future__ import annotations

from pathlib import Path

import click

from .app import App, cli, pass_app
from .params import complete_process


def _write(out: str, data: bytes) -> None:
    """Write a file (or stdout for '-') and print where it went."""
    from ..errors import FileAccessError

    if out == "-":
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
        return
    path = Path(out)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise FileAccessError("write", out, str(exc.strerror or exc)) from None
    click.echo(str(path))


@cli.group()
def export() -> None:
    """Export a process for other tools (calendar).

    \b
    Example:
      ivpflow export ics not-2027-2030
    """


@export.command("ics", short_help="Write every deadline and meeting as an iCalendar file.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.option("--out", metavar="FILE", help="Where to write it ('-' for stdout; default: ID.ics).")
@pass_app
def export_ics(app: App, process_id: str, out: str | None) -> None:
    """Every deadline and meeting of a process as an iCalendar (.ics) file; prints its path.

    Import it into Outlook or another agenda; importing a newer export updates the entries.

    \b
    Examples:
      ivpflow export ics not-2027-2030 --out ivp.ics
      ivpflow export ics not-2027-2030 --out -
    """
    from ..views.ics import export_ics as build

    _write(out or f"{process_id}.ics", build(app.store_for_reading, process_id, now=app.now))


@cli.command(short_help="Write a self-contained HTML status report.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.option("--out", metavar="FILE",
              help="Where to write it ('-' for stdout; default: ID.html).")
@pass_app
def report(app: App, process_id: str, out: str | None) -> None:
    """A self-contained HTML status report with a timeline picture; prints its path.

    \b
    Example:
      ivpflow report not-2027-2030 --out status.html
    """
    from ..views.report import render_report

    html = render_report(app.store_for_reading, process_id, now=app.now)
    _write(out or f"{process_id}.html", html.encode("utf-8"))


@cli.command(short_help="Print the workflow as a Mermaid state diagram.")
@click.argument("workflow")
@click.option("--no-reopen", "no_reopen", is_flag=True,
              help="Leave out the transitions back to earlier phases.")
@pass_app
def diagram(app: App, workflow: str, no_reopen: bool) -> None:
    """Print the workflow (an id or a .yaml file) as a Mermaid state diagram.

    \b
    Example:
      ivpflow diagram noordoost-twente-2027-2030 --no-reopen
    """
    from ..views.diagram import mermaid_diagram
    from .definitions import definition_for

    definition = definition_for(app, workflow)
    click.echo(mermaid_diagram(definition, reopen=not no_reopen), nl=False)
