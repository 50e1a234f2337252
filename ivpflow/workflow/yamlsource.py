"""YAML reading that keeps line numbers and refuses YAML 1.1's surprises."""

from __future__ import annotations

from typing import Any

from ..i18n import _

_BOOL_WORDS = {"true", "false"}
# The scalars a definition holds besides text (which is read before these are looked at).
_PLAIN_TAGS = {f"tag:yaml.org,2002:{kind}"
               for kind in ("bool", "int", "float", "null", "timestamp")}


class _Invalid:
    """Stands for a value already reported as a problem, so it is not reported again."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


class LDict(dict[str, Any]):
    """A mapping read from YAML that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line where `key` was written, or the mapping's own line."""
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A sequence read from YAML that remembers the line of itself and of each entry."""

    line: int
    item_lines: list[int]


class Text(str):
    """A string scalar that remembers its line."""

    line: int


# An alias repeats a value where it stands; nested ones ("billion laughs") grow a small file
# into gigabytes. A definition writes every value out.
def alias_problem() -> str:
    """The problem of an alias, in the language in use."""
    return _("aliases ('*name') are not supported; write the value out")


MAX_ALIASES_SHOWN = 10
MAX_DEPTH = 50


def alias_lines(text: str) -> list[int]:
    """The lines of the first aliases in YAML text (none for text that cannot be parsed:
    the parser reports that itself). Reads events only: aliases are not expanded."""
    if "*" not in text:  # no alias without its star: most files are spared the extra pass
        return []
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines: list[int] = []
    before: Any = None
    try:
        for event in yaml.parse(text, Loader=loader):
            # The alias of a merge key ('<<: *basis') is left to the merge key's own problem;
            # a merge key's value is never read.
            merged = (isinstance(before, yaml.ScalarEvent) and before.value == "<<"
                      and not before.style)
            if isinstance(event, yaml.AliasEvent) and not merged:
                mark = event.start_mark
                lines.append(mark.line + 1 if mark is not None else 1)
                if len(lines) == MAX_ALIASES_SHOWN:
                    break
            before = event
    except yaml.YAMLError:
        pass
    return lines


def load_yaml(text: str, problems: list[tuple[int, str]]) -> Any:
    """Parse YAML text into LDict/LList/scalars; append (line, message) for every problem."""
    # Imported here: reading a stored process needs no YAML, and PyYAML costs 40 ms to import.
    import yaml

    # The C loader composes the same nodes several times faster when libyaml is present.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    refused = alias_lines(text)
    if refused:
        problems.extend((line, alias_problem()) for line in refused)
        return None
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problems.append((line, _("not valid YAML: {reason}").format(
            reason=exc.problem or exc.context)))
        return None
    except yaml.YAMLError as exc:
        problems.append((1, _("not valid YAML: {reason}").format(reason=exc)))
        return None
    if node is None:
        return None
    return _Converter(yaml, problems).convert(node)


class _Converter:
    """Turns composed YAML nodes into line-aware values, noting every problem."""

    def __init__(self, yaml: Any, problems: list[tuple[int, str]]) -> None:
        self.yaml = yaml
        self.problems = problems
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()

    def convert(self, node: Any, depth: int = 0) -> Any:
        yaml, problems = self.yaml, self.problems
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH:
            # A definition nests six deep; a thousand would reach Python's recursion limit.
            problems.append((line, _("nested more than {most} deep").format(most=MAX_DEPTH)))
            return INVALID
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            # A node met twice is an alias that alias_lines let pass: never expand it.
            if id(node) in self.seen:
                problems.append((line, alias_problem()))
                return INVALID
            self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            result = LDict()
            result.line = line
            result.key_lines = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append((key_line, _("mapping keys must be plain words")))
                    continue
                key = str(key_node.value)
                if key == "<<":
                    problems.append((key_line,
                                     _("merge keys ('<<') are not supported; write it out")))
                    continue
                if key in result:
                    problems.append((key_line, _("duplicate key '{key}' (first on line {line})")
                                     .format(key=key, line=result.key_lines[key])))
                    continue
                result[key] = self.convert(value_node, depth + 1)
                result.key_lines[key] = key_line
            return result
        if isinstance(node, yaml.SequenceNode):
            seq = LList(self.convert(child, depth + 1) for child in node.value)
            seq.line = line
            seq.item_lines = [child.start_mark.line + 1 for child in node.value]
            return seq
        if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _BOOL_WORDS:
            problems.append((line, _("'{value}' is read by YAML as a boolean; write true or "
                                     "false, or quote it (\"{value}\") if it is a word")
                             .format(value=node.value)))
            return INVALID
        if node.tag == "tag:yaml.org,2002:str":
            text = Text(node.value)
            text.line = line
            return text
        if node.tag not in _PLAIN_TAGS:
            # !!binary would be bytes, which no stored copy of the definition can hold.
            problems.append((line, _("values tagged '{tag}' are not supported; write text, a "
                                     "number or a date")
                             .format(tag=node.tag.replace("tag:yaml.org,2002:", "!!"))))
            return INVALID
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            # A date that does not exist (2026-02-30) fails in datetime, not in YAML.
            problems.append((line, _("cannot read '{value}': {reason}").format(
                value=node.value, reason=exc)))
            return INVALID
