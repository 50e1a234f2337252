"""Reading the series of one open-data table for a set of regions and years, over OData
(`fetch`) into plain figures; the StatLine CSV reader (`statline`) gives the same figures."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import OpenDataError
from ..i18n import _
from .cbs import Client
from .series import Series, Table, series_of

# The keys of CBS's Marges dimension: the value and the bounds of its 95% interval.
VALUE, LOWER, UPPER = "MW00000", "MOG0095", "MBG0095"
_YEAR = re.compile(r"^(\d{4})(JJ00|MM(\d\d))$")


@dataclass(frozen=True)
class Figure:
    """One value of a series for one region and year."""

    region: str  # GM0168, NL01 (unpadded)
    year: int
    table: str
    series: str
    measure: str  # the source's measure and category keys
    value: float
    lower: float | None = None
    upper: float | None = None


@dataclass
class Reading:
    """What one table gave: its figures, the regions it has none for, and what was left out."""

    table: Table
    figures: list[Figure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # region codes without any figure
    skipped: list[str] = field(default_factory=list)  # series the table does not have


def period_of(key: str) -> tuple[int, int | None] | None:
    """The year (and month) of a CBS period key: 2021JJ00 → (2021, None), 2021MM03 → (2021,
    3); None for quarters and other periods."""
    found = _YEAR.match(key.strip())
    if not found:
        return None
    return int(found.group(1)), int(found.group(3)) if found.group(3) else None


def fetch(client: Client, table: Table, regions: Iterable[str], years: Iterable[int]) -> Reading:
    """The figures of every series of a table for these regions (GM codes, Nederland's key)
    and years, read from the OData service; a region with no figure is listed as missing."""
    regions, years = list(regions), sorted(set(years))
    reading = Reading(table)
    wanted = series_of(table.id)
    properties = list(client.rows(table.id, "DataProperties"))
    measures: dict[str, str] = {}
    for series in wanted:
        key = next((str(p.get("Key", "")) for p in properties
                    if series.matches_measure(str(p.get("Key", "")))), None)
        if key is None:
            reading.skipped.append(series.id)
        else:
            measures[series.id] = key
    categories: dict[str, list[Series]] = {}
    padded: dict[str, str] = {}  # the service pads its keys; a filter names them as given
    if table.category:
        for row in client.rows(table.id, table.category):
            key, title = str(row.get("Key", "")), str(row.get("Title", ""))
            for series in wanted:
                if series.id in measures and series.matches_category(key, title):
                    categories.setdefault(key.strip(), []).append(series)
                    padded[key.strip()] = key
        found = {s.id for found in categories.values() for s in found}
        reading.skipped += [s for s in measures if s not in found]
    periods = [str(row.get("Key", "")) for row in client.rows(table.id, "Perioden")]
    chosen = [key for key in periods if (p := period_of(key)) and p[0] in years
              and (p[1] is not None) == table.months]
    if not chosen or not measures:
        reading.missing = list(regions)
        return reading
    query = {"$filter": _filter(table, regions, chosen, [padded[k] for k in categories]),
             "$select": ",".join(dict.fromkeys(
                 [table.region, "Perioden", *([table.category] if table.category else []),
                  *([table.margins] if table.margins else []), *measures.values()]))}
    totals: dict[tuple[str, int, str], dict[str, float]] = {}
    months: dict[tuple[str, int, str], set[int]] = {}
    for row in client.rows(table.id, "TypedDataSet", query):
        region = str(row.get(table.region, "")).strip()
        period = period_of(str(row.get("Perioden", "")))
        if region not in regions or period is None or period[0] not in years:
            continue
        if table.category:
            owners = categories.get(str(row.get(table.category, "")).strip(), [])
        else:
            owners = [s for s in wanted if s.id in measures]
        margin = str(row.get(table.margins, VALUE)).strip() if table.margins else VALUE
        for series in owners:
            value = row.get(measures[series.id])
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue  # CBS leaves out what is secret or not known
            at = (region, period[0], series.id)
            slot = totals.setdefault(at, {})
            slot[margin] = slot.get(margin, 0.0) + float(value) if table.months \
                else float(value)
            if period[1] is not None:
                months.setdefault(at, set()).add(period[1])
    for (region, year, ident), slot in sorted(totals.items()):
        if VALUE not in slot or (table.months and len(months.get((region, year, ident), ()))
                                 < 12):
            continue  # a year of a monthly table counts once all twelve months are in
        series = next(s for s in wanted if s.id == ident)
        category = next((k for k, owners in categories.items() if series in owners), "")
        measure = measures[ident] + (f" · {table.category} {category}" if category else "")
        reading.figures.append(Figure(region, year, table.id, ident, measure,
                                      round(slot[VALUE], 6), slot.get(LOWER), slot.get(UPPER)))
    have = {f.region for f in reading.figures}
    reading.missing = [r for r in regions if r not in have]
    return reading


def _filter(table: Table, regions: list[str], periods: list[str],
            categories: list[str]) -> str:
    """The OData $filter that asks for these regions, periods and categories only; the keys
    are padded in the service, so regions are matched by their start."""
    def any_of(parts: list[str]) -> str:
        return "(" + " or ".join(parts) + ")"

    clauses = [any_of([f"startswith({table.region},'{r}')" for r in regions]),
               any_of([f"Perioden eq '{p}'" for p in periods])]
    if table.category:
        if not categories:
            raise OpenDataError(table.id, _("none of the categories of its series is in it"))
        clauses.append(any_of([f"{table.category} eq '{k}'" for k in categories]))
    return " and ".join(clauses)
