"""The settings command: config."""

from __future__ import annotations

from typing import Any

import click

from ..i18n import _
from .app import App, cli, pass_app
from .output import json_option, print_json, table, wide_option


@cli.command("config", short_help="Show every setting in effect and where it came from.")
@json_option
@wide_option
@pass_app
def config_command(app: App, as_json: bool) -> None:
    """Show every setting in effect, its value and where it came from.

    The settings come from the command-line options, else the environment (IVPFLOW_*),
    else the settings file, else the defaults. The settings file is --config FILE or
    IVPFLOW_CONFIG, else ivpflow.toml in this folder or the nearest parent, else
    ivpflow.toml in the user's config folder (~/.config/ivpflow on Linux). Its keys are the
    environment variables without IVPFLOW_, in lower case: store, db, actor, smtp_url,
    smtp_user, mail_from, smtp_timeout, retry_hours, lease_seconds, workflows (a list),
    templates, language (en or nl); the SMTP password is named by smtp_password_env =
    "VARIABLE" or smtp_password_file = "PATH", never written in the file. Relative paths
    in the file are relative to the file's folder.

    A source is 'option', 'environment IVPFLOW_X', the path of the settings file, or
    'default'; passwords (also in a database or SMTP URL) are shown as ***.

    --json prints a list of {"key", "value", "source"}: first "config" (the settings file,
    or null), then every setting; "value" is null when unset and a list for "workflows".

    \b
    Examples:
      ivpflow config
      ivpflow --config ./ivpflow.toml config --json
    """
    assert app.settings is not None
    rows = app.settings.shown()
    rows.append(_now_row(app))
    if as_json:
        print_json(rows)
        return
    table([_("setting"), _("value"), _("source")],
          [[r["key"], _text(r["value"]), r["source"]] for r in rows], wrap={1, 2})


def _now_row(app: App) -> dict[str, Any]:
    from click.core import ParameterSource

    ctx = click.get_current_context()
    given = ctx.get_parameter_source("now_later")  # 'config --now …'
    if given is not ParameterSource.COMMANDLINE:
        given = ctx.find_root().get_parameter_source("now_given")
    source = {ParameterSource.COMMANDLINE: "option",
              ParameterSource.ENVIRONMENT: "environment IVPFLOW_NOW"}.get(
                  given or ParameterSource.DEFAULT, "default")
    return {"key": "now", "value": app.now.isoformat(timespec="minutes"), "source": source}


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(value) if value else "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
