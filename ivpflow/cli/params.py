"""What the commands share about typed input: dates and moments as people write them, `--now`
after the command, `--force` for a write out of order, the process id that may be left out,
and the shell completion of ids, items, roles, phases and outcomes."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from click.shell_completion import CompletionItem

from ..dates import (
    DAY_EXAMPLES,
    MOMENT_EXAMPLES,
    check_range,
    local,
    now_local,
    read_day,
    read_moment,
)
from ..errors import DateOutOfRangeError, SwappedArgumentsError, UnknownProcessError
from ..i18n import _, say_moment

F = TypeVar("F", bound=Callable[..., Any])


def _now(ctx: click.Context | None) -> datetime:
    """The moment the command acts at, once the group has set it; else the real clock."""
    # The group's App is found by what it has, not its class: app imports this module.
    now = getattr(ctx.find_root().obj, "now", None) if ctx is not None else None
    return now if isinstance(now, datetime) else now_local()


class DayType(click.ParamType):  # type: ignore[type-arg]
    """A calendar date as ISO or the Dutch way (dates.read_day); 'morgen' counts from --now."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        day = read_day(str(value), local(_now(ctx)).date())
        if day is None:
            self.fail(_("'{value}' is not a date; use {examples}").format(
                value=value, examples=DAY_EXAMPLES), param, ctx)
        try:
            return check_range(day, "date", str(value))
        except DateOutOfRangeError as exc:
            self.fail(str(exc), param, ctx)


