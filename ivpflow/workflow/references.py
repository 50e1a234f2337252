"""The cross-reference checks of a definition: the final state, unique ids, the anchors of
relative deadlines and their cycles and chains, and what decisions name (documents, the
decision they come after).

They run once every phase and item has been read (validation.DefinitionParser), and report
each problem to the parser with its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ..i18n import _
from .graph import find_cycle, longest_chain, node_name
from .limits import MAX_CHAIN_YEARS, days_moved
from .model import NEXT_START, Deadline, Item, Phase, chain_follows
from .yamlsource import LList


class Parser(Protocol):
    """What these checks need of `validation.DefinitionParser`."""

    # Ids of per-municipality items before expansion, for a hint when one is an anchor.
    groups: set[str]

    def problem(self, line: int, message: str) -> None: ...

    def limit(self, line: int, message: str) -> None: ...


def check_chain(parser: Parser, phases: list[Phase], items: Mapping[str, Item],
                municipalities: tuple[str, ...]) -> None:
    """A decision's `after:` names another decision of its own phase or an earlier one,
    and no chain of decisions comes back to where it began."""
    order = {phase.id: phase.index for phase in phases}
    decisions = [item for item in items.values() if item.kind == "decision"]
    follows = chain_follows(decisions, municipalities)
    for item in decisions:
        if item.after is None:
            continue
        before = items.get(item.after)
        if before is None or before.kind != "decision" or before.id == item.id:
            known = [d.id for d in decisions if d is not item]
            parser.problem(item.line, _(
                "decision '{id}' is after unknown decision '{after}'; decisions: {decisions}"
            ).format(id=item.id, after=item.after, decisions=", ".join(known)))
            continue
        if order.get(before.phase, 0) > order.get(item.phase, 0):
            parser.problem(item.line, _(
                "decision '{id}' is after '{before}' of the later phase '{phase}'").format(
                    id=item.id, before=before.id, phase=before.phase))
            continue
        seen, current = {item.id}, before.id
        while current in follows and current not in seen:
            seen.add(current)
            current = follows[current]
        if current == item.id:
            parser.problem(item.line, _("decision '{id}' is after itself through '{before}'")
                           .format(id=item.id, before=before.id))


def check_documents(parser: Parser, items: Mapping[str, Item]) -> None:
    """A decision's `document:` names a document of the definition."""
    for item in items.values():
        if item.document is None:
            continue
        target = items.get(item.document)
        if target is None or target.kind != "document":
            parser.problem(item.line, _("decision '{id}' names unknown document '{document}'")
                           .format(id=item.id, document=item.document))


def check_final(parser: Parser, phases: list[Phase], raw: LList) -> None:
    """There are at least two phases, and the last one, and only that one, is final."""
    finals = [p for p in phases if p.final]
    if len(phases) < 2:
        parser.problem(raw.line, _("a definition needs at least one phase and a final state"))
    elif not finals:
        parser.problem(raw.line, _("the last phase must be the final state ('final: true')"))
    elif len(finals) > 1 or not phases[-1].final:
        parser.problem(finals[0].line, _("only the last phase may be final, not '{phase}'")
                       .format(phase=finals[0].id))


def unique_ids(parser: Parser, phases: list[Phase]) -> dict[str, Item]:
    """The items by id (the first of a duplicate), each duplicate phase or item id reported."""
    # Phases and items are named in different places (advance --to, done), so an item
    # may share its id with a phase ("ivp"), but not with another item.
    seen_phases: dict[str, int] = {}
    seen_items: dict[str, int] = {}
    items: dict[str, Item] = {}
    for phase in phases:
        if phase.id in seen_phases:
            parser.problem(phase.line, _("duplicate phase id '{id}' (first on line {line})")
                           .format(id=phase.id, line=seen_phases[phase.id]))
        seen_phases.setdefault(phase.id, phase.line)
        for item in phase.items:
            if item.id in seen_items:
                parser.problem(item.line, _("duplicate id '{id}' (first on line {line})")
                               .format(id=item.id, line=seen_items[item.id]))
            seen_items.setdefault(item.id, item.line)
            items.setdefault(item.id, item)
    return items


