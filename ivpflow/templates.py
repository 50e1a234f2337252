"""Jinja2 templates: the shipped ones, overridden file by file from IVPFLOW_TEMPLATES.

Every template runs in a sandbox with StrictUndefined, so a municipality's own template can
neither reach Python internals nor silently leave a value out. HTML is autoescaped; plain text
and subjects are not.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .dates import dutch_date
from .errors import IvpflowError

SHIPPED = Path(__file__).resolve().parent / "templates"


class TemplateError(IvpflowError):
    """A template could not be rendered; the message names the template, line and cause."""


def override_dir() -> Path | None:
    """The folder of a municipality's own templates, if IVPFLOW_TEMPLATES names one."""
    value = os.environ.get("IVPFLOW_TEMPLATES")
    return Path(value).expanduser() if value else None


@lru_cache(maxsize=8)
def _environment(override: str | None) -> Any:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    loaders = [FileSystemLoader(override)] if override else []
    loaders.append(FileSystemLoader(str(SHIPPED)))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     default_for_string=False, default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datum"] = lambda day: dutch_date(day) if day else "[in te vullen: datum]"
    env.filters["dag_datum"] = lambda day: dutch_date(day, weekday=True) if day else ""
    return env


def render(name: str, context: dict[str, Any]) -> str:
    """Render a template by its relative name (e.g. 'mail/reminder.txt.j2')."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    override = override_dir()
    env = _environment(str(override) if override else None)
    try:
        template = env.get_template(name)
        return str(template.render(**context))
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or name}:{exc.lineno}"
        raise TemplateError(f"Template {where}: {exc.message}") from None
    except (UndefinedError, SecurityError) as exc:
        where = _template_line(exc, name)
        raise TemplateError(f"Template {where}: {exc}") from None
    except JinjaError as exc:
        raise TemplateError(f"Template {name}: {exc}") from None


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
    names = sorted(str(p.relative_to(SHIPPED)) for p in SHIPPED.rglob("*.j2"))
    rows = []
    for name in names:
        own = override / name if override else None
        rows.append({"name": name, "origin": "override" if own and own.is_file() else "shipped",
                     "path": str(own if own and own.is_file() else SHIPPED / name)})
    return rows
