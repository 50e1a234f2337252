"""Jinja2 templates: the shipped ones, overridden file by file from IVPFLOW_TEMPLATES.

Every template runs in a sandbox with StrictUndefined, so a municipality's own template can
neither reach Python internals nor silently leave a value out. HTML is autoescaped; plain text
and subjects are not. Markdown (`*.md.j2`, the document drafts) has its own escaping: every
printed value is escaped for Markdown, so data cannot add headings or break a table.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..dates import dutch_date
from ..errors import IvpflowError
from ..i18n import _
from ..text import scrub

SHIPPED = Path(__file__).resolve().parent.parent / "templates"
# The most characters one template (or one macro or block of it) may produce: a draft, a
# report or a mail is a few hundred kilobytes; a loop without end must stop long before memory.
MAX_OUTPUT = 10_000_000
MAX_EXPONENT = 10_000  # `x ** n` beyond this would compute for minutes


class TemplateError(IvpflowError):
    """A template could not be rendered; the message names the template, line and cause."""

    def __init__(self, template: str, reason: str) -> None:
        self.template, self.reason = template, reason  # template: 'name' or 'file:line'
        super().__init__(_("Template {template}: {reason}").format(template=template,
                                                                   reason=reason))


class _TooLong(Exception):
    """A template's output (or the work towards it) passed MAX_OUTPUT."""


# What one rendering has spent: characters of values printed, of strings multiplied, and
# steps of range(). A macro collects its output in a list before joining it, so the join
# alone would see a loop's 10 GB only once they are held.
_spent: ContextVar[list[int]] = ContextVar("template_spent")


def _spend(amount: int) -> None:
    box = _spent.get(None)
    if box is not None:
        box[0] += amount
        if box[0] > MAX_OUTPUT:
            raise _TooLong()


def _bounded_join(parts: Any) -> str:
    # Jinja joins every template's, macro's and block's output with the environment's
    # `concat`: counting there bounds the text itself, literal text included.
    kept, total = [], 0
    for part in parts:
        total += len(part)
        if total > MAX_OUTPUT:
            raise _TooLong()
        kept.append(part)
    return "".join(kept)


def _counted(finalize: Any) -> Any:
    """A `finalize` that spends the length of every value a template prints."""

    def counted(value: Any) -> Any:
        shown = finalize(value) if finalize is not None else value
        _spend(len(shown) if isinstance(shown, str) else 1)
        return shown

    return counted


def _bounded_range(*args: int) -> range:
    steps = range(*args)
    _spend(len(steps))
    return steps


@lru_cache(maxsize=1)
def _bounded_sandbox() -> Any:
    """The sandbox, with `*` and `**` kept from building what no output may hold."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})
        concat = staticmethod(_bounded_join)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                for sized, times in ((left, right), (right, left)):
                    if isinstance(sized, (str, list, tuple)) and isinstance(times, int):
                        _spend(len(sized) * max(times, 0))
            elif (isinstance(left, int) and isinstance(right, int) and abs(left) > 1
                    and right > MAX_EXPONENT):
                raise SecurityError(_("a power above {limit} is not allowed").format(
                    limit=MAX_EXPONENT))
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox


class Markdown(str):
    """Text that is Markdown already: a document template prints it as it is."""


_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(#|[-+](?=\s)|\d+(?=[.)]\s))")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]<>|])")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")


def markdown_escape(value: object) -> str:
    """A value as Markdown text that shows it literally, on one line (safe in a table cell).

    Line breaks become <br> (a blank line two); None, which no document should show, becomes
    a placeholder.
    """
    if isinstance(value, Markdown):
        return value
    if value is None:
        return "[in te vullen]"
    text = _BLANK_LINES.sub("\n\n", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    parts = []
    for line in text.strip().split("\n"):
        line = _ENTITY.sub(r"\\&", _MARKDOWN_SPECIAL.sub(r"\\\1", line.strip()))
        # A data line must not start a heading or a list; a list number keeps its digits.
        parts.append(_LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit()
                                     else "\\" + m.group(1), line))
    return "<br>".join(parts)


def placeholder(what: str) -> Markdown:
    """The mark of a text only a person can write: '[in te vullen: what]'."""
    return Markdown(f"[in te vullen: {markdown_escape(what)}]")


def enumerate_nl(items: Any) -> str:
    """Items as Dutch prose: 'Losser, Dinkelland, Oldenzaal en Tubbergen'."""
    names = [str(item) for item in items]
    return ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else "".join(names)


def override_dir() -> Path | None:
    """The folder of a municipality's own templates, if IVPFLOW_TEMPLATES names one."""
    value = os.environ.get("IVPFLOW_TEMPLATES")
    return Path(value).expanduser() if value else None


