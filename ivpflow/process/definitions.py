"""Which definition a workflow name means: a file, a shipped or IVPFLOW_WORKFLOWS definition,
else the one the database holds from a process started (or upgraded) from a file."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import UnknownWorkflowError
from ..store import Store
from ..workflow.model import Definition


@dataclass(frozen=True)
class Found:
    """A definition and where it was found: 'file', 'available' (shipped or
    IVPFLOW_WORKFLOWS) or 'stored' (the database's copy of a file used before, and the path
    it was stored from)."""

    definition: Definition
    origin: str
    path: str


def is_file_name(name: str) -> bool:
    """Whether a workflow name on the command line is a file rather than an id."""
    return name.endswith((".yaml", ".yml")) or os.sep in name


def find_workflow(name: str, *, extra: str | None = None, store: Store | None = None) -> Found:
    """The definition a name means: a file; else the available definition with that id
    (shipped, then IVPFLOW_WORKFLOWS, as before); else, when a store is given, the newest
    definition of that id the store holds, so a workflow started from a file stays findable
    by its id after the file is gone."""
    from ..workflow.loader import find_definition, load_definition

    if is_file_name(name):
        definition = load_definition(name)
        return Found(definition, "file", definition.path)
    try:
        definition = find_definition(name, extra)
        return Found(definition, "available", definition.path)
    except UnknownWorkflowError as exc:
        if store is None:
            raise
        from ..store.reader import newest_definition, stored_workflows

        with store.transaction() as tx:
            stored = newest_definition(tx, name)
            if stored is None:
                raise UnknownWorkflowError(name, {*exc.available, *stored_workflows(tx)}) \
                    from None
        return Found(stored[0], "stored", stored[1])
