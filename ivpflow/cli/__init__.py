"""The command line: parses arguments, calls one library function, prints the result.

The group lives in `app`; the commands live in the modules of this package by concern, and
importing them registers them. A command run from the shell imports only its own module
(`app.COMMAND_MODULES`); `load_commands()` imports them all, for whoever needs the whole list.
"""

from __future__ import annotations

from .app import App, cli, console, load_commands, main

__all__ = ["App", "cli", "console", "load_commands", "main"]
