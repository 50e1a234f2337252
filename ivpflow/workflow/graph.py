"""The dependency graph of a definition's relative deadlines: its cycles and longest chain.

A node is ("start" | "end", phase id) or ("item", item id); it points at the nodes its
deadline is counted from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import _

Node = tuple[str, str]


def node_name(node: Node) -> str:
    """A node as a message names it: the item's id, or 'end of analyse'."""
    kind, ident = node
    if kind == "item":
        return ident
    return (_("start of {phase}") if kind == "start" else _("end of {phase}")).format(phase=ident)


def find_cycle(graph: Mapping[Node, list[Node]]) -> list[Any] | None:
    """One cycle in a dependency graph, as the path around it, or None.

    Iterative, like longest_chain: a long chain of items must not reach the recursion limit.
    """
    state: dict[Node, int] = {}  # 1: on the path being walked, 2: done
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        path = [root]
        pending = [iter(graph.get(root, []))]
        while pending:
            for nxt in pending[-1]:
                if state.get(nxt) == 1:
                    return path[path.index(nxt):] + [nxt]
                if nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    pending.append(iter(graph.get(nxt, [])))
                    break
            else:
                state[path.pop()] = 2
                pending.pop()
    return None


def longest_chain(graph: Mapping[Node, list[Node]], weight: Mapping[Node, float]
                  ) -> tuple[float, list[Node]]:
    """The heaviest path through an acyclic dependency graph, and the path (the dependent
    node first). Iterative: a definition of a thousand chained items must not recurse."""
    best: dict[Node, tuple[float, Node | None]] = {}
    for root in graph:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in best:
                continue
            deps = [dep for dep in graph.get(node, []) if dep not in best]
            if not ready and deps:
                stack.append((node, True))
                stack.extend((dep, False) for dep in deps)
                continue
            heaviest: tuple[float, Node | None] = (0.0, None)
            for dep in graph.get(node, []):
                total = best.get(dep, (0.0, None))[0]
                if total > heaviest[0]:
                    heaviest = (total, dep)
            best[node] = (heaviest[0] + weight.get(node, 0.0), heaviest[1])
    if not best:
        return 0.0, []
    end = max(best, key=lambda n: best[n][0])
    path: list[Node] = [end]
    while (following := best[path[-1]][1]) is not None:
        path.append(following)
    return best[end][0], path
