"""The command line: parses arguments, calls one library function, prints the result.

The group lives in `app`; the commands live in the modules of this package by concern, and
importing them registers them.
"""

from __future__ import annotations

import gc

# Importing the commands allocates a great deal and frees nothing, so the cycle collector
# would only look in vain; it is off until they are registered (see app.main()).
_COLLECTING = gc.isenabled()
gc.disable()

from . import (  # noqa: E402,F401
    completion,
    config,
    definitions,
    delete,
    documents,
    figures,
    init,
    mail,
    planning,
    processes,
    shared,
    upgrade,
    views,
)
from .app import App, cli, main  # noqa: E402
from .params import add_now_option  # noqa: E402

for _command in cli.commands.values():  # `ivpflow status --now …` as well as before it
    add_now_option(_command)

if _COLLECTING:
    gc.enable()

__all__ = ["App", "cli", "main"]
