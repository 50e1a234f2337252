"""The command that writes a new workflow file: init."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from datetime import date

import click

from ..i18n import _
from .app import App, cli, pass_app
from .params import DAY


@cli.command(short_help="Write a workflow file for one gemeente or several.")
@click.option("--municipality", "municipalities", multiple=True, metavar="NAME",
              help="A gemeente of the plan; repeat it for a joint plan of several.")
@click.option("--period", metavar="YYYY-YYYY",
              help="The IVP period (default: the four years after adoption).")
@click.option("--start", "start_day", metavar="DATE", type=DAY,
              help="The start date of the process (default: today).")
@click.option("--adopt-by", "adopt_by", metavar="DATE", type=DAY,
              help="The raad meeting by which the plan must be adopted (default: the end of "
                   "November before the period, else nine months after the start).")
@click.option("--id", "ident", metavar="ID",
              help="The workflow id (default: from the names and the period).")
@click.option("--title", metavar="TEXT",
              help="The title (default: Integraal Veiligheidsplan <names> <period>).")
@click.option("--out", metavar="FILE", help="Where to write it (default: <id>.yaml here).")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@pass_app
def init(app: App, municipalities: Sequence[str], period: str | None, start_day: date | None,
         adopt_by: date | None, ident: str | None, title: str | None, out: str | None,
         force: bool) -> None:
    """Write a commented workflow file for one gemeente or several, from the VNG template,
    that `ivpflow check` accepts and `ivpflow start FILE` starts.

    \b
    Examples:
      ivpflow init --municipality Losser --municipality Dinkelland \\
        --period 2027-2030
      ivpflow init --municipality Haaksbergen --out haaksbergen.yaml
    """
    from ..workflow.template import make_workflow, write_workflow

    start = start_day or app.now.date()
    workflow = make_workflow(municipalities, start=start, adopt_by=adopt_by, period=period,
                             ident=ident, title=title)
    path = write_workflow(out or f"{workflow.id}.yaml", workflow, force=force)
    shown = str(path)
    if not shown.endswith((".yaml", ".yml")) and os.sep not in shown:
        shown = os.path.join(".", shown)  # so that `start` takes it for a file, not an id
    definition = workflow.definition
    decisions = definition.items_of_kind("decision")
    click.echo(_("Wrote {path}: {title} ({phases} phases, {tasks} tasks, {decisions} "
                 "decisions, {documents} documents)").format(
        path=shown, title=definition.title, phases=len(definition.phases),
        tasks=len(definition.items_of_kind("task")), decisions=len(decisions),
        documents=len(definition.items_of_kind("document"))))
    for note in workflow.notes:
        click.echo(_("Note: {note}").format(note=note))
    quoted = shlex.quote(shown)
    click.echo(_("Next: check it with: ivpflow check {path}; start it with: ivpflow start "
                 "{path}").format(path=quoted))
