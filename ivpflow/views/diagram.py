"""The workflow as a picture: a Mermaid state diagram drawn by `transitions` itself.

The diagram is made from the transitions of the shared phase machine (machine.py), so it shows
exactly what `advance` and `reopen` allow; no process is attached to it.
"""

from __future__ import annotations

import json
from typing import Any

from ..workflow.model import Definition

# Words Mermaid's state diagram grammar reads as keywords, not as state ids.
MERMAID_KEYWORDS = {"class", "classdef", "default", "direction", "end", "note", "scale", "state"}


def mermaid_id(phase_id: str) -> str:
    """A phase id as a Mermaid state id: the grammar ends an id at '-', so '_' replaces it."""
    name = phase_id.replace("-", "_")
    return f"{name}_phase" if name.lower() in MERMAID_KEYWORDS else name


def machine_transitions(definition: Definition, *, reopen: bool = True) -> list[dict[str, Any]]:
    """The transitions of the definition's shared machine as plain dicts, advances first."""
    from ..workflow.machine import machine_for

    machine = machine_for(definition)
    found: list[dict[str, Any]] = []
    for trigger, event in machine.events.items():
        if not reopen and trigger.startswith("reopen_"):
            continue
        for transitions in event.transitions.values():
            for transition in transitions:
                entry: dict[str, Any] = {"trigger": trigger, "source": transition.source,
                                         "dest": transition.dest}
                if transition.conditions:
                    entry["conditions"] = [str(c.func) for c in transition.conditions]
                found.append(entry)
    order = {phase: index for index, phase in enumerate(definition.phase_ids)}
    found.sort(key=lambda t: (t["trigger"].startswith("reopen_"), order[t["source"]],
                              order[t["dest"]]))
    return found


def mermaid_diagram(definition: Definition, *, reopen: bool = True) -> str:
    """The definition's phases and transitions as Mermaid `stateDiagram-v2` text.

    transitions' Mermaid engine draws it from a GraphMachine that mirrors the shared machine;
    two things are mended afterwards: the title becomes valid front matter (`title: …`; a bare
    line is silently dropped by Mermaid), and a final phase gets its `--> [*]`.
    """
    from transitions import State
    from transitions.extensions.diagrams import GraphMachine

    class PhaseState(State):
        """A state that carries the phase's title as its label in the diagram."""

        def __init__(self, name: str, *, label: str | None = None, **kwargs: Any) -> None:
            super().__init__(name, **kwargs)
            self.label = label or name

    class PhaseGraph(GraphMachine):
        state_cls = PhaseState

    ids = {phase.id: mermaid_id(phase.id) for phase in definition.phases}
    states = [{"name": ids[p.id], "label": _label(p.title), "final": p.final}
              for p in definition.phases]
    transitions = [{**t, "source": ids[t["source"]], "dest": ids[t["dest"]]}
                   for t in machine_transitions(definition, reopen=reopen)]
    graph_machine = PhaseGraph(model=None, states=states, transitions=transitions,
                               initial=ids[definition.phase_ids[0]], auto_transitions=False,
                               graph_engine="mermaid", show_conditions=True,
                               title=definition.title)
    # Drawn straight from the machine's graph class: no model, so no process and no "active".
    graph = graph_machine.graph_cls(graph_machine).get_graph(title=definition.title)
    lines = (graph.draw(None) or "").splitlines()  # Mermaid's graph returns its text
    if lines[:1] == ["---"] and len(lines) > 2 and lines[2] == "---":
        lines[1] = f"title: {json.dumps(definition.title, ensure_ascii=False)}"
    lines.extend(f"  {ids[p.id]} --> [*]" for p in definition.phases if p.final)
    return "\n".join(lines) + "\n"


def _label(title: str) -> str:
    # A state's label sits between double quotes and may not hold one, nor a line break.
    return " ".join(title.replace('"', "'").split())