def _own_names(override: Path | None) -> frozenset[str]:
    """The templates the override folder has now."""
    if override is None or not override.is_dir():
        return frozenset()
    return frozenset(p.relative_to(override).as_posix() for p in override.rglob("*.j2"))


@lru_cache(maxsize=8)
def _environment(override: str | None, markdown: bool = False,
                 own: frozenset[str] = frozenset()) -> Any:
    # `own` is part of the key: Jinja reloads a changed file, but a template added to the
    # override folder hides a shipped one it has already loaded only in a new environment.
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape

    loaders = [FileSystemLoader(override)] if override else []
    loaders.append(FileSystemLoader(str(SHIPPED)))
    options: dict[str, Any] = {"autoescape": False, "finalize": _counted(markdown_escape)} \
        if markdown else {"finalize": _counted(None),
                          "autoescape": select_autoescape(enabled_extensions=("html", "html.j2"),
                                                          default_for_string=False,
                                                          default=False)}
    env = _bounded_sandbox()(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    env.globals["range"] = _bounded_range
    env.filters["datum"] = lambda day: dutch_date(day) if day else "[in te vullen: datum]"
    env.filters["dag_datum"] = lambda day: dutch_date(day, weekday=True) if day else ""
    if markdown:
        env.filters["datum"] = lambda day: dutch_date(day) if day else placeholder("datum")
        env.filters["regels"] = lambda items: Markdown("<br>".join(
            markdown_escape(item) for item in items))
        env.filters["opsomming"] = enumerate_nl
        env.globals["invullen"] = placeholder
    return env


def render(name: str, context: dict[str, Any]) -> str:
    """Render a template by its relative name (e.g. 'mail/reminder.txt.j2').

    A character no document can hold (stored before values were checked) shows as U+FFFD.
    """
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    override = override_dir()
    env = _environment(str(override) if override else None, name.endswith(".md.j2"),
                       _own_names(override))
    template = None
    spent = _spent.set([0])
    try:
        template = env.get_template(name)
        return scrub(str(template.render(**context)))
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or name}:{exc.lineno}"
        raise TemplateError(where, str(exc.message)) from None
    except (UndefinedError, SecurityError) as exc:
        where = _template_line(exc, name)
        raise TemplateError(where, str(exc)) from None
    except JinjaError as exc:
        raise TemplateError(name, str(exc)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        # A template that computes with the wrong kind of value (e.g. a municipality's own).
        where = _template_line(exc, name)
        raise TemplateError(where, f"{type(exc).__name__}: {exc}") from None
    except _TooLong as exc:
        # Past the last template frame (the final join): the template, without a line.
        where = _template_line(exc, template.filename or name if template else name)
        raise TemplateError(where, _(
            "its output passes {millions} million characters (a loop without end?)").format(
            millions=MAX_OUTPUT // 1_000_000)) from None
    except RecursionError as exc:
        raise TemplateError(_template_line(exc, name), _(
            "calls nest too deep (a macro that calls itself without end?)")) from None
    finally:
        _spent.reset(spent)


def exists(name: str) -> bool:
    """Whether a template of this relative name exists, in the override folder or shipped."""
    override = override_dir()
    return bool(override and (override / name).is_file()) or (SHIPPED / name).is_file()


def _template_line(exc: BaseException, name: str) -> str:
    """'file:line' of the innermost template frame of a rendering error."""
    tb = exc.__traceback__
    found = name
    while tb is not None:
        code = tb.tb_frame.f_code
        # Jinja rewrites tracebacks so that template frames carry the template's file and line.
        if code.co_filename.endswith(".j2"):
            found = f"{code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def sources() -> list[dict[str, str]]:
    """Every template in use and where it comes from (shipped or the override folder)."""
    override = override_dir()
    names = {p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*.j2")}
    if override and override.is_dir():
        # A municipality may add templates of its own, e.g. for one document id.
        names |= {p.relative_to(override).as_posix() for p in override.rglob("*.j2")}
    rows = []
    for name in sorted(names):
        own = override / name if override else None
        rows.append({"name": name, "origin": "override" if own and own.is_file() else "shipped",
                     "path": str(own if own and own.is_file() else SHIPPED / name)})
    return rows
