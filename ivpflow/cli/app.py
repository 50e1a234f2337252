"""The command group and what every command shares: where the data is, the moment, the actor;
the one place a library refusal becomes an `Error: …` line."""

from __future__ import annotations

import gc
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click

from ..dates import now_local, parse_moment
from ..errors import IvpflowError


class App:
    """What every command shares: where the data is, the moment, the actor."""

    def __init__(self, store_dir: str, db_url: str | None, now: datetime, actor: str,
                 fixed_clock: bool = False) -> None:
        self.store_dir = store_dir
        self.db_url = db_url
        self.now = now
        self.actor = actor
        self.fixed_clock = fixed_clock
        self._store: Any = None

    @property
    def store(self) -> Any:
        """The database, opened (and created or upgraded) on first use."""
        if self._store is None:
            from ..store import Store

            self._store = Store.open(self.store_dir, self.db_url)
        return self._store

    def close(self) -> None:
        """Close the database connections the command opened."""
        if self._store is not None:
            self._store.dispose()
            self._store = None

    @property
    def workflows_path(self) -> str | None:
        """Extra definition locations from IVPFLOW_WORKFLOWS."""
        return os.environ.get("IVPFLOW_WORKFLOWS")


class IvpflowGroup(click.Group):
    """Turns every library refusal into one `Error: …` line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IvpflowError as exc:
            raise click.ClickException(str(exc)) from None


pass_app = click.make_pass_decorator(App)


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@click.group(cls=IvpflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_dir", envvar="IVPFLOW_STORE", default="store",
              show_default=True, metavar="DIR",
              help="Embedded data location: ivpflow.sqlite3, outbox/, drafts/.")
@click.option("--db", "db_url", envvar="IVPFLOW_DB", metavar="URL",
              help="SQLAlchemy URL (default: sqlite:///<store>/ivpflow.sqlite3).")
@click.option("--now", "now_text", envvar="IVPFLOW_NOW", metavar="ISO",
              help="The moment to act at, e.g. 2026-06-01 or 2026-06-01T08:00 "
                   "(Europe/Amsterdam; default: the real clock).")
@click.option("--actor", envvar="IVPFLOW_ACTOR", metavar="NAME",
              help="Who is acting; recorded in the history (default: $USER).")
@click.version_option(package_name="ivpflow")
@click.pass_context
def cli(ctx: click.Context, store_dir: str, db_url: str | None, now_text: str | None,
        actor: str | None) -> None:
    """ivpflow runs a municipality's Integraal Veiligheidsplan process (VNG five steps).

    A coordinator starts a process from a workflow definition, completes tasks, records the
    decisions of the raad, the college and the driehoek, and advances phase by phase; every
    step is kept in the database with who, when and why.
    """
    now = parse_moment(now_text) if now_text else now_local()
    ctx.obj = App(store_dir, db_url, now, actor or os.environ.get("USER") or _default_actor(),
                  fixed_clock=bool(now_text))
    ctx.call_on_close(ctx.obj.close)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `ivpflow` console script.

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


def collect_garbage() -> None:
    """Switch the cyclic garbage collector on again, for a command that may run long."""
    gc.enable()