class MomentType(click.ParamType):  # type: ignore[type-arg]
    """A moment as ISO or the Dutch way (dates.read_moment); words count from the real clock,
    as the moment is what sets the command's clock."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = read_moment(str(value), now_local())
            if moment is not None:
                check_range(moment.date(), "moment", str(value))
        except DateOutOfRangeError as exc:
            self.fail(str(exc), param, ctx)
        if moment is None:
            self.fail(_("'{value}' is not a date or moment; use {examples}").format(
                value=value, examples=MOMENT_EXAMPLES), param, ctx)
        return moment

    def split_envvar_value(self, rv: str) -> list[str]:
        # IVPFLOW_NOW holds one moment, spaces and all ('1-6-2026 08:00').
        return [rv]


DAY = DayType()
MOMENT = MomentType()
NOW_HELP = ("The moment to act at, e.g. 2026-06-01, 2026-06-01T08:00, '1-6-2026 08:00', "
            "'1 juni 2026', vandaag or morgen (Europe/Amsterdam; default: the real clock); "
            "before or after the command.")


def one_now(ctx: click.Context, values: tuple[datetime, ...]) -> datetime | None:
    """The one moment `--now` names however often it is given; different ones are a usage
    error."""
    found = sorted(set(values))
    if len(found) > 1:
        said = [say_moment(m) for m in found]
        raise click.UsageError(_("--now is given twice with different moments: {moments} and "
                                 "{last}").format(moments=", ".join(said[:-1]), last=said[-1]),
                               ctx)
    return found[0] if found else None


def _later_now(ctx: click.Context, param: click.Parameter, values: tuple[datetime, ...]) -> None:
    """`--now` after the command: the same as before it, checked against one given there."""
    app = ctx.find_root().obj
    if app is None or not values:  # completion, or not given here
        return
    moment = one_now(ctx, values)
    assert moment is not None
    if app.fixed_clock and app.given_now is not None:
        one_now(ctx, (app.given_now, moment))
    app.now, app.given_now, app.fixed_clock = moment, moment, True


def add_now_option(command: click.Command) -> None:
    """Give a command (and every command under it) `--now`, read before its other options so
    that 'morgen' in them counts from it."""
    if not any(p.name == "now_later" for p in command.params):
        command.params.append(click.Option(
            ["--now", "now_later"], type=MOMENT, multiple=True, is_eager=True,
            expose_value=False, callback=_later_now, metavar="MOMENT", help=NOW_HELP))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_now_option(sub)


def force_option(func: F) -> F:
    """`--force` for a write: let it act at a moment before the process's last event (or date
    a decision before the process began); a warning says so, and so does the history."""

    @click.option("--force", "force_earlier", is_flag=True,
                  help="Record it although the moment lies before the process's last event "
                       "(or a decision's date before its start); the history notes it.")
    @functools.wraps(func)
    def run(*args: Any, force_earlier: bool, **kwargs: Any) -> Any:
        with allowing_earlier(force_earlier):
            return func(*args, **kwargs)

    return run  # type: ignore[return-value]


@contextmanager
def allowing_earlier(force: bool) -> Iterator[None]:
    """With `force`, let the writes inside act out of order and warn about each on stderr."""
    if not force:
        yield
        return
    from ..store.writer import backdating

    with backdating() as allowed:
        yield
    for warning in allowed.warnings:
        click.echo(_("Warning: {warning}; recorded as forced").format(warning=warning),
                   err=True)


# --------------------------------------------------------------------------- the process id


def process_or_only(app: Any, given: str | None) -> str:
    """The process a command names, or the only one when it names none (as `status` does);
    with several, the refusal names them."""
    if given is not None:
        return given
    from ..store.reader import only_process_id

    with app.store_for_reading.transaction() as tx:
        return only_process_id(tx)


def id_and_item(app: Any, process_id: str | None, item: str | None,
                command: str) -> tuple[str, str]:  # ID, item
    """The ID and item of `command ID ITEM`, the ID optional: 'done thematafels' with one
    process is 'done <its id> thematafels'."""
    if item is None:
        if process_id is None:
            raise click.UsageError(_("Missing argument '{name}'.").format(
                name=command.split()[-1].upper()))
        return process_or_only(app, None), process_id
    return process_or_only(app, process_id), item


@contextmanager
def swapped(command: str, process_id: str, item: str) -> Iterator[None]:
    """Recognise `command ITEM ID`: an unknown process whose item is a process id."""
    try:
        yield
    except UnknownProcessError as exc:
        if exc.process_id == process_id and item in exc.available:
            raise SwappedArgumentsError(process_id, exc.available,
                                        f"ivpflow {command} {item} {process_id}") from None
        raise


# --------------------------------------------------------------------------- completion

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _reading_store(ctx: click.Context) -> Any:
    """The store the command line names (--store, --db, --config, the environment,
    ivpflow.toml), opened without creating anything; None when there is none."""
    from ..settings import resolve_settings
    from ..store import Store

    root = ctx.find_root().params
    settings = resolve_settings({"store": root.get("store_dir"), "db": root.get("db_url"),
                                 "actor": None}, os.environ, Path.cwd(),
                                root.get("config_file"))
    return Store.open(settings["store"], settings["db"], create=False)


def _quietly(find: Callable[[click.Context], list[tuple[str, str | None]]]) -> Completer:
    """A completion callback that never fails: what `find` offers that begins with what is
    typed, nothing when the store cannot be read."""

    def complete(ctx: click.Context, param: click.Parameter,
                 incomplete: str) -> list[CompletionItem]:
        try:
            found = find(ctx)
        except Exception:  # noqa: BLE001 - a completion must never show an error
            return []
        return [CompletionItem(value, help=help) for value, help in found
                if value.startswith(incomplete)]

    return complete


def _process_ids(ctx: click.Context) -> list[tuple[str, str | None]]:
    from ..store.reader import process_ids

    store = _reading_store(ctx)
    try:
        with store.transaction() as tx:
            return [(pid, None) for pid in process_ids(tx)]
    finally:
        store.dispose()


def _definition(ctx: click.Context) -> Any:
    """The definition of the process named on the command line (or the only one)."""
    from ..store.reader import read_definition, read_process

    given = ctx.params.get("process_id")
    store = _reading_store(ctx)
    try:
        with store.transaction() as tx:
            process = read_process(tx, given or None, parts=())
            return read_definition(tx, process.definition_digest)
    finally:
        store.dispose()


def _items(*kinds: str) -> Callable[[click.Context], list[tuple[str, str | None]]]:
    def find(ctx: click.Context) -> list[tuple[str, str | None]]:
        return [(item.id, item.kind) for item in _definition(ctx).items.values()
                if item.kind in kinds]

    return find


def _ids_or(items: Callable[[click.Context], list[tuple[str, str | None]]]
            ) -> Callable[[click.Context], list[tuple[str, str | None]]]:
    """The process ids, and with only one process also its items: the ID may be left out."""

    def find(ctx: click.Context) -> list[tuple[str, str | None]]:
        ids = _process_ids(ctx)
        return ids + items(ctx) if len(ids) == 1 else ids

    return find


def _roles(ctx: click.Context) -> list[tuple[str, str | None]]:
    return [(role, str(title)) for role, title in _definition(ctx).roles.items()]


def _phases(ctx: click.Context) -> list[tuple[str, str | None]]:
    return [(phase.id, phase.title) for phase in _definition(ctx).phases]


def _outcomes(ctx: click.Context) -> list[tuple[str, str | None]]:
    from ..workflow.model import OUTCOMES

    return [(outcome, None) for outcome in OUTCOMES]


complete_process = _quietly(_process_ids)
complete_process_or_task = _quietly(_ids_or(_items("task", "document")))
complete_process_or_decision = _quietly(_ids_or(_items("decision")))
complete_task = _quietly(_items("task", "document"))
complete_decision = _quietly(_items("decision"))
complete_document = _quietly(_items("document"))
complete_item = _quietly(_items("task", "decision", "document"))
complete_role = _quietly(_roles)
complete_phase = _quietly(_phases)
complete_outcome = _quietly(_outcomes)
complete_process_or_role = _quietly(_ids_or(_roles))
