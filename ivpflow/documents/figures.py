"""The figures of a process as the documents show them: per veld, per series a table with the
years as columns and each gemeente and Nederland as rows, its source under it, and a trend
chart; and, for the verantwoording, the latest figure of an indicator's series."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from ..dates import dutch_date
from ..opendata.gemeenten import NEDERLAND
from ..opendata.series import all_series, tables
from ..store.rows import ObservationRow
from .rendering import Markdown

MISSING = "–"


def number(value: float, unit: str = "") -> str:
    """A figure the Dutch way: a count whole with a point between thousands (1.234), a rate or
    a percentage with one decimal after a comma (2,0)."""
    if unit == "aantal":
        return f"{round(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def _cell(row: ObservationRow, unit: str = "") -> str:
    if row.lower is not None and row.upper is not None:
        return f"{number(row.value, unit)} ({number(row.lower, unit)}-{number(row.upper, unit)})"
    return number(row.value, unit)


def figure_tables(observations: Sequence[ObservationRow],
                  gemeenten: Sequence[str]) -> dict[int, list[dict[str, Any]]]:
    """Per veld number, the tables of the series the process has figures of, in the order of
    the series file: `years`, `rows` (gemeenten in the process's order, Nederland last),
    `bron`, `missing` (gemeenten without figures) and what the chart needs."""
    known = tables()
    grouped: dict[tuple[str, str], list[ObservationRow]] = {}
    for row in observations:
        grouped.setdefault((row.table_id, row.series), []).append(row)
    result: dict[int, list[dict[str, Any]]] = {}
    for series in all_series():
        rows = grouped.get((series.table, series.id))
        if not rows:
            continue
        years = sorted({r.year for r in rows})
        order = [*gemeenten, NEDERLAND]
        names = sorted({r.name for r in rows}, key=lambda n: (order.index(n) if n in order
                                                              else len(order), n))
        by = {(r.name, r.year): r for r in rows}
        table = known.get(series.table)
        retrieved = max(r.retrieved_on for r in rows)
        sources = sorted({r.source for r in rows})
        result.setdefault(series.veld, []).append({
            "id": series.id, "table": series.table, "title": series.title,
            "theme": series.theme, "unit": series.unit, "years": years,
            "margins": any(r.lower is not None for r in rows),
            "rows": [{"name": name, "cells": [_cell(by[(name, y)], series.unit) if (name, y) in by
                                               else MISSING for y in years]}
                     for name in names],
            "missing": [g for g in gemeenten if g not in names],
            "coverage": table.coverage if table else None,
            "bron": f"Bron: {', '.join(sources)}, tabel {series.table}, opgehaald op "
                    f"{dutch_date(retrieved)}",
            "lines": {name: [(y, by[(name, y)].value) for y in years if (name, y) in by]
                      for name in names},
        })
    return result


def chart(figures: dict[str, Any]) -> Markdown:
    """The trend chart of one figure table as a Markdown image (a PNG inside the text, so
    that the draft is one file); drawn only when a template asks for it."""
    from .charts import trend_png

    png = trend_png(f"{figures['title']} ({figures['table']})", figures["unit"],
                    figures["lines"], comparison=NEDERLAND)
    alt = f"Trend {figures['title']}, {figures['years'][0]}-{figures['years'][-1]}".replace(
        "[", "(").replace("]", ")")
    return Markdown(f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})")


def standing(observations: Sequence[ObservationRow], series_id: str,
             gemeenten: Sequence[str]) -> str | None:
    """The latest figure of a series as the verantwoording puts it beside the nulmeting and
    the streefwaarde: "1,6 (2025)" for one gemeente, "2025: Losser 1,6, Dinkelland 1,2" for
    several; None when the process has no figures of it."""
    rows = [r for r in observations if r.series == series_id and r.name in gemeenten]
    if not rows:
        return None
    year = max(r.year for r in rows)
    # CBS's rates before the Politie's counts: the order of the series file.
    order = list(tables())
    table = min({r.table_id for r in rows if r.year == year},
                key=lambda t: order.index(t) if t in order else len(order))
    at = {r.name: r for r in rows if r.year == year and r.table_id == table}
    unit = next((s.unit for s in all_series() if s.id == series_id and s.table == table), "")
    if len(gemeenten) == 1:
        return f"{_cell(at[gemeenten[0]], unit)} ({year})"
    return f"{year}: " + ", ".join(f"{name} {_cell(at[name], unit)}" for name in gemeenten
                                   if name in at)
