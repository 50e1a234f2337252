"""Commands about workflow definitions: workflows, check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from .app import App, cli, pass_app
from .output import json_option, print_json, table


@cli.command()
@json_option
@pass_app
def workflows(app: App, as_json: bool) -> None:
    """List the workflow definitions available (shipped and IVPFLOW_WORKFLOWS)."""
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
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No workflow definitions found.")
        return
    table(["id", "title", "phases"],
           [[r["id"], r["title"] or click.style("invalid: " + r["error"], fg="red"),
             " → ".join(r["phases"])] for r in rows])


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(files: Sequence[str]) -> None:
    """Validate definition files; print every problem as FILE:LINE: message (and what is
    allowed but probably not meant as FILE:LINE: warning: message)."""
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
        click.echo(f"{file}: ok ({definition.id}: {len(definition.phases)} phases, "
                   f"{counts['task']} tasks, {counts['decision']} decisions, "
                   f"{counts['document']} documents)")
        for warning in definition_warnings(definition):
            click.echo(warning)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem{'s' * (len(problems) != 1)} found")
