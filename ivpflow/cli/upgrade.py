"""Taking a corrected definition into a running process: upgrade."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ..i18n import _, ngettext
from .app import App, cli, pass_app


@cli.command(short_help="Take a corrected definition into a running process.")
@click.argument("process_id", metavar="ID")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", "dry_run", is_flag=True,
              help="Show what would change and write nothing.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="A phase or item renamed in the file: its recorded facts carry over "
                   "(repeatable).")
@click.option("--force", is_flag=True,
              help="Drop phases or items that have recorded facts (done, decided).")
@click.option("--reason", metavar="TEXT", help="Why --force is used (required with it).")
@pass_app
def upgrade(app: App, process_id: str, file: str, dry_run: bool, renames: Sequence[str],
            force: bool, reason: str | None) -> None:
    """Take a corrected definition FILE of the same workflow into a running process.

    FILE is validated as `check` does. What changes is listed: phases, tasks, decisions,
    documents, roles and meetings added (+), removed (-) or changed (~), and the deadlines
    that move. What is done or decided is kept; dropping it needs --force --reason.

    \b
    Examples:
      ivpflow upgrade not-2027-2030 noordoost-twente-2027-2030.yaml \\
        --dry-run
      ivpflow upgrade not-2027-2030 noordoost-twente-2027-2030.yaml \\
        --rename thematafels=rondetafelgesprekken
    """
    from ..errors import DefinitionError
    from ..process.upgrade import parse_renames, upgrade_process
    from ..workflow.loader import definition_warnings, load_definition

    if force and not (reason and reason.strip()):
        raise click.UsageError(_("--force needs --reason TEXT; the reason is recorded"))
    if reason and not force:
        raise click.UsageError(_("--reason is only used with --force"))
    try:
        definition = load_definition(file)
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(problem)
        count = len(exc.problems)
        raise click.ClickException(ngettext(
            "{count} problem found in {file}; nothing changed",
            "{count} problems found in {file}; nothing changed", count).format(
                count=count, file=file)) from None
    for warning in definition_warnings(definition):
        click.echo(warning)
    from .params import allowing_earlier

    with allowing_earlier(force):  # --force --reason also lets it act before the last event
        result = upgrade_process(app.store, process_id, definition, now=app.now,
                                 actor=app.actor, renames=parse_renames(list(renames)),
                                 force=force, reason=reason, dry_run=dry_run)
    values = {"process_id": result.process, "path": result.path,
              "source": result.source[:12], "dest": result.dest[:12]}
    click.echo((_("{process_id}: upgraded to {path} (definition {source} → {dest})")
                if result.written else
                _("{process_id}: would upgrade to {path} (definition {source} → {dest}); dry "
                  "run, nothing written")).format(**values))
    for line in result.changes or (_("no change to phases, items, roles or meetings"),):
        click.echo(f"  {line}")
    if result.refused is not None:
        raise result.refused
