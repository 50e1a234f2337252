"""The figures of `ivpflow cijfers` in the documents: a table per series with the years as
columns and each gemeente and Nederland as rows, its source under it, a trend chart in Word
and HTML, and the latest figure beside nulmeting and streefwaarde."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import Invoke

DECEMBER = "2026-12-01T10:00"


def drafted(ivpflow: Invoke, document: str, fmt: str = "md") -> Path:
    result = ivpflow("draft", "not", document, "--format", fmt, now=DECEMBER)
    assert result.exit_code == 0, result.output
    return Path(result.output.splitlines()[-1])


def fetched(ivpflow: Invoke) -> None:
    result = ivpflow("cijfers", "not", now=DECEMBER)
    assert result.exit_code == 0, result.output


def test_the_veiligheidsanalyse_shows_five_years_per_veld_beside_nederland(
        ivpflow: Invoke, started: str, cbs_server: list[str]) -> None:
    fetched(ivpflow)
    text = drafted(ivpflow, "veiligheidsanalyse").read_text(encoding="utf-8")
    woninginbraak = text.split("**Woninginbraken** (per 1.000 inwoners)\n\n")[1].split("\n\n")
    assert woninginbraak[0].splitlines() == [
        "| Gebied | 2021 | 2022 | 2023 | 2024 | 2025 |",
        "|---|---|---|---|---|---|",
        "| Losser | 1,6 | 1,3 | 1,3 | 1,2 | 1,2 |",
        "| Dinkelland | 1,3 | 1,2 | 1,2 | 1,2 | 1,1 |",
        "| Oldenzaal | 1,8 | 1,8 | 1,7 | 1,7 | 1,6 |",
        "| Tubbergen | 1,1 | 1,1 | 1,1 | 1,0 | 1,0 |",
        "| Nederland | 2,5 | 2,5 | 2,0 | 2,0 | 1,9 |"]
    assert woninginbraak[1] == "Bron: CBS, tabel 83648NED, opgehaald op 1 december 2026."
    assert woninginbraak[2].startswith("![Trend Woninginbraken, 2021-2025](data:image/png;")
    # Every veld has figures of five years for the four gemeenten and Nederland.
    for veld in range(1, 6):
        section = text.split(f"### 2.{veld} ")[1].split("### ")[0]
        assert "| Gebied | 2021 | 2022 | 2023 | 2024 | 2025 |" in section, veld
        assert re.search(r"\| Tubbergen( \| [\d,]+){5} \|\n\| Nederland( \| [\d,]+){5} \|",
                         section), veld


def test_a_survey_without_figures_for_the_gemeenten_says_so_under_its_table(
        ivpflow: Invoke, started: str, cbs_server: list[str]) -> None:
    fetched(ivpflow)
    text = drafted(ivpflow, "veiligheidsanalyse").read_text(encoding="utf-8")
    survey = text.split("**Voelt zich weleens onveilig** (%)\n\n")[1].split("\n\n")
    assert survey[0].splitlines()[2:] == ["| Nederland | 33,0 (32,6-33,4) | 34,0 (33,6-34,4) | "
                                          "35,0 (34,6-35,4) |"]
    assert survey[1] == (
        "Bron: CBS (Veiligheidsmonitor), tabel 85146NED, opgehaald op 1 december 2026; tussen "
        "haakjes het 95%-betrouwbaarheidsinterval. Geen cijfers voor Losser, Dinkelland, "
        "Oldenzaal en Tubbergen: de Veiligheidsmonitor rapporteert alleen over gemeenten met "
        "voldoende respondenten.")


def test_the_word_file_carries_the_trend_charts_as_pictures(
        ivpflow: Invoke, started: str, cbs_server: list[str]) -> None:
    from docx import Document

    fetched(ivpflow)
    document = Document(str(drafted(ivpflow, "veiligheidsanalyse", "docx")))
    pictures = document.inline_shapes
    assert len(pictures) == 18  # one per series: 15 of 83648NED, 3 of 85146NED
    descriptions = [shape._inline.docPr.get("descr") for shape in pictures]
    assert "Trend Woninginbraken, 2021-2025" in descriptions
    parts = [rel.target_part for rel in document.part.rels.values()
             if rel.reltype.endswith("/image")]
    assert {part.content_type for part in parts} == {"image/png"}
    assert all(part.blob.startswith(b"\x89PNG") for part in parts)


def test_the_html_draft_embeds_the_charts(ivpflow: Invoke, started: str,
                                          cbs_server: list[str]) -> None:
    fetched(ivpflow)
    html = drafted(ivpflow, "veiligheidsanalyse", "html").read_text(encoding="utf-8")
    assert html.count('<figure><img src="data:image/png;base64,') == 18
    assert '<td>Losser</td><td>1,6</td>' in html


def test_the_ivp_shows_the_same_figure_tables(ivpflow: Invoke, started: str,
                                             cbs_server: list[str]) -> None:
    fetched(ivpflow)
    text = drafted(ivpflow, "ivp").read_text(encoding="utf-8")
    assert "| Losser | 1,6 | 1,3 | 1,3 | 1,2 | 1,2 |" in text
    assert text.count("Bron: CBS, tabel 83648NED, opgehaald op 1 december 2026.") == 15


def test_the_uitvoeringsplan_puts_the_latest_figure_beside_nulmeting_and_streefwaarde(
        ivpflow: Invoke, started: str, cbs_server: list[str]) -> None:
    fetched(ivpflow)
    assert ivpflow("priority", "add", "not", "inbraak", "--veld", "1", "--theme",
                   "Woninginbraken", "--title", "Minder woninginbraken",
                   now=DECEMBER).exit_code == 0
    added = ivpflow("indicator", "add", "not", "woninginbraak", "--priority", "inbraak",
                    "--title", "Woninginbraken per 1.000 inwoners", "--baseline", "1,5",
                    "--baseline-year", "2021", "--target", "1,0", "--target-year", "2030",
                    now=DECEMBER)
    assert added.exit_code == 0, added.output
    text = drafted(ivpflow, "uitvoeringsplan").read_text(encoding="utf-8")
    assert ("| Woninginbraken per 1.000 inwoners | 1,5 (2021) | 2025: Losser 1,2, Dinkelland "
            "1,1, Oldenzaal 1,6, Tubbergen 1,0 | 1,0 (2030) |") in text
