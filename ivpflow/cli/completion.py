"""`ivpflow completion SHELL`: the script that lets bash, zsh or fish complete ivpflow's
commands, options, process ids, items, roles, phases and outcomes."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from .app import cli

# The variable click's completion reads; `main` runs with prog_name "ivpflow".
COMPLETE_VAR = "_IVPFLOW_COMPLETE"


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    It completes commands and options, process ids, the tasks, decisions and documents of
    the process named, roles, phases and outcomes. Put eval "$(ivpflow completion bash)" in
    ~/.bashrc, eval "$(ivpflow completion zsh)" in ~/.zshrc, or write the fish script to
    ~/.config/fish/completions/ivpflow.fish.

    \b
    Examples:
      ivpflow completion bash
      ivpflow completion fish
    """
    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    click.echo(completer(cli, {}, "ivpflow", COMPLETE_VAR).source())
