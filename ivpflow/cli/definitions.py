"""Commands about workflow definitions: workflows, check."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..i18n import _, ngettext
from .app import App, cli, pass_app
from .output import json_option, print_json, table, wide_option

if TYPE_CHECKING:
    from ..workflow.model import Definition


def definition_for(app: App, workflow: str, *, open_store: bool = False) -> Definition:
    """The definition a WORKFLOW argument names (an id or a file); an id that is neither
    shipped nor on IVPFLOW_WORKFLOWS is looked up in the store, which is opened for it only
    when it exists (or `open_store`, for a command that opens it anyway). A stored one says
    on stderr where it came from."""
    from ..process.definitions import find_workflow, is_file_name

    if is_file_name(workflow):  # a file needs no store: a bad one must not create one
        return find_workflow(workflow, extra=app.workflows_path).definition
    database = (open_store or app.db_url is not None
                or (Path(app.store_dir) / "ivpflow.sqlite3").is_file())
    found = find_workflow(workflow, extra=app.workflows_path,
                          store=app.store if database else None)
    if found.origin == "stored":
        click.echo(_("Using workflow '{workflow}' as the store holds it (last from {path}); it "
                     "is not shipped or on IVPFLOW_WORKFLOWS").format(workflow=workflow,
                                                                      path=found.path),
                   err=True)
    return found.definition


@cli.command(short_help="List the workflow definitions available.")
@json_option
@wide_option
@pass_app
def workflows(app: App, as_json: bool) -> None:
    """List the workflow definitions available (shipped and IVPFLOW_WORKFLOWS).

    \b
    Examples:
      ivpflow workflows
      ivpflow workflows --json
    """
    from ..errors import DefinitionError
    from ..workflow.loader import definition_paths, load_definition

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
    rows += _stored_rows(app, {row["id"] for row in rows})
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(_("No workflow definitions found."))
        return
    table([_("id"), _("title"), _("phases")],
           [[r["id"], (r["title"] or click.style(_("invalid: {problem}").format(
               problem=r["error"]), fg="red"))
             + (" " + _("(stored; from {path})").format(path=r["path"])
                if r.get("source") == "stored" else ""),
             " → ".join(r["phases"])] for r in rows], cut={1}, wrap={2})


def _stored_rows(app: App, listed: set[str]) -> list[dict[str, Any]]:
    """The workflows only the store holds (processes started from a file since gone or
    elsewhere), newest definition of each; nothing when there is no store yet."""
    if app.db_url is None and not (Path(app.store_dir) / "ivpflow.sqlite3").is_file():
        return []
    from ..store.reader import newest_definition, stored_workflows

    rows: list[dict[str, Any]] = []
    with app.store.transaction() as tx:
        for ident in stored_workflows(tx):
            stored = newest_definition(tx, ident)
            if ident in listed or stored is None:
                continue
            definition, path = stored
            rows.append({"id": ident, "title": definition.title, "path": path,
                         "phases": definition.phase_ids, "source": "stored"})
    return rows


@cli.command(short_help="Validate definition files; every problem as FILE:LINE.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files: Sequence[str]) -> None:
    """Validate definition files; print every problem as FILE:LINE: message (and what is
    allowed but probably not meant as FILE:LINE: warning: message).

    \b
    Example:
      ivpflow check mijn-ivp.yaml
    """
    from ..errors import DefinitionError
    from ..workflow.loader import definition_warnings, load_definition

    problems: list[str] = []
    for file in files:
        try:
            definition = load_definition(file)
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        counts = {kind: len(definition.items_of_kind(kind))
                  for kind in ("task", "decision", "document")}
        click.echo(_("{file}: ok ({workflow}: {phases} phases, {tasks} tasks, {decisions} "
                     "decisions, {documents} documents)").format(
            file=file, workflow=definition.id, phases=len(definition.phases),
            tasks=counts["task"], decisions=counts["decision"], documents=counts["document"]))
        for warning in definition_warnings(definition):
            click.echo(warning)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(ngettext("{count} problem found", "{count} problems found",
                                            len(problems)).format(count=len(problems)))
