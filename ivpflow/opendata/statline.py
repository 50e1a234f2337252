"""Reading a table downloaded by hand from StatLine as CSV: the way in where a municipal
network blocks scripts.

StatLine's export is ';'-separated and quoted, with Dutch headers: a line or two of title,
then a header row ("Soort misdrijf";"Regio's";"Perioden";"Geregistreerde misdrijven per 1000
inwoners (per 1 000 inwoners)"), the rows with names and titles as the table shows them
("1.1.1 Diefstal/inbraak woning";"Losser";"2023";"2,1"), and a footer with the source. The
unformatted export (keys as headers: RegioS, Perioden, GeregistreerdeMisdrijvenPer1000Inw_3;
codes in the cells) is read too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import FigureFileError
from ..i18n import _
from .series import Series, Table, series_of, tables
from .tables import LOWER, UPPER, VALUE, Figure, Reading, period_of

_MARGINS = {"waarde": VALUE, "ondergrens 95%-interval": LOWER, "bovengrens 95%-interval": UPPER,
            VALUE.lower(): VALUE, LOWER.lower(): LOWER, UPPER.lower(): UPPER}
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\ufeff", "")).strip().casefold()


def read_text(path: Path) -> str:
    """The text of an export: UTF-8 (with or without a byte-order mark), else Windows-1252,
    the two encodings StatLine has written."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FigureFileError(str(path), exc.strerror or _("cannot be read")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def detect_table(path: Path, text: str) -> Table:
    """The table an export is of, from its title lines (the table's id or title)."""
    head = _norm(" ".join(text.splitlines()[:3]))
    for table in tables().values():
        if table.id.casefold() in head or _norm(table.title) in head:
            return table
    raise FigureFileError(str(path), _("its title names none of the tables ivpflow reads; "
                                       "name the table with --table"))


def read_export(path: Path, table: Table, regions: dict[str, str],
                years: Iterable[int]) -> Reading:
    """The figures of a StatLine CSV export of `table` for these regions (code → name) and
    years, as `tables.fetch` gives them."""
    text = read_text(path)
    years = set(years)
    rows = list(csv.reader(text.splitlines(), delimiter=";", quotechar='"'))
    at = next((n for n, row in enumerate(rows)
               if any(_norm(cell) == "perioden" for cell in row)), None)
    if at is None:
        raise FigureFileError(str(path), _("no header row with a column 'Perioden' (is it a "
                                           "StatLine CSV export, ';'-separated?)"))
    header = [_norm(cell) for cell in rows[at]]
    period_col = header.index("perioden")
    region_col = _column(header, ("regio's", "regio", "regios", "wijken en buurten",
                                  _norm(table.region)))
    if region_col is None:
        raise FigureFileError(str(path), _("no column of regions (Regio's)"))
    category_col = _column(header, ("soort misdrijf", "soortmisdrijf")) if table.category \
        else None
    margin_col = _column(header, ("marges",)) if table.margins else None
    wanted = series_of(table.id)
    columns = {s.id: c for s in wanted if (c := _measure_column(rows[at], s)) is not None}
    if not columns:
        raise FigureFileError(str(path), _("none of its columns is a measure of a series of "
                                           "{table}").format(table=table.id))
    names = {_norm(name): code for code, name in regions.items()}
    names.update({_norm(code): code for code in regions})
    reading = Reading(table, skipped=[s.id for s in wanted if s.id not in columns])
    totals: dict[tuple[str, int, str], dict[str, float]] = {}
    months: dict[tuple[str, int, str], set[int]] = {}
    for row in rows[at + 1:]:
        if len(row) < len(header):
            continue  # the footer: "Bron: CBS", a blank line
        region = names.get(_norm(row[region_col]))
        period = _period(row[period_col])
        if region is None or period is None or period[0] not in years \
                or (period[1] is not None) != table.months:
            continue
        margin = _MARGINS.get(_norm(row[margin_col]), "") if margin_col is not None else VALUE
        category = row[category_col].strip() if category_col is not None else ""
        for series in wanted:
            if series.id not in columns or (category_col is not None
                                            and not series.matches_category(category, category)):
                continue
            value = _number(row[columns[series.id]])
            if value is None or not margin:
                continue
            key = (region, period[0], series.id)
            slot = totals.setdefault(key, {})
            slot[margin] = slot.get(margin, 0.0) + value if table.months else value
            if period[1] is not None:
                months.setdefault(key, set()).add(period[1])
    for (region, year, ident), slot in sorted(totals.items()):
        if VALUE not in slot or (table.months and len(months.get((region, year, ident), ()))
                                 < 12):
            continue
        series = next(s for s in wanted if s.id == ident)
        reading.figures.append(Figure(region, year, table.id, ident,
                                      f"{series.column} (StatLine CSV)", round(slot[VALUE], 6),
                                      slot.get(LOWER), slot.get(UPPER)))
    have = {f.region for f in reading.figures}
    reading.missing = [code for code in regions if code not in have]
    return reading


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((n for n, cell in enumerate(header) if cell in names), None)


def _measure_column(header: list[str], series: Series) -> int | None:
    """The column of a series' measure: its title (the unit after it in brackets, a group
    before it with '/'), or its key in an unformatted export."""
    wanted = _norm(series.column)
    for number, cell in enumerate(header):
        title = _norm(cell).split("/")[-1].split(" (")[0].strip()
        if title == wanted or series.matches_measure(cell):
            return number
    return None


def _period(text: str) -> tuple[int, int | None] | None:
    """A period as StatLine writes it: 2023, 2023* (provisional), 2023 maart, or its key."""
    cell = _norm(text).rstrip("*").strip()
    if re.fullmatch(r"\d{4}", cell):
        return int(cell), None
    found = re.fullmatch(r"(\d{4})\s+(\w+)\*?", cell)
    if found and found.group(2) in _MONTHS:
        return int(found.group(1)), _MONTHS.index(found.group(2)) + 1
    return period_of(text.upper())


def _number(text: str) -> float | None:
    """A cell as a number: Dutch ("2,1") or not ("2.1"); '.', 'x' and blanks are StatLine's
    marks for what is not known or secret."""
    cell = text.strip().replace("\u00a0", "").replace(" ", "")
    if cell in ("", ".", "x", "-", "..", "?"):
        return None
    if "," in cell:
        cell = cell.replace(".", "").replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None
