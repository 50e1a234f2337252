"""Word drafts laid out as by hand: A4, columns as wide as their words need, rows that never
split, headings kept with what follows, a borderless signature kept on one page; checked in
the .docx itself and in the PDF that LibreOffice makes of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from ivpflow.documents.markup import (
    CHARACTER_CM,
    PADDING_CM,
    TEXT_WIDTH_CM,
    column_widths,
    parse_markdown,
    to_docx,
)

from .conftest import Invoke
from .test_drafts import filled, rendered  # noqa: F401 - their fixtures: the filled process


def test_every_column_has_room_for_its_longest_word() -> None:
    rows = [["Uiterlijk", "Wat"], ["30 juni 2026", "Veiligheidsmonitor en problematische "
                                   "jeugdgroepen besproken in de raadscommissie"]]
    widths = column_widths(rows, 2)
    assert sum(widths) == pytest.approx(TEXT_WIDTH_CM, abs=0.02)
    assert widths[0] >= len("Uiterlijk") * CHARACTER_CM + PADDING_CM
    assert widths[1] >= len("Veiligheidsmonitor") * CHARACTER_CM + PADDING_CM
    assert widths[1] > widths[0]


def test_short_columns_share_the_page_by_what_they_hold() -> None:
    widths = column_widths([["de secretaris,", "de burgemeester,"], ["A. Jansen", "B. de Vries"]],
                           2)
    assert widths[0] < widths[1]
    assert sum(widths) == pytest.approx(TEXT_WIDTH_CM, abs=0.02)


def test_too_many_long_words_shrink_alike_to_the_page() -> None:
    widths = column_widths([["Veiligheidsmonitor"] * 8], 8)
    assert widths == [2.0] * 8


SIGNED = """# Raadsinformatiebrief

| | |
|---|---|
| **Onderwerp** | Integraal Veiligheidsplan |

| Uiterlijk | Wat |
|---|---|
| 30 juni 2026 | Prioritering |

<!-- ondertekening -->
Hoogachtend,

Burgemeester en wethouders van Losser,

| de secretaris, | de burgemeester, |
|---|---|
| A. Jansen | B. de Vries |
"""


def _word(tmp_path: Path) -> docx.document.Document:
    path = tmp_path / "brief.docx"
    path.write_bytes(to_docx(parse_markdown(SIGNED), title="Brief", subject="Brief"))
    return docx.Document(str(path))


def test_a_draft_is_an_a4_page_with_margins_of_two_and_a_half_cm(tmp_path: Path) -> None:
    section = _word(tmp_path).sections[0]
    # Word keeps the sizes in twentieths of a point: a few hundred EMU from the cm.
    sizes = [section.page_width, section.page_height, section.left_margin,
             section.right_margin]
    assert [round(size / Cm(1), 2) for size in sizes] == [21.0, 29.7, 2.5, 2.5]


def test_no_table_row_splits_across_pages(tmp_path: Path) -> None:
    tables = _word(tmp_path).tables
    rows = [row for table in tables for row in table.rows]
    assert len(rows) == 5
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)


def test_only_a_table_with_a_header_row_has_borders(tmp_path: Path) -> None:
    kop, data, signature = _word(tmp_path).tables
    assert (kop.style.name, data.style.name, signature.style.name) == (
        "Normal Table", "Table Grid", "Normal Table")


def test_the_signature_is_kept_together_with_its_greeting(tmp_path: Path) -> None:
    word = _word(tmp_path)
    texts = [p.text for p in word.paragraphs]
    greeting = texts.index("Hoogachtend,")
    kept = [p.paragraph_format.keep_with_next for p in word.paragraphs[greeting:greeting + 2]]
    assert kept == [True, True]
    signature = word.tables[-1]
    assert [c.text for row in signature.rows for c in row.cells] == [
        "de secretaris,", "de burgemeester,", "A. Jansen", "B. de Vries"]
    assert [row.cells[0].paragraphs[0].paragraph_format.keep_with_next
            for row in signature.rows] == [True, None]


def test_the_signature_marker_is_no_text_of_the_draft(tmp_path: Path) -> None:
    word = _word(tmp_path)
    assert not any("ondertekening" in p.text for p in word.paragraphs)


def test_headings_stay_with_the_paragraph_after_them(tmp_path: Path) -> None:
    word = _word(tmp_path)
    heading = next(p for p in word.paragraphs if p.style.name.startswith("Heading"))
    assert heading.paragraph_format.keep_with_next is True


def test_a_time_of_day_is_written_the_dutch_way(ivpflow: Invoke, filled: str,  # noqa: F811
                                                tmp_path: Path) -> None:
    result = ivpflow("set", filled, "themabijeenkomst-aanvang", "19:30", "--municipality",
                     "Losser")
    assert result.exit_code == 0, result.output
    result = ivpflow("draft", filled, "uitnodiging-themabijeenkomst", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    losser = next(p for p in result.stdout.split() if "losser" in p)
    text = Path(losser).read_text(encoding="utf-8")
    assert "bent u vanaf 19.30 uur van harte welkom" in text


def _soffice() -> str:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext (poppler-utils) are needed in CI")
        pytest.skip("LibreOffice or pdftotext is not installed")
    return program


def test_libreoffice_breaks_no_word_of_a_table(rendered: dict[str, dict[str, Path]],  # noqa: F811
                                               tmp_path: Path) -> None:
    program = _soffice()
    sources = [formats["docx"] for formats in rendered.values()]
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([program, f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path),
                           *map(str, sources)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    broken = {}
    for source in sources:
        pdf = tmp_path / (source.stem + ".pdf")
        layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                text=True, check=True).stdout
        printed = set(unicodedata.normalize("NFKC", layout).split())
        words = {unicodedata.normalize("NFKC", word) for table in docx.Document(str(source)).tables
                 for row in table.rows for cell in row.cells for word in cell.text.split()}
        # A line may end after a hyphen ("juli-" / "september"), never inside a word.
        missing = sorted(w for w in words if len(w) > 3 and w not in printed
                         and not all(part in printed for part in re.split(r"(?<=-)", w)))
        if missing:
            broken[source.stem] = missing
    assert broken == {}, "\n".join(f"{k}: {v}" for k, v in broken.items())


WIDE = """# Uitnodiging

Tekst van de brief.

---

## Bijlage 1: De vijf veiligheidsvelden

| Veiligheidsveld | Categorie | Thema's | Betrokken professionals |
|---|---|---|---|
| Integriteitsschendingen | Brandpreventiemaatregelen | Informatiebeveiligingsdienst | """ \
    """evenementenorganisatoren |
"""


def test_a_table_too_wide_for_the_page_gets_a_landscape_page_with_its_heading(
        tmp_path: Path) -> None:
    path = tmp_path / "wide.docx"
    path.write_bytes(to_docx(parse_markdown(WIDE), title="Wide", subject="Wide"))
    word = docx.Document(str(path))
    orientation = [(round(s.page_width / Cm(1), 1), round(s.page_height / Cm(1), 1))
                   for s in word.sections]
    assert orientation == [(21.0, 29.7), (29.7, 21.0)]  # no blank portrait page after it
    # The section break starts the page: the "---" page break is not kept as well.
    assert not any('w:type="page"' in p._p.xml for p in word.paragraphs)
    last_portrait = [p.text for p in word.paragraphs if p._p.find(qn("w:pPr")) is not None
                     and p._p.pPr.find(qn("w:sectPr")) is not None]
    assert last_portrait == [""]
