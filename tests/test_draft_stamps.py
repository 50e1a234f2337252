"""Every draft says its date and version in its kop, as the seeds' documents do: 'Versie 3
(concept)', 'Datum 1 december 2026'; one version number per content, in every format."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document

from .conftest import Invoke

KOP = re.compile(r"^\| \*\*Versie\*\* \| (?P<versie>[^|]+) \|$", re.MULTILINE)
DATUM = re.compile(r"^\| \*\*Datum\*\* \| (?P<datum>[^|]+) \|$", re.MULTILINE)


def paths(ivpflow: Invoke, *args: str, now: str) -> list[Path]:
    result = ivpflow("draft", "not", *args, now=now)
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.stdout.splitlines()]


def stamp(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    versie, datum = KOP.search(text), DATUM.search(text)
    if versie is None or datum is None:  # the uitnodiging's kop is one row of columns
        row = text.split("| Onderwerp | Zaaknummer | Uw kenmerk | Datum | Versie |")[1]
        cells = [c.strip() for c in row.splitlines()[2].split("|")]
        return cells[-2], cells[-3]
    return versie["versie"], datum["datum"]


def test_every_draft_has_a_date_and_a_version_in_its_kop(ivpflow: Invoke,
                                                        started: str) -> None:
    drafted = paths(ivpflow, "--all", now="2026-03-02T10:00")
    kinds = {p.name.split("-v")[0].split("-")[0] for p in drafted}
    assert {"startnotitie", "raadsinformatiebrief", "raadsvoorstel", "veiligheidsanalyse",
            "prioriteringsnotitie", "ivp", "uitvoeringsplan"} <= kinds
    stamps = {p.name: stamp(p) for p in drafted}
    # Without a datum of its own (or a college decision) a draft is dated by its version.
    assert set(stamps.values()) == {("1 (concept)", "2 maart 2026")}


def test_a_version_is_numbered_and_dated_once_for_every_format(ivpflow: Invoke,
                                                               started: str) -> None:
    first = paths(ivpflow, "ivp", now="2026-03-02T10:00")
    assert paths(ivpflow, "ivp", now="2026-03-03T10:00") == first  # unchanged: it stands
    assert stamp(first[0]) == ("1 (concept)", "2 maart 2026")
    ivpflow("priority", "add", "not", "jeugd", "--veld", "3", "--theme", "Jeugd",
            "--title", "Jeugd en veiligheid", now="2026-12-01T09:00")
    second = paths(ivpflow, "ivp", now="2026-12-01T10:00")
    assert second[0].name == "ivp-v2.md"
    assert stamp(second[0]) == ("2 (concept)", "1 december 2026")
    # The same content in Word a day later is the same version, with that version's date.
    word = paths(ivpflow, "ivp", "--format", "docx", now="2026-12-02T10:00")[0]
    assert word.name == "ivp-v2.docx"
    cells = [c.text for t in Document(str(word)).tables[:1] for r in t.rows for c in r.cells]
    assert cells[cells.index("Versie") + 1] == "2 (concept)"
    assert cells[cells.index("Datum") + 1] == "1 december 2026"


def test_a_done_document_is_drafted_as_final_with_its_own_date(ivpflow: Invoke,
                                                              started: str) -> None:
    paths(ivpflow, "ivp", now="2026-03-02T10:00")
    ivpflow("set", "not", "datum", "2026-09-15", "--document", "ivp", now="2026-09-15T09:00")
    assert ivpflow("done", "not", "ivp", now="2026-09-16T09:00").exit_code == 0
    last = paths(ivpflow, "ivp", now="2026-09-16T10:00")[0]
    assert last.name == "ivp-v2.md"
    assert stamp(last) == ("2 (definitief)", "15 september 2026")
