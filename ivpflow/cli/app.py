"""The command group and what every command shares: where the data is, the moment, the actor;
the one place a library refusal becomes an `Error: …` line."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import i18n
from ..dates import now_local
from ..errors import IvpflowError
from .params import MOMENT, NOW_HELP, one_now

if TYPE_CHECKING:
    from ..outbox.mail import MailSettings
    from ..settings import Settings


class App:
    """What every command shares: where the data is, the moment, the actor."""

    def __init__(self, store_dir: str, db_url: str | None, now: datetime, actor: str,
                 fixed_clock: bool = False, settings: Settings | None = None) -> None:
        self.store_dir = store_dir
        self.db_url = db_url
        self.now = now
        self.actor = actor
        self.fixed_clock = fixed_clock
        self.given_now: datetime | None = now if fixed_clock else None
        self.settings = settings
        self._store: Any = None

    @property
    def store(self) -> Any:
        """The database, opened (and created or upgraded) on first use."""
        if self._store is None:
            from ..store import Store

            self._store = Store.open(self.store_dir, self.db_url)
        return self._store

    @property
    def store_for_reading(self) -> Any:
        """The database for a command that only reads: refused with one line, and nothing
        created, when the store or its database does not exist yet."""
        if self._store is None:
            from ..store import Store

            self._store = Store.open(self.store_dir, self.db_url, create=False)
        return self._store

    def mail_settings(self) -> MailSettings:
        """Where mail goes, from the environment and the settings file."""
        from ..outbox.mail import MailSettings

        environ = self.settings.mail_environment(os.environ) if self.settings else None
        return MailSettings.from_env(self.store_dir, environ)

    @property
    def language(self) -> str:
        """The language of the command line, 'en' or 'nl'."""
        return str(self.settings["language"]) if self.settings else "en"

    def close(self) -> None:
        """Close the database connections the command opened."""
        if self._store is not None:
            self._store.dispose()
            self._store = None

    @property
    def workflows_path(self) -> str | None:
        """Extra definition locations: IVPFLOW_WORKFLOWS, else `workflows` of the file."""
        if self.settings is not None:
            return self.settings.workflows_path
        return os.environ.get("IVPFLOW_WORKFLOWS")


# The command list of `ivpflow --help`, by task; a command not named here is listed under
# "Other commands", so that a new one is never hidden.
COMMAND_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Run a process", ("start", "status", "processes", "done", "decide", "advance", "reopen",
                       "assign", "unassign", "suspend", "resume", "history", "undo",
                       "upgrade", "delete")),
    ("Planning and meetings", ("plan", "meeting", "calendar", "shared")),
    ("Documents and content", ("draft", "drafts", "set", "values", "priority", "indicator",
                               "action", "velden", "cijfers", "templates")),
    ("Views to take away", ("report", "export", "diagram")),
    ("Mail and scheduler", ("tick", "scheduler", "outbox")),
    ("Set-up", ("init", "check", "workflows", "config", "completion")),
)


# The module of this package that defines each command. One command imports only its own
# module (click's lazy group): importing them all is a fifth of a `status`. A test keeps the
# list equal to what the modules define.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("start", "processes", "status", "advance", "reopen", "done", "decide",
                     "undo", "assign", "unassign", "history"), "processes"),
    **dict.fromkeys(("plan", "meeting", "calendar", "suspend", "resume"), "planning"),
    **dict.fromkeys(("draft", "drafts", "templates", "priority", "velden", "indicator",
                     "action", "set", "values"), "documents"),
    **dict.fromkeys(("tick", "scheduler", "outbox"), "mail"),
    **dict.fromkeys(("export", "report", "diagram"), "views"),
    **dict.fromkeys(("workflows", "check"), "definitions"),
    "cijfers": "figures",
    **{name: name for name in ("completion", "config", "delete", "init", "shared", "upgrade")},
}


def load_commands(names: Iterable[str] | None = None) -> None:
    """Import the modules that define these commands (all of them by default), which
    registers them on the group with `--now` after the command too."""
    from importlib import import_module

    from .params import add_now_option

    wanted = COMMAND_MODULES if names is None else names
    for module in dict.fromkeys(COMMAND_MODULES[n] for n in wanted if n in COMMAND_MODULES):
        import_module(f"{__package__}.{module}")
    for command in cli.commands.values():  # `ivpflow status --now …` as well as before it
        add_now_option(command)


class IvpflowGroup(click.Group):
    """Turns every library refusal into one `Error: …` line and exit code 1, and lists its
    commands by task; a command's module is imported when the command is wanted."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # A name the list does not know (a typo, or a command added without its entry)
            # loads every module: found all the same, and click's message names the others.
            load_commands([cmd_name] if cmd_name in COMMAND_MODULES else None)
        command = super().get_command(ctx, cmd_name)
        if command is not None:  # also one whose module was imported by someone else
            from .params import add_now_option

            add_now_option(command)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IvpflowError as exc:
            raise click.ClickException(str(exc)) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = {name: command for name in self.list_commands(ctx)
                    if (command := self.get_command(ctx, name)) is not None
                    and not command.hidden}
        if not commands:
            return
        longest = max(len(name) for name in commands)
        room = formatter.width - 6 - longest
        listed: set[str] = set()
        for title, names in (*COMMAND_SECTIONS, ("Other commands", tuple(commands))):
            # Padded to one width, so that the sections line up with each other.
            rows = [(name.ljust(longest), commands[name].get_short_help_str(room))
                    for name in names if name in commands and name not in listed]
            listed.update(name.rstrip() for name, _ in rows)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


