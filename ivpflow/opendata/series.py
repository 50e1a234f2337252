"""The open-data tables and the series taken from them, from the data file `reeksen.yaml`:
which category and measure of which table, in which veiligheidsveld and theme."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import UnknownChoiceError

DATA = Path(__file__).resolve().parent / "reeksen.yaml"
CATALOGUES = ("cbs", "derden")
_NUMBERED = re.compile(r"_\d+$")


@dataclass(frozen=True)
class Table:
    """An open-data table: where it is, its dimensions and how it counts time."""

    id: str
    title: str
    source: str
    catalogue: str  # cbs | derden (CBS's third-party catalogue, the Politie tables)
    region: str  # the region dimension: RegioS, WijkenEnBuurten
    nederland: str  # Nederland's key in it: NL01 at CBS, NL00 in the Politie tables
    category: str | None  # SoortMisdrijf
    margins: str | None  # Marges: the 95% interval of survey figures
    months: bool  # counted per month (47013NED): a year is the sum of its twelve
    default: bool
    coverage: str | None  # why a gemeente may have no figures in it


@dataclass(frozen=True)
class Series:
    """One measure of one category of a table, placed in a veld and a theme."""

    id: str
    table: str
    veld: int
    theme: str
    title: str
    categories: tuple[str, ...]  # keys, titles or the numbers titles start with
    measure: str  # the measure's key without CBS's appended number
    column: str  # the measure's column title in a StatLine CSV
    unit: str

    def matches_category(self, key: str, title: str) -> bool:
        """Whether a category of the table (its key and title) is this series'."""
        key, title = key.strip(), title.strip()
        return any(wanted in (key, title, title.split(" ")[0]) for wanted in self.categories)

    def matches_measure(self, key: str) -> bool:
        """Whether a measure key of the table (GeregistreerdeMisdrijvenPer1000Inw_3) is
        this series' measure."""
        return _NUMBERED.sub("", key.strip()) == self.measure


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Table], tuple[Series, ...]]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    tables = {ident: Table(ident, spec["titel"], spec["bron"], spec["catalogus"],
                           spec["regio"], spec["nederland"], spec.get("categorie"),
                           spec.get("marges"), spec["perioden"] == "maand",
                           bool(spec.get("standaard")), spec.get("dekking"))
              for ident, spec in data["tabellen"].items()}
    series = tuple(Series(row["id"], row["tabel"], int(row["veld"]), row["thema"],
                          row["titel"], tuple(str(c) for c in row.get("categorie", [])),
                          row["maat"], row["kolom"], row["eenheid"])
                   for row in data["reeksen"])
    return tables, series


def tables() -> dict[str, Table]:
    """Every table ivpflow reads, by id."""
    return _load()[0]


def table(ident: str) -> Table:
    """The table with this id (83648NED; case aside), or UnknownChoiceError."""
    known = tables()
    found = known.get(ident.strip().upper())
    if found is None:
        raise UnknownChoiceError("table", ident, list(known))
    return found


def series_of(table_id: str) -> list[Series]:
    """The series taken from one table, in the order of the data file."""
    return [s for s in _load()[1] if s.table == table_id]


def all_series() -> tuple[Series, ...]:
    return _load()[1]
