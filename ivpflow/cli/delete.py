"""Deleting a process: `delete ID --yes`, after its history is written to a file."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .app import App, cli, pass_app
from .params import complete_process


@cli.command(short_help="Remove a process after saving its history to a file.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where the history goes (default: ID-history-DATE.json here); never "
                   "overwritten.")
@click.option("--yes", is_flag=True, help="Really delete: the process cannot be restored.")
@pass_app
def delete(app: App, process_id: str, out: Path | None, yes: bool) -> None:
    """Remove a process after writing its whole history and status to a JSON file.

    The file is written and synced to disk first; if it cannot be written, nothing is
    deleted. The process's events stay in the append-only log, with a last `deleted` event.
    Without --yes nothing happens (exit 1).

    \b
    Example:
      ivpflow delete not-2027-2030 --yes \\
        --out archief/not-2027-2030.json
    """
    from ..process.removal import archive_name, delete_process, describe_deletion

    path = out if out is not None else Path(archive_name(process_id, app.now.date()))
    if not yes:
        raise click.ClickException(_("Deleting '{process_id}' cannot be undone; add --yes to "
                                     "write its history to {path} and delete it").format(
            process_id=process_id, path=path))
    result = delete_process(app.store, process_id, now=app.now, actor=app.actor, out=path)
    click.echo(describe_deletion(result, app.now.date()))
