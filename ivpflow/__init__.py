"""ivpflow: a workflow engine for a Dutch municipality's Integraal Veiligheidsplan process.

The library is the product; the `ivpflow` command is a thin layer over it::

    from ivpflow import Store, find_definition, start_process, advance
    store = Store.open("store")
    pid = start_process(store, find_definition("noordoost-twente-2027-2030"), now=..., actor=...)

Names are imported lazily so that `import ivpflow` stays cheap for the command line.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "IvpflowError": "errors",
    "Definition": "workflow.model",
    "load_definition": "workflow.loader",
    "parse_definition": "workflow.loader",
    "find_definition": "workflow.loader",
    "check_files": "workflow.loader",
    "definition_warnings": "workflow.loader",
    "Store": "store",
    "start_process": "process.lifecycle",
    "advance": "process.lifecycle",
    "reopen": "process.lifecycle",
    "suspend": "process.lifecycle",
    "resume": "process.lifecycle",
    "complete": "process.items",
    "decide": "process.items",
    "assign": "process.people",
    "unassign": "process.people",
    "holders_of_item": "planning.holders",
    "add_meetings": "process.meetings",
    "process_status": "views.status",
    "process_plan": "views.status",
    "list_processes": "views.portfolio",
    "history": "views.history",
    "WorkingCalendar": "workdays",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'ivpflow' has no attribute '{name}'")
