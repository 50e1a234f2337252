"""The gemeenten of the Netherlands and their CBS codes (GM0168 for Losser), from the data file
`gemeenten.yaml`, and the gemeenten dissolved since 2018 with what they went into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import MergedGemeenteError, UnknownGemeenteError, nearest

DATA = Path(__file__).resolve().parent / "gemeenten.yaml"
NEDERLAND = "Nederland"


@dataclass(frozen=True)
class Gemeente:
    """A gemeente as CBS knows it: its code (RegioS key, unpadded) and its name."""

    code: str
    name: str


@dataclass(frozen=True)
class _Reference:
    by_name: dict[str, Gemeente]  # folded name -> gemeente
    dissolved: dict[str, tuple[str, date, tuple[str, ...]]]  # folded name -> name, day, into
    names: tuple[str, ...]


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold()


@lru_cache(maxsize=1)
def _reference() -> _Reference:
    import yaml

    data: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    by_name = {_fold(name): Gemeente(code, name) for code, name in data["gemeenten"].items()}
    for alias, name in data.get("aliases", {}).items():
        by_name[_fold(alias)] = by_name[_fold(name)]
    dissolved = {_fold(row["naam"]): (row["naam"], row["per"], tuple(row["opgegaan_in"]))
                 for row in data.get("opgeheven", [])}
    return _Reference(by_name, dissolved, tuple(data["gemeenten"].values()))


def gemeente(name: str) -> Gemeente:
    """The gemeente of this name (case and spacing aside, or a common other name such as
    Den Haag); a dissolved one is a MergedGemeenteError naming what it went into, any other
    an UnknownGemeenteError with the nearest names."""
    reference = _reference()
    found = reference.by_name.get(_fold(name))
    if found is not None:
        return found
    gone = reference.dissolved.get(_fold(name))
    if gone is not None:
        raise MergedGemeenteError(gone[0], gone[1], gone[2])
    raise UnknownGemeenteError(name, nearest(name, reference.names))


def name_of(code: str) -> str | None:
    """The name of the gemeente with this code (GM0168), if it is one of today's."""
    wanted = code.strip()
    return next((g.name for g in _reference().by_name.values() if g.code == wanted), None)