def check_references(parser: Parser, phases: list[Phase], items: dict[str, Item]) -> None:
    """Every anchor must exist, and relative deadlines must not form a cycle."""
    phase_ids = [p.id for p in phases]
    graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
    lines: dict[tuple[str, str], int] = {}

    def anchor_node(deadline: Deadline, line: int) -> tuple[str, str] | None:
        if deadline.anchor_kind == NEXT_START:
            return None  # follows the plan's adoption, which it cannot move
        if deadline.anchor_kind in ("start", "end"):
            if deadline.anchor not in phase_ids:
                parser.problem(line, _(
                    "deadline '{deadline}' names unknown phase '{phase}'; phases: {phases}"
                ).format(deadline=deadline.text, phase=deadline.anchor,
                         phases=", ".join(phase_ids)))
                return None
            return (deadline.anchor_kind, deadline.anchor)
        if deadline.anchor not in items:
            message = (_("deadline '{deadline}' names unknown item or phase '{anchor}'; it is "
                         "per municipality, name one such as '{anchor}-…'")
                       if deadline.anchor in parser.groups
                       else _("deadline '{deadline}' names unknown item or phase '{anchor}'"))
            parser.problem(line, message.format(deadline=deadline.text, anchor=deadline.anchor))
            return None
        return ("item", deadline.anchor)

    for index, phase in enumerate(phases):
        start_deps = [("end", phases[index - 1].id)] if index else []
        if index and phases[index - 1].due is None:
            # Without a deadline of its own, the phase before may end up with none, and
            # then this phase starts when that one started (see resolve_deadlines).
            start_deps.append(("start", phases[index - 1].id))
        graph[("start", phase.id)] = start_deps
        lines[("start", phase.id)] = phase.line
        end_node = ("end", phase.id)
        lines[end_node] = phase.line
        if phase.due is not None and phase.due.is_relative:
            node = anchor_node(phase.due, phase.line)
            graph[end_node] = [node] if node else []
        elif phase.due is None:
            graph[end_node] = [("item", item.id) for item in phase.items]
        else:
            graph[end_node] = []
        for item in phase.items:
            key = ("item", item.id)
            lines[key] = item.line
            node = (anchor_node(item.due, item.line)
                    if item.due is not None and item.due.is_relative else None)
            graph[key] = [node] if node else []
    cycle = find_cycle(graph)
    if cycle:
        names = " -> ".join(node_name(node) for node in cycle)
        parser.problem(lines.get(cycle[0], 1),
                       _("relative deadlines form a cycle: {names}").format(names=names))
        return
    moved = {node: days_moved(phases[phase_ids.index(ident)].due if kind == "end"
                              else items[ident].due if kind == "item" else None)
             for node in graph for kind, ident in [node]}
    total, chain = longest_chain(graph, moved)
    if total > MAX_CHAIN_YEARS * 366:
        names = " -> ".join(node_name(node) for node in reversed(chain)
                            if moved.get(node))
        parser.limit(lines.get(chain[0], 1), _(
            "relative deadlines add up to about {years} years ({names}); a plan spans at most "
            "{most}").format(years=round(total / 365.25), names=names, most=MAX_CHAIN_YEARS))


def check_next_start(parser: Parser, phases: list[Phase], items: dict[str, Item],
                     period: str | None) -> None:
    """'next start' is an item's deadline, in a definition with a period; nothing counts
    from it (the clock sets it once the plan is made)."""
    starting = {i.id for i in items.values()
                if i.due is not None and i.due.anchor_kind == NEXT_START}
    for phase in phases:
        if phase.due is not None and phase.due.anchor_kind == NEXT_START:
            parser.problem(phase.line, _("phase '{phase}' cannot be due on 'next start'; "
                                       "give that deadline to one of its items").format(
                                           phase=phase.id))
    for item in items.values():
        if item.id in starting and period is None:
            parser.problem(item.line, _("deadline 'next start' of '{item}' needs the "
                                      "definition's period (e.g. period: 2027-2030)"
                                      ).format(item=item.id))
        elif item.due is not None and item.due.anchor_kind == "item" \
                and item.due.anchor in starting:
            parser.problem(item.line, _("deadline '{deadline}' of '{item}' counts from "
                                      "'{anchor}', which is due on 'next start'; count "
                                      "from an edge of a phase instead").format(
                                          deadline=item.due.text, item=item.id,
                                          anchor=item.due.anchor))