pass_app = click.make_pass_decorator(App)


# --store, --db and --actor have no envvar here: the settings (ivpflow.settings) read
# IVPFLOW_STORE, IVPFLOW_DB and IVPFLOW_ACTOR, so that they know where each value came from.
@click.group(cls=IvpflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", metavar="FILE",
              help="The settings file (env IVPFLOW_CONFIG; default: ivpflow.toml in this "
                   "folder or the nearest parent, else in the user's config folder). See "
                   "'ivpflow config'.")
@click.option("--store", "store_dir", metavar="DIR",
              help="Embedded data location: ivpflow.sqlite3, outbox/, drafts/ "
                   "(env IVPFLOW_STORE; default: ./store).")
@click.option("--db", "db_url", metavar="URL",
              help="SQLAlchemy URL (env IVPFLOW_DB; default: "
                   "sqlite:///<store>/ivpflow.sqlite3).")
@click.option("--now", "now_given", envvar="IVPFLOW_NOW", metavar="MOMENT", type=MOMENT,
              multiple=True, help=NOW_HELP.replace("; before", " (env IVPFLOW_NOW); before"))
@click.option("--actor", metavar="NAME",
              help="Who is acting; recorded in the history (env IVPFLOW_ACTOR; "
                   "default: $USER).")
@click.option("--no-color", "no_color", is_flag=True,
              help="No colours, also on a terminal (as NO_COLOR=1 does; FORCE_COLOR=1 "
                   "colours piped output too). Colours are used only on a terminal.")
@click.version_option(package_name="ivpflow")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, store_dir: str | None,
        db_url: str | None, now_given: tuple[datetime, ...], actor: str | None,
        no_color: bool) -> None:
    """ivpflow runs a municipality's Integraal Veiligheidsplan process (VNG five steps).

    A coordinator starts a process from a workflow definition, completes tasks, records the
    decisions of the raad, the college and the driehoek, and advances phase by phase; every
    step is kept in the database with who, when and why.

    \b
    Examples:
      ivpflow start noordoost-twente-2027-2030 --id not-2027-2030
      ivpflow status not-2027-2030
      ivpflow --now 2026-06-01 done not-2027-2030 cijfers-verzamelen
      ivpflow COMMAND --help
    """
    from ..settings import resolve_settings

    ctx.color = colour_choice(no_color, os.environ)

    settings = resolve_settings({"store": store_dir, "db": db_url, "actor": actor},
                                os.environ, Path.cwd(), config_file)
    i18n.use(settings["language"])  # before anything is refused: the refusal speaks it too
    ctx.call_on_close(lambda: i18n.use("en"))  # a library call after this one speaks English
    given = one_now(ctx, now_given)
    ctx.obj = App(settings["store"], settings["db"], given or now_local(), settings["actor"],
                  fixed_clock=given is not None, settings=settings)
    ctx.call_on_close(ctx.obj.close)
    if settings.from_file("templates"):
        # The renderer reads IVPFLOW_TEMPLATES (also in the scheduler's threads); set it for
        # this command only.
        os.environ["IVPFLOW_TEMPLATES"] = settings["templates"]
        ctx.call_on_close(lambda: os.environ.pop("IVPFLOW_TEMPLATES", None))
    if settings.from_file("house_style"):
        # Read by the drafts as IVPFLOW_HOUSE_STYLE, as the templates are.
        os.environ["IVPFLOW_HOUSE_STYLE"] = settings["house_style"]
        ctx.call_on_close(lambda: os.environ.pop("IVPFLOW_HOUSE_STYLE", None))


def colour_choice(no_color: bool, environ: Mapping[str, str]) -> bool | None:
    """Whether the output is coloured: never with --no-color or NO_COLOR (any value but the
    empty one, as no-color.org asks), always with FORCE_COLOR (but 0 or false), else None:
    click then colours a terminal and leaves colour out of a pipe."""
    if no_color or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false"):
        return True
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """Run one command in this process, ending in `SystemExit` with its exit code.

    A command runs with the cyclic garbage collector off: it imports, reads, writes, prints
    and exits, and collecting cycles meanwhile only costs time (a tenth of a `status`).
    Reference counting still frees what is not in a cycle; `tick` and `scheduler`, which may
    run long, switch the collector back on (`collect_garbage`).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="ivpflow")
    finally:
        if collecting:
            gc.enable()


def console() -> None:
    """Entry point of the `ivpflow` console script and of `python -m ivpflow`: `main`, and then
    the process ends without a last collection of everything it imported.

    Python's own shutdown collects every object still alive, SQLAlchemy's many among them; for
    a command that has printed its answer and closed its database that is a fifth of the start
    (about 80 ms). Frozen, those objects are left to the operating system; the shutdown itself
    (flushing output, closing files, the `atexit` functions) still runs.
    """
    try:
        main()
    finally:
        gc.freeze()


def collect_garbage() -> None:
    """Switch the cyclic garbage collector on again, for a command that may run long."""
    gc.enable()
