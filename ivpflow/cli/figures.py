"""`ivpflow cijfers`: the figures of the veiligheidsanalyse from CBS and the Politie."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..i18n import _, ngettext
from .app import App, cli, pass_app
from .params import complete_process

# The requests one table takes: its measures, its categories, its periods and its data.
REQUESTS_PER_TABLE = 4


@cli.command(short_help="Fetch the CBS and Politie figures of the veiligheidsanalyse.")
@click.argument("process_id", metavar="ID", shell_complete=complete_process)
@click.option("--years", metavar="YEARS",
              help="Years to fetch: 2021-2025, 2023 or 2021,2023 (default: the five years "
                   "before this one).")
@click.option("--table", "table_ids", metavar="TABLE", multiple=True,
              help="A table to fetch: 83648NED, 85146NED (the default two), 47013NED or "
                   "47018NED (the Politie's); repeat for several.")
@click.option("--from-file", "from_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Read a table downloaded by hand from StatLine as CSV instead.")
@pass_app
def cijfers(app: App, process_id: str, years: str | None, table_ids: tuple[str, ...],
            from_file: Path | None) -> None:
    """Fetch the figures of the veiligheidsanalyse for every gemeente of the process.

    For each gemeente of the workflow (its CBS code found from its name) and for Nederland,
    the series of the tables (registered crime per soort misdrijf from CBS 83648NED, the
    Veiligheidsmonitor 85146NED, or the Politie's 47013NED and 47018NED) are kept as figures
    of the process, each with its table, source and retrieval date; the veiligheidsanalyse and
    the IVP show them per veld. Running it again updates what changed and adds nothing twice.

    Where the network blocks scripts, download the table from StatLine as CSV and import it
    with --from-file.

    \b
    Examples:
      ivpflow cijfers not-2027-2030
      ivpflow cijfers not-2027-2030 --years 2021-2025 --table 83648NED
      ivpflow cijfers not-2027-2030 --from-file 83648NED.csv
    """
    from ..opendata.figures import import_figures, parse_years

    chosen = parse_years(years) if years else None
    count = max(len(table_ids), 2) * REQUESTS_PER_TABLE
    with _progress(count if from_file is None else 0) as step:
        result = import_figures(app.store, process_id, now=app.now, actor=app.actor,
                                years=chosen, table_ids=table_ids, from_file=from_file,
                                on_request=step)
    done_years = result.years
    span = f"{done_years[0]}-{done_years[-1]}" \
        if len(done_years) > 1 and done_years[-1] - done_years[0] == len(done_years) - 1 \
        else ", ".join(str(y) for y in done_years)
    for done in result.tables:
        click.echo(_("{process}: {table} ({title}), {years}: {added} added, {updated} "
                     "updated, {unchanged} unchanged").format(
            process=result.process_id, table=done.table.id, title=done.table.title,
            years=span, added=done.added, updated=done.updated, unchanged=done.unchanged))
        if done.missing:
            names = ", ".join(done.missing)
            if done.table.coverage:  # a survey: not every gemeente is in it
                text = ngettext(
                    "  {table} has no figures for {names}: the Veiligheidsmonitor reports "
                    "only on gemeenten with enough respondents; the documents show Nederland "
                    "beside it",
                    "  {table} has no figures for {names}: the Veiligheidsmonitor reports "
                    "only on gemeenten with enough respondents; the documents show Nederland "
                    "beside them", len(done.missing))
            else:
                text = ngettext("  {table} has no figures for {names}",
                                "  {table} has no figures for {names}", len(done.missing))
            click.echo(text.format(table=done.table.id, names=names))
        if done.skipped:
            click.echo(_("  {table} has no {series}: left out").format(
                table=done.table.id, series=", ".join(done.skipped)))


@contextmanager
def _progress(length: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on the terminal while the tables download (none when the output is a
    file or a pipe, or nothing is downloaded)."""
    if not length or not sys.stderr.isatty():
        yield lambda _url: None
        return
    bar: Any = click.progressbar(length=length, label=_("Downloading"), file=sys.stderr)
    with bar:
        yield lambda _url: bar.update(1) if bar.pos < length else None
