"""Finding, loading and validating workflow definition files, and their compiled form."""

from __future__ import annotations

import json
import os
import re
import sysconfig
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import DefinitionError, UnknownWorkflowError
from ..i18n import _
from .model import Definition, slug
from .yamlsource import LDict, LList


def _shipped_dir() -> Path:
    """The shipped workflows: the checkout's `workflows/`, else where the wheel put them."""
    checkout = Path(__file__).resolve().parent.parent.parent / "workflows"
    if checkout.is_dir():
        return checkout
    return Path(sysconfig.get_path("data")) / "share" / "ivpflow" / "workflows"


SHIPPED_DIR = _shipped_dir()


def load_definition(path: str | os.PathLike[str]) -> Definition:
    """Read and validate one definition file; DefinitionError lists every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([_("{file}: cannot read: {reason}").format(file=file,
                                                                           reason=exc)]) from None
    return parse_definition(text, str(file))


def parse_definition(text: str, path: str = "<definition>") -> Definition:
    """Validate definition text; DefinitionError lists every problem as 'FILE:LINE: message'."""
    from .validation import DefinitionParser

    return DefinitionParser(text, path).parse()


def check_files(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Every problem in the given definition files, as 'FILE:LINE: message' lines."""
    problems: list[str] = []
    for path in paths:
        try:
            load_definition(path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    return problems


def definition_warnings(definition: Definition) -> list[str]:
    """What is allowed in a definition but probably not meant, as 'FILE:LINE: warning: …'
    lines: a decision or document without a role (its reminders go to the coordinator)."""
    # A whole sentence for each kind and each way the reminders go.
    to_coordinator = "coordinator" in definition.roles
    warnings = {
        ("decision", True): _("{file}:{line}: warning: decision '{id}' has no role; its "
                              "reminders go to the coordinator"),
        ("decision", False): _("{file}:{line}: warning: decision '{id}' has no role; nobody "
                               "gets its reminders"),
        ("document", True): _("{file}:{line}: warning: document '{id}' has no role; its "
                              "reminders go to the coordinator"),
        ("document", False): _("{file}:{line}: warning: document '{id}' has no role; nobody "
                               "gets its reminders"),
    }
    found: dict[int, str] = {}
    for item in definition.items.values():
        if item.kind == "task" or item.role or item.line in found:
            continue
        # A per-municipality item is written once: one warning for its line.
        ident = item.id.removesuffix(f"-{slug(item.municipality)}") if item.municipality \
            else item.id
        found[item.line] = warnings[(item.kind, to_coordinator)].format(
            file=definition.path, line=item.line, id=ident)
    return [found[line] for line in sorted(found)]


def definition_paths(extra: str | None = None) -> dict[str, Path]:
    """The available definition files by id: shipped ones, then IVPFLOW_WORKFLOWS entries."""
    files = sorted(SHIPPED_DIR.glob("*.yaml"))
    for entry in (extra or "").split(os.pathsep):
        if not entry:
            continue
        where = Path(entry).expanduser()
        files.extend(sorted(where.glob("*.y*ml")) if where.is_dir() else [where])
    found: dict[str, Path] = {}
    for file in files:
        found[_peek_id(file)] = file
    return found


def _peek_id(file: Path) -> str:
    """The definition's id without validating the whole file (the file name if unreadable)."""
    try:
        with file.open(encoding="utf-8") as handle:
            for line in handle:
                match = re.match(r"^id:\s*['\"]?([^'\"#\s]+)", line)
                if match:
                    return match.group(1)
    except OSError:
        pass
    return file.stem


def find_definition(workflow: str, extra: str | None = None) -> Definition:
    """Load the available definition with this id."""
    paths = definition_paths(extra)
    if workflow not in paths:
        raise UnknownWorkflowError(workflow, paths)
    return load_definition(paths[workflow])


# --------------------------------------------------------------------------- compiled form

COMPILED_FORMAT = 2


def compile_definition(definition: Definition) -> str:
    """The validated definition's data as JSON, so reading a process needs no YAML parser."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, date):
            return {"$date": value.isoformat()}
        return value

    return json.dumps({"format": COMPILED_FORMAT, "data": plain(definition.tree)},
                      ensure_ascii=False, separators=(",", ":"))


def load_compiled(compiled: str, source: str, path: str) -> Definition:
    """A definition from its compiled JSON (its source text is kept for the digest)."""
    payload = json.loads(compiled)
    if payload.get("format") != COMPILED_FORMAT:
        raise ValueError(_("compiled definition format {format} is not supported").format(
            format=payload.get("format")))

    def tree(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"$date"}:
                return date.fromisoformat(value["$date"])
            mapping = LDict((k, tree(v)) for k, v in value.items())
            mapping.line, mapping.key_lines = 0, {}
            return mapping
        if isinstance(value, list):
            seq = LList(tree(v) for v in value)
            seq.line, seq.item_lines = 0, [0] * len(seq)
            return seq
        return value

    from .validation import DefinitionParser

    return DefinitionParser(source, path, tree=tree(payload["data"])).parse()


