"""Writing YAML with comments, in the layout of the shipped workflow files.

PyYAML writes values but drops comments, and a workflow file is read by people: this writes
mappings, lists and scalars itself, quoting each scalar the way PyYAML would, with comment
lines before the keys and list entries that carry one.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WIDTH = 96
INDENT = "  "


@dataclass
class Entry:
    """One key of a mapping, its value, and the comment written above it."""

    key: str
    value: Any
    comment: str = ""
    blank_before: bool = False  # an empty line before the comment, between sections


@dataclass
class CommentedMap:
    """A mapping whose keys keep their order and comments."""

    entries: list[Entry] = field(default_factory=list)
    comment: str = ""  # written above the mapping when it is a list entry

    def add(self, key: str, value: Any, comment: str = "", *, blank_before: bool = False
            ) -> CommentedMap:
        """Append a key (a value of None is left out); returns the mapping for chaining."""
        if value is not None:
            self.entries.append(Entry(key, value, comment, blank_before))
        return self


@dataclass(frozen=True)
class Flow:
    """A short mapping or list written on one line: `{from: 2026-07-06, to: …}`, `[10, 2]`."""

    value: dict[str, Any] | list[Any]


def dump(document: CommentedMap, header: str = "") -> str:
    """The YAML text of a mapping, with its comments; `header` opens the file."""
    lines = comment_lines(header, "") if header else []
    _mapping(document, "", lines)
    return "\n".join(lines) + "\n"


def comment_lines(text: str, indent: str) -> list[str]:
    """A comment as lines of at most WIDTH characters, paragraphs kept ('\\n' breaks); a
    paragraph that starts with two spaces (a command to copy) is kept on one line."""
    width = max(40, WIDTH - len(indent) - 2)
    found: list[str] = []
    for paragraph in text.strip("\n").split("\n"):
        wrapped = ([paragraph] if paragraph.startswith("  ") else
                   textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
        found.extend(f"{indent}# {part}".rstrip() for part in wrapped)
    return found


def scalar(value: Any) -> str:
    """A scalar as YAML writes it: quoted only where a plain word would be misread."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    import yaml

    text = yaml.safe_dump(str(value), allow_unicode=True, width=10_000, default_style=None)
    return text.removesuffix("\n").removesuffix("\n...").removesuffix("...").rstrip("\n")


def _flow(value: Any) -> str:
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _mapping(mapping: CommentedMap, indent: str, lines: list[str], *, first_prefix: str = ""
             ) -> None:
    """Write a mapping; `first_prefix` ('- ') replaces the indent of its first key line."""
    for index, entry in enumerate(mapping.entries):
        if entry.blank_before and lines:
            lines.append("")
        if entry.comment:
            lines.extend(comment_lines(entry.comment, indent))
        lead = (indent[:-2] + first_prefix) if index == 0 and first_prefix else indent
        value = entry.value
        if isinstance(value, CommentedMap):
            lines.append(f"{lead}{entry.key}:")
            _mapping(value, indent + INDENT, lines)
        elif isinstance(value, list) and value and not all(
                isinstance(v, (str, int, date)) for v in value):
            lines.append(f"{lead}{entry.key}:")
            _sequence(value, indent + INDENT, lines)
        elif isinstance(value, (Flow, list, dict)):
            lines.append(f"{lead}{entry.key}: {_flow(value)}")
        elif isinstance(value, str) and len(lead) + len(entry.key) + len(value) + 2 > WIDTH \
                and "\n" not in value and value == " ".join(value.split()):
            # Folded, as the shipped files write a long description: one paragraph.
            lines.append(f"{lead}{entry.key}: >-")
            lines.extend(indent + INDENT + part for part in textwrap.wrap(
                value, max(40, WIDTH - len(indent) - 2), break_on_hyphens=False))
        else:
            lines.append(f"{lead}{entry.key}: {scalar(value)}")


def _sequence(values: Iterable[Any], indent: str, lines: list[str]) -> None:
    for value in values:
        if isinstance(value, CommentedMap):
            if value.comment:
                lines.extend(comment_lines(value.comment, indent))
            _mapping(value, indent + INDENT, lines, first_prefix="- ")
        else:
            lines.append(f"{indent}- {_flow(value)}")
