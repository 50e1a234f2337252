"""Drafts of the documents: every type rendered for the Noordoost Twente process as Markdown,
Word (opened again with python-docx, converted by LibreOffice) and HTML; escaping, the
sandbox, versions, and which documents fall due for drafting."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

import ivpflow.cli.documents  # noqa: F401  (registers the document commands until cli imports it)
from ivpflow.cli import cli
from ivpflow.dates import parse_moment
from ivpflow.documents.context import ADVICE, VERDICT, advising, month_span
from ivpflow.documents.drafts import (
    DRAFT_LEAD_WORKING_DAYS,
    DueDraft,
    draft_versions,
    due_drafts,
    render_due_drafts,
)
from ivpflow.documents.kinds import DOCUMENT_TYPES, document_type
from ivpflow.documents.markup import inline, parse_markdown, plain_text
from ivpflow.documents.rendering import markdown_escape
from ivpflow.store import Store

from .conftest import NOT, VNG, Invoke

# The Noordoost Twente process with people, values, content and a decision, as the CLI
# records them.
SETUP: list[tuple[str, ...]] = [
    ("start", NOT, "--id", "not"),
    ("assign", "not", "portefeuillehouder", "--name", "J.B. Diepemaat", "--email",
     "j.diepemaat@losser.nl"),
    ("assign", "not", "portefeuillehouder", "--name", "J.G.J. Joosten", "--email",
     "j.joosten@dinkelland.nl"),
    ("assign", "not", "coordinator", "--name", "Marieke Jansen", "--email",
     "m.jansen@losser.nl"),
    ("set", "not", "portefeuillehouder", "J.B. Diepemaat", "--municipality", "Losser"),
    ("set", "not", "portefeuillehouder", "J.G.J. Joosten", "--municipality", "Dinkelland"),
    ("set", "not", "zaaknummer", "25Z00346", "--municipality", "Losser"),
    ("set", "not", "secretaris", "drs. J. van Dam", "--municipality", "Losser"),
    ("set", "not", "griffier", "M. Wolters", "--municipality", "Losser"),
    ("set", "not", "team", "Veiligheid"),
    ("meeting", "add", "not", "gemeenteraad Losser", "2026-11-24"),
    ("priority", "add", "not", "jeugd", "--veld", "3", "--theme", "Jeugdcriminaliteit",
     "--title", "Jeugd en veiligheid", "--rationale",
     "Jongeren groeien door naar criminele netwerken."),
    ("priority", "add", "not", "ondermijning", "--veld", "5", "--theme", "Ondermijning",
     "--title", "Ondermijning"),
    ("indicator", "add", "not", "overlast-jeugd", "--priority", "jeugd", "--title",
     "Overlast jeugd", "--source", "Politie", "--baseline", "45", "--baseline-year", "2025",
     "--target", "40", "--target-year", "2030"),
    ("indicator", "add", "not", "woninginbraak", "--veld", "1", "--title",
     "Diefstal/inbraak woning", "--source", "Politie", "--baseline", "49", "--baseline-year",
     "2025"),
    ("action", "add", "not", "veilige-school", "--priority", "jeugd", "--title",
     "Convenant Veilige school", "--doelstelling", "Een veilig schoolklimaat", "--trekker",
     "Team Veiligheid Losser", "--betrokkenen", "politie, Twents Carmel College",
     "--termijn", "2027-06", "--kosten", "€ 5.000"),
    ("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld", "--date",
     "2025-12-16"),
]
NOW = "2026-03-02T09:00"

# Per document: what `draft` is asked for, and the draft (of Losser, where one per gemeente)
# that the tests read.
DOCUMENTS = {
    "startnotitie": "startnotitie",
    "raadsinformatiebrief": "raadsinformatiebrief-losser",
    "raadsvoorstel-verlenging-losser": "raadsvoorstel-verlenging-losser",
    "veiligheidsanalyse": "veiligheidsanalyse",
    "prioriteringsnotitie": "prioriteringsnotitie",
    "ivp": "ivp",
    "raadsvoorstel-ivp-losser": "raadsvoorstel-ivp-losser",
    "uitvoeringsplan": "uitvoeringsplan",
    "collegevoorstel": "collegevoorstel-losser",
    "uitnodiging-themabijeenkomst": "uitnodiging-themabijeenkomst-losser",
}
RAADSVOORSTEL = ["# Raadsvoorstel", "## Inleiding", "## Beoogd effect", "## Argumenten",
                 "### 1.1 [in te vullen: argument bij beslispunt 1]", "## Kanttekeningen",
                 "## Financiële dekking van het voorstel", "## Participatie", "## Vervolg",
                 "## Bijlagen", "# Raadsbesluit"]
VELDEN = ["2.1 Veilige woon- en leefomgeving", "2.2 Bedrijvigheid en veiligheid",
          "2.3 Jeugd en veiligheid", "2.4 Fysieke veiligheid", "2.5 Integriteit en veiligheid"]
HEADINGS = {
    "startnotitie": [
        "# Startnotitie IVP Noordoost Twente 2027-2030", "## 1 Inleiding",
        "### Het belang van integraal veiligheidsbeleid",
        "### Wettelijke grondslag en verantwoordelijkheden", "### Burgemeester",
        "### Gemeenteraad", "## 2 Integraal Veiligheidsplan Noordoost Twente 2027-2030",
        "### Kernbeleid Veiligheid VNG", "### Zorg en veiligheid", "### Afbakening",
        "### Veiligheidsanalyse", "### Inspelen op trends en ontwikkelingen",
        "### Participatie", "### Uitvoeringsplannen", "### Samenwerking", "### Rollen",
        "### Planning en proces"],
    "raadsinformatiebrief": [
        "# Raadsinformatiebrief", "## Waarover gaat deze brief?", "## Ons besluit",
        "## Toelichting", "## Waarom deze raadsbrief?", "## Heeft u nog vragen?"],
    # Two beslispunten in the definition, as in the Losser raadsvoorstel: two arguments.
    "raadsvoorstel-verlenging-losser": [*RAADSVOORSTEL[:5],
                                        "### 2.1 [in te vullen: argument bij beslispunt 2]",
                                        *RAADSVOORSTEL[5:]],
    "veiligheidsanalyse": [
        "# Veiligheidsanalyse Noordoost Twente 2026", "## 1 Inleiding",
        "## 2 Huidige veiligheidssituatie", *(f"### {v}" for v in VELDEN),
        "### Zorg en veiligheid", "## 3 Evaluatie van het huidige beleid",
        "## 4 Conclusies en richting voor de prioritering"],
    "prioriteringsnotitie": [
        "# Notitie prioritering thema's IVP NOT", "## 1 Inleiding",
        "## 2 Voorgestelde prioriteiten", "### 2.1 Jeugd en veiligheid", "### 2.2 Ondermijning",
        "## 3 Wat niet geprioriteerd wordt", "## 4 Besluitvorming"],
    "ivp": [
        "# Integraal Veiligheidsplan Noordoost Twente 2027-2030", "## Voorwoord",
        "## 1 Inleiding", "### 1.1 Achtergrond en aanleiding", "### 1.2 Totstandkoming",
        "## 2 Huidige veiligheidssituatie", *(f"### {v}" for v in VELDEN),
        "## 3 Prioriteiten 2027-2030", "### 3.1 Strategie",
        "### 3.2 Jeugd en veiligheid", "#### Doelen en indicatoren", "#### Strategie",
        "#### Betrokken partners",
        "### 3.3 Ondermijning", "#### Doelen en indicatoren", "#### Strategie",
        "#### Betrokken partners",
        "## 4 Uitvoering", "## 5 Organisatie en coördinatie",
        "### 5.1 Beleid en uitvoering", "### 5.2 Overlegstructuren en sturing",
        "### 5.3 Veiligheid in regionaal verband", "### 5.4 Projectorganisatie", "## 6 Financiën"],
    "raadsvoorstel-ivp-losser": [*RAADSVOORSTEL[:5],
                                 "### 2.1 [in te vullen: argument bij beslispunt 2]",
                                 *RAADSVOORSTEL[5:]],
    "uitvoeringsplan": [
        "# Uitvoeringsplan 2027 IVP Noordoost Twente", "## 1 Inleiding", "### Terugblik",
        "## 2 Jeugd en veiligheid", "## 3 Ondermijning", "## Overzicht van de acties",
        "## Financiën", "## Vaststelling"],
    "collegevoorstel": [
        "# Collegevoorstel", "## Voorgesteld besluit", "## Inleiding", "## Argumenten",
        "## Kanttekeningen en risico's", "## Financiën", "## Communicatie en participatie",
        "## Planning en vervolg", "## Besluitvorming in deze fase", "## Bijlagen"],
    "uitnodiging-themabijeenkomst": [
        "# Uitnodiging themabijeenkomst veiligheid",
        "## Bijlage 1: De vijf veiligheidsvelden uit het Kernbeleid Veiligheid"],
}
# Per document, lines that must be in it as they are: names, values and Dutch dates.
LINES = {
    "startnotitie": [
        "| Coördinator integrale veiligheid (projectleider IVP NOT) | Marieke Jansen |",
        "| Burgemeester, portefeuillehouder openbare orde en veiligheid | J.B. Diepemaat<br>"
        "J.G.J. Joosten |"],
    "raadsinformatiebrief": [
        "| **Onderwerp** | Proces en tijdspad IVP NOT 2027-2030 |",
        # The Vervolg in the seeds' shape: a month, what, and who decides.
        "| Juni 2026 | Prioritering thema's IVP NOT (raadscommissie Losser) |",
        "| Juli-november 2026 | Opstellen IVP |",
        "| November 2026 | Vaststelling IVP Noordoost Twente 2027-2030 (gemeenteraad Losser) |",
        "Burgemeester en wethouders van Losser,"],
    "raadsvoorstel-verlenging-losser": [
        "| **Onderwerp** | Verlengen Integraal Veiligheidsbeleid Losser |",
        "| **Portefeuillehouder** | J.B. Diepemaat |", "| **Team** | Veiligheid |",
        "| **Zaaknummer** | 25Z00346 |",
        "1. het huidige Integrale Veiligheidsbeleid te verlengen voor de jaren 2025 en 2026;",
        "2. de vaststelling van de gezagsdriehoek NOT van twee gezamenlijke prioriteiten, jeugd "
        "en veiligheid en ondermijning, te ondersteunen.",
        "- 16 december 2025: gemeenteraad Losser, Verlengen huidig IVP Losser voor 2025 en "
        "2026 (vastgesteld)",
        "| drs. J. van Dam | J.B. Diepemaat |", "De raad van de gemeente Losser;",
        "Aldus besloten in de openbare vergadering van 16 december 2025.",
        "| M. Wolters | J.B. Diepemaat |"],
    "veiligheidsanalyse": ["| Indicator | Bron | 2025 |",
                           "| Diefstal/inbraak woning | Politie | 49 |",
                           "| Overlast jeugd | Politie | 45 |"],
    "prioriteringsnotitie": [
        "| 3. Jeugd en veiligheid | Jeugdcriminaliteit | Jeugd en veiligheid |",
        "| raadscommissie Losser | Prioritering thema's IVP NOT in Losser | 30 juni 2026 | "
        "open |"],
    "ivp": [
        "Jongeren groeien door naar criminele netwerken.",
        "| Overlast jeugd | Politie | 45 (2025) | 40 (2030) |",
        "Team Veiligheid Losser, politie en Twents Carmel College.",
        "| Convenant Veilige school | Jeugd en veiligheid | Team Veiligheid Losser | "
        "30 juni 2027 | € 5.000 |"],
    "raadsvoorstel-ivp-losser": [
        "1. het Integraal Veiligheidsplan Noordoost Twente 2027-2030 vast te stellen;",
        "2. daarmee de prioriteiten voor 2027-2030 vast te stellen: Jeugd en veiligheid en "
        "Ondermijning.",
        # What follows the decision the voorstel asks for, not that decision itself.
        "| December 2026 | Vaststelling uitvoeringsplan 2027 (college Losser en gezagsdriehoek "
        "NOT) |",
        "- Integraal Veiligheidsplan Noordoost Twente 2027-2030",
        "Aldus besloten in de openbare vergadering van 24 november 2026."],
    "uitvoeringsplan": [
        "| Project | Convenant Veilige school |", "| Trekker | Team Veiligheid Losser |",
        "| Termijn | 30 juni 2027 |", "| Kosten | € 5.000 |",
        "| gezagsdriehoek NOT | Vaststelling uitvoeringsplan 2027 door de gezagsdriehoek | "
        "31 december 2026 | open |"],
    "collegevoorstel": ["Burgemeester en wethouders van Losser besluiten:",
                        "| **Zaaknummer** | 25Z00346 |"],
    "uitnodiging-themabijeenkomst": [
        "Gemeenteraad van Losser",
        "| **3. Jeugd en veiligheid** | Jeugdoverlast | Overlastgevende jeugdgroepen<br>"
        "Voetbalvandalisme<br>Verstoringen openbare orde | Politie en OM<br>Zorg- en "
        "Veiligheidshuis<br>jongerenwerk<br>gemeente: teams veiligheid, toezicht en "
        "handhaving, sociaal domein, Wmo |"],
}


def run(runner: CliRunner, store_dir: Path, *args: str, now: str = NOW) -> Any:
    result = runner.invoke(cli, ["--store", str(store_dir), "--now", now, "--actor", "test",
                                 *args], catch_exceptions=False, env={"IVPFLOW_TEMPLATES": None})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every document of the filled process drafted once in every format: key → format → path."""
    store_dir = tmp_path_factory.mktemp("rendered") / "store"
    runner = CliRunner()
    for command in SETUP:
        run(runner, store_dir, *command)
    found: dict[str, dict[str, Path]] = {}
    for document in DOCUMENTS:
        result = run(runner, store_dir, "draft", "not", document, "--format", "md",
                     "--format", "docx", "--format", "html")
        for line in result.stdout.splitlines():
            path = Path(line)
            key = re.sub(r"-v\d+$", "", path.stem)
            found.setdefault(key, {})[path.suffix[1:]] = path
    return found


@pytest.fixture
def filled(ivpflow: Invoke) -> str:
    """The filled Noordoost Twente process in the test's own store."""
    for command in SETUP:
        result = ivpflow(*command)
        assert result.exit_code == 0, result.output
    return "not"


def markdown(rendered: dict[str, dict[str, Path]], document: str) -> str:
    return rendered[DOCUMENTS[document]]["md"].read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def printed(result: Any) -> list[Path]:
    return [Path(line) for line in result.stdout.splitlines()]


# --------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize("document", DOCUMENTS, ids=list(DOCUMENTS))
def test_markdown_has_the_sections_of_its_format(rendered: dict[str, dict[str, Path]],
                                                 document: str) -> None:
    assert headings(markdown(rendered, document)) == HEADINGS[document]


@pytest.mark.parametrize("document", DOCUMENTS, ids=list(DOCUMENTS))
def test_markdown_carries_names_values_and_dutch_dates(rendered: dict[str, dict[str, Path]],
                                                       document: str) -> None:
    lines = markdown(rendered, document).splitlines()
    assert [line for line in LINES[document] if line not in lines] == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=list(DOCUMENTS))
def test_markdown_never_leaves_a_value_silently_out(rendered: dict[str, dict[str, Path]],
                                                    document: str) -> None:
    text = markdown(rendered, document)
    # None would print as "[in te vullen]"; what only a person can write names what it is.
    assert "None" not in text and "[in te vullen]" not in text
    assert "[in te vullen: " in text


def test_a_raadsvoorstel_per_gemeenteraad(ivpflow: Invoke, filled: str) -> None:
    paths = printed(ivpflow("draft", "not", "raadsvoorstel-ivp"))
    assert [p.name for p in paths] == [f"raadsvoorstel-ivp-{g}-v1.md" for g in
                                       ("losser", "dinkelland", "oldenzaal", "tubbergen")]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert [t.count("# Raadsbesluit") for t in texts] == [1, 1, 1, 1]
    assert "De raad van de gemeente Tubbergen;" in texts[3]
    assert "door de raad van Losser" not in texts[3]


def test_a_gemeente_without_its_values_gets_placeholders(ivpflow: Invoke, filled: str) -> None:
    path = printed(ivpflow("draft", "not", "raadsvoorstel-ivp-oldenzaal"))[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "| **Zaaknummer** | [in te vullen: zaaknummer] |" in lines
    assert ("| **Portefeuillehouder** | [in te vullen: portefeuillehouder van Oldenzaal (een "
            "van: J.B. Diepemaat, J.G.J. Joosten)] |") in lines


def test_without_a_document_the_current_phase_is_drafted(ivpflow: Invoke, filled: str) -> None:
    names = [p.name for p in printed(ivpflow("draft", "not"))]
    assert names == ["startnotitie-v1.md", "raadsinformatiebrief-losser-v1.md",
                     "raadsinformatiebrief-dinkelland-v1.md",
                     "raadsinformatiebrief-oldenzaal-v1.md",
                     "raadsinformatiebrief-tubbergen-v1.md",
                     "raadsvoorstel-verlenging-losser-v1.md"]


def test_all_drafts_every_document_of_the_process(ivpflow: Invoke, filled: str) -> None:
    names = [p.name for p in printed(ivpflow("draft", "not", "--all", "--format", "docx"))]
    # The documents of the definition with its 2027-2030 cycle, one per gemeente where so.
    assert len(names) == 29
    assert names[:2] == ["startnotitie-v1.docx", "raadsinformatiebrief-losser-v1.docx"]
    assert names[-1] == "raadsinformatiebrief-verantwoording-2029-tubbergen-v1.docx"
    assert len({name.rsplit("-v", 1)[0] for name in names}) == 29


def test_all_and_a_document_are_one_too_many(ivpflow: Invoke, filled: str) -> None:
    result = ivpflow("draft", "not", "ivp", "--all")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Name a DOCUMENT or give --all, not both.")


def test_a_process_without_municipalities_takes_the_gemeente_value(ivpflow: Invoke) -> None:
    ivpflow("start", VNG, "--id", "hb", "--start", "2026-01-05")
    ivpflow("set", "hb", "gemeente", "Haaksbergen")
    path = printed(ivpflow("draft", "hb", "raadsvoorstel"))[0]
    text = path.read_text(encoding="utf-8")
    assert path.name == "raadsvoorstel-v1.md"
    assert text.count("De raad van de gemeente Haaksbergen;") == 1


def test_an_unknown_document_names_the_documents_and_types(ivpflow: Invoke,
                                                           started: str) -> None:
    result = ivpflow("draft", "not", "begroting")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Process 'not' has no document 'begroting'; documents: startnotitie, "
        "raadsinformatiebrief, raadsvoorstel-verlenging-losser, veiligheidsanalyse, "
        "prioriteringsnotitie, ivp, raadsvoorstel-ivp-losser, raadsvoorstel-ivp-dinkelland, "
        "raadsvoorstel-ivp-oldenzaal, raadsvoorstel-ivp-tubbergen, uitvoeringsplan, "
        "uitvoeringsplan-2028, uitvoeringsplan-2029, uitvoeringsplan-2030, "
        "raadsinformatiebrief-verantwoording-2027, raadsinformatiebrief-verantwoording-2028, "
        "raadsinformatiebrief-verantwoording-2029; document types: startnotitie, "
        "raadsinformatiebrief, raadsvoorstel, collegevoorstel, "
        "uitnodiging-themabijeenkomst, veiligheidsanalyse, prioriteringsnotitie, ivp, "
        "uitvoeringsplan\n")


@pytest.mark.parametrize(("document", "kind"), [
    ("raadsvoorstel-ivp-losser", "raadsvoorstel"),
    ("raadsvoorstel-prioritering", "raadsvoorstel"),
    ("prioriteringsnotitie", "prioriteringsnotitie"),
    ("veiligheidsanalyse-rapportage", "veiligheidsanalyse"),
    ("uitnodiging-themabijeenkomst-2026", "uitnodiging-themabijeenkomst"),
    ("ivp", "ivp"),
    ("begroting", None),
], ids=["per-gemeente", "vng", "exact", "suffix", "long-prefix", "short", "none"])
def test_document_ids_map_to_types(document: str, kind: str | None) -> None:
    found = document_type(document)
    assert (found.name if found else None) == kind


# --------------------------------------------------------------------------- Word and HTML


@pytest.mark.parametrize("document", DOCUMENTS, ids=list(DOCUMENTS))
def test_word_has_the_headings_as_heading_styles(rendered: dict[str, dict[str, Path]],
                                                 document: str) -> None:
    word = docx.Document(str(rendered[DOCUMENTS[document]]["docx"]))
    found = [("#" * int(p.style.name.split()[-1])) + " " + p.text for p in word.paragraphs
             if p.style is not None and p.style.name.startswith("Heading")]
    assert found == HEADINGS[document]


@pytest.mark.parametrize("document", DOCUMENTS, ids=list(DOCUMENTS))
def test_word_has_the_tables_of_the_markdown(rendered: dict[str, dict[str, Path]],
                                             document: str) -> None:
    word = docx.Document(str(rendered[DOCUMENTS[document]]["docx"]))
    tables = [b for b in parse_markdown(markdown(rendered, document)) if b["kind"] == "table"]
    assert [len(t.rows) for t in word.tables] == [
        len(t["rows"]) + (1 if t["header"] else 0) for t in tables]


def test_word_planning_table_has_dutch_dates(rendered: dict[str, dict[str, Path]]) -> None:
    word = docx.Document(str(rendered["raadsvoorstel-ivp-losser"]["docx"]))
    vervolg = next(t for t in word.tables if t.rows[0].cells[0].text == "Wanneer")
    rows = [[c.text for c in row.cells] for row in vervolg.rows[1:]]
    assert rows[:2] == [
        ["December 2026",
         "Vaststelling uitvoeringsplan 2027 (college Losser en gezagsdriehoek NOT)"],
        ["Januari 2027-april 2030", "Looptijd 2027-2030"]]


def test_a_raadsvoorstel_leaves_its_own_decisions_out_of_its_vervolg(
        rendered: dict[str, dict[str, Path]]) -> None:
    text = markdown(rendered, "raadsvoorstel-ivp-losser")
    vervolg = text.split("## Vervolg")[1].split("## Bijlagen")[0]
    assert "Vaststelling IVP" not in vervolg and "aanbieden" not in vervolg


def test_no_outcome_code_appears_in_a_document(rendered: dict[str, dict[str, Path]]) -> None:
    codes = [(name, line) for name, formats in rendered.items()
             for line in formats["md"].read_text(encoding="utf-8").splitlines()
             if "gewijzigd-vastgesteld" in line or "(vastgesteld)" in line
             and "raadscommissie" in line]
    assert codes == []


def test_word_properties_are_dutch_with_the_title(rendered: dict[str, dict[str, Path]]) -> None:
    props = docx.Document(str(rendered["ivp"]["docx"])).core_properties
    assert (props.title, props.language, props.author) == (
        "Integraal Veiligheidsplan Noordoost Twente 2027-2030", "nl-NL", "ivpflow")


def test_word_footer_numbers_the_pages(rendered: dict[str, dict[str, Path]]) -> None:
    footer = docx.Document(str(rendered["ivp"]["docx"])).sections[0].footer.paragraphs[0]
    fields = [node.text.strip() for node in footer._p.iter() if node.tag.endswith("instrText")]
    assert (footer.text, fields) == ("Pagina 1 van 1", ["PAGE", "NUMPAGES"])


def test_word_file_has_no_timestamps(rendered: dict[str, dict[str, Path]]) -> None:
    # Without them, unchanged data gives the same bytes, so no new version.
    with zipfile.ZipFile(rendered["ivp"]["docx"]) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        core = archive.read("docProps/core.xml").decode()
    assert stamps == {(1980, 1, 1, 0, 0, 0)}
    assert "dcterms:created" not in core and "dcterms:modified" not in core


def test_word_marks_placeholders(rendered: dict[str, dict[str, Path]]) -> None:
    word = docx.Document(str(rendered["ivp"]["docx"]))
    marked = [r.text for p in word.paragraphs for r in p.runs if r.font.highlight_color]
    assert marked[0] == "[in te vullen: voorwoord van de portefeuillehouder(s)]"


def test_word_starts_the_raadsbesluit_on_a_new_page(rendered: dict[str, dict[str, Path]]) -> None:
    word = docx.Document(str(rendered["raadsvoorstel-ivp-losser"]["docx"]))
    index = next(i for i, p in enumerate(word.paragraphs) if p.text == "Raadsbesluit")
    assert 'w:type="page"' in word.paragraphs[index - 1]._p.xml


def test_html_is_a_page_with_the_headings(rendered: dict[str, dict[str, Path]]) -> None:
    html = rendered["ivp"]["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"nl-NL\">")
    assert "<h1>Integraal Veiligheidsplan Noordoost Twente 2027-2030</h1>" in html
    assert "<mark>[in te vullen: voorwoord van de portefeuillehouder(s)]</mark>" in html


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_word_draft_converts_to_pdf_with_libreoffice(rendered: dict[str, dict[str, Path]],
                                                     tmp_path: Path) -> None:
    program = soffice()
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, and CI is set")
        pytest.skip("LibreOffice (soffice) is not installed")
    source = rendered["raadsvoorstel-ivp-losser"]["docx"]
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([program, f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=240, check=False)
    pdf = tmp_path / (source.stem + ".pdf")
    assert (done.returncode, pdf.exists()) == (0, True), done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3  # the Raadsbesluit starts a page


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(("value", "escaped"), [
    ("A & B", "A & B"),
    ("R&amp;D", "R\\&amp;D"),
    ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
    ("a | b", "a \\| b"),
    ("regel 1\nregel 2\n\n\nregel 3", "regel 1<br>regel 2<br><br>regel 3"),
    ("**geen vet**", "\\*\\*geen vet\\*\\*"),
    ("# geen kop", "\\# geen kop"),
    ("1. geen lijst", "1\\. geen lijst"),
    ("- geen lijst", "\\- geen lijst"),
    ("[in te vullen: x]", "\\[in te vullen: x\\]"),
    ('"aanhalingstekens"', '"aanhalingstekens"'),
], ids=["ampersand", "entity", "tag", "pipe", "line-breaks", "bold", "heading", "ordered",
        "bullet", "placeholder-lookalike", "quotes"])
def test_markdown_escape(value: str, escaped: str) -> None:
    assert markdown_escape(value) == escaped


@pytest.mark.parametrize("value", [
    "A & B <c> | d", "regel 1\nregel 2", "\\ en * en _ en `", "[in te vullen: x]", "€ 5.000",
], ids=["specials", "line-break", "markers", "placeholder-lookalike", "euro"])
def test_escaped_text_reads_back_as_it_was(value: str) -> None:
    runs = inline(markdown_escape(value))
    assert plain_text(runs) == value
    assert not any(run["placeholder"] or run["bold"] or run["italic"] for run in runs)


@pytest.fixture
def awkward(ivpflow: Invoke, filled: str) -> str:
    """Data with &, <, quotes, pipes and line breaks in it."""
    ivpflow("priority", "add", "not", "samen", "--veld", "1", "--theme", "Woonoverlast",
            "--title", 'Wonen & <samen> "veilig"')
    ivpflow("action", "add", "not", "buurt", "--priority", "samen", "--title",
            "Preventie | handhaving", "--doelstelling", "regel 1\nregel 2")
    return "not"


def test_awkward_data_stays_whole_in_markdown_tables(ivpflow: Invoke, awkward: str) -> None:
    path = printed(ivpflow("draft", "not", "uitvoeringsplan"))[0]
    blocks = parse_markdown(path.read_text(encoding="utf-8"))
    card = next(b for b in blocks if b["kind"] == "table" and b["header"]
                and plain_text(b["header"][1]) == "Preventie | handhaving")
    assert [[plain_text(c) for c in row] for row in card["rows"][:1]] == [
        ["Doelstelling", "regel 1\nregel 2"]]


def test_awkward_data_stays_whole_in_word(ivpflow: Invoke, awkward: str) -> None:
    path = printed(ivpflow("draft", "not", "uitvoeringsplan", "--format", "docx"))[0]
    word = docx.Document(str(path))
    texts = [p.text for p in word.paragraphs]
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert '4 Wonen & <samen> "veilig"' in texts
    assert "regel 1\nregel 2" in cells


def test_awkward_data_is_escaped_in_html(ivpflow: Invoke, awkward: str) -> None:
    path = printed(ivpflow("draft", "not", "uitvoeringsplan", "--format", "html"))[0]
    html = path.read_text(encoding="utf-8")
    assert "<h2>4 Wonen &amp; &lt;samen&gt; &#34;veilig&#34;</h2>" in html
    assert "<td>regel 1<br>regel 2</td>" in html


# --------------------------------------------------------------------------- own templates


@pytest.mark.parametrize(("text", "cause"), [
    ("# IVP\n{{ ''.__class__.__mro__ }}\n", "2: access to attribute '__class__' of 'str' "
                                            "object is unsafe."),
    ("# IVP\n\n{{ onbekend }}\n", "3: 'onbekend' is undefined"),
    ("# IVP\n{% for %}\n", "2: Expected an expression, got 'end of statement block'"),
], ids=["sandbox-escape", "missing-variable", "syntax"])
def test_own_template_errors_are_one_line_with_template_and_line(
        ivpflow: Invoke, started: str, own_templates: Path, text: str, cause: str) -> None:
    template = own_templates / "documents" / "ivp.md.j2"
    template.write_text(text, encoding="utf-8")
    result = ivpflow("draft", "not", "ivp")
    assert result.exit_code == 1
    assert result.stderr == f"Error: Template {template}:{cause}\n"


def test_own_template_for_one_document_id(ivpflow: Invoke, started: str,
                                          own_templates: Path) -> None:
    (own_templates / "documents" / "raadsvoorstel-ivp-losser.md.j2").write_text(
        "# Eigen raadsvoorstel {{ gemeente }}\n", encoding="utf-8")
    path = printed(ivpflow("draft", "not", "raadsvoorstel-ivp-losser"))[0]
    listed = json.loads(ivpflow("templates", "--json").stdout)
    assert path.read_text(encoding="utf-8") == "# Eigen raadsvoorstel Losser\n"
    assert {"name": "documents/raadsvoorstel-ivp-losser.md.j2", "origin": "override",
            "kind": "documents",
            "path": str(own_templates / "documents" / "raadsvoorstel-ivp-losser.md.j2")} in listed


def test_templates_lists_every_document_type_as_shipped(ivpflow: Invoke) -> None:
    listed = json.loads(ivpflow("templates", "--json").stdout)
    documents = {r["name"] for r in listed
                 if r["kind"] == "documents" and r["origin"] == "shipped"}
    assert documents == {f"documents/{kind}.md.j2" for kind in DOCUMENT_TYPES} | {
        "documents/document.html.j2"}


# --------------------------------------------------------------------------- versions


def test_the_same_data_writes_no_new_version(ivpflow: Invoke, filled: str, store: Store) -> None:
    first = ivpflow("draft", "not", "ivp", "--format", "md", "--format", "docx").stdout
    again = ivpflow("draft", "not", "ivp", "--format", "md", "--format", "docx",
                    now="2026-03-09T09:00").stdout
    assert again == first
    assert [(v["format"], v["version"]) for v in draft_versions(store, "not")] == [
        ("md", 1), ("docx", 1)]


def test_changed_data_writes_version_2_and_keeps_version_1(ivpflow: Invoke, filled: str,
                                                           store: Store) -> None:
    first = printed(ivpflow("draft", "not", "ivp"))[0]
    before = first.read_text(encoding="utf-8")
    ivpflow("indicator", "add", "not", "meldingen", "--priority", "ondermijning", "--title",
            "Meldingen ondermijning")
    second = printed(ivpflow("draft", "not", "ivp"))[0]
    assert (first.name, second.name) == ("ivp-v1.md", "ivp-v2.md")
    assert first.read_text(encoding="utf-8") == before
    assert "| Meldingen ondermijning |" in second.read_text(encoding="utf-8")
    assert [v["version"] for v in draft_versions(store, "not")] == [1, 2]


def test_a_version_is_recorded_with_path_hash_and_reason(ivpflow: Invoke, filled: str,
                                                          store: Store, store_dir: Path) -> None:
    path = printed(ivpflow("draft", "not", "startnotitie"))[0]
    [version] = draft_versions(store, "not")
    assert (version["path"], version["reason"]) == ("drafts/not/startnotitie-v1.md",
                                                    "on demand")
    assert version["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert path == store_dir / version["path"]


def test_drafting_is_in_the_history(ivpflow: Invoke, filled: str) -> None:
    ivpflow("draft", "not", "startnotitie", "--format", "docx")
    last = json.loads(ivpflow("history", "not", "--json").stdout)[-1]
    assert (last["event"], last["item"], last["note"]) == ("drafted", "startnotitie",
                                                           "docx versie 1 (on demand)")


def test_out_writes_a_copy_named_by_the_document(ivpflow: Invoke, filled: str,
                                                 tmp_path: Path) -> None:
    result = ivpflow("draft", "not", "ivp", "--format", "html", "--out", str(tmp_path / "uit"))
    assert result.stdout == f"{tmp_path / 'uit' / 'ivp.html'}\n"
    assert (tmp_path / "uit" / "ivp.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")


# --------------------------------------------------------------------------- due drafts


@pytest.fixture
def due_store(started: str, store: Store) -> Iterator[Store]:
    yield store


@pytest.mark.parametrize(("moment", "expected"), [
    ("2025-10-16T23:00", []),
    ("2025-10-17T08:00", [DueDraft("not", "startnotitie", date(2025, 10, 31),
                                   date(2025, 10, 17))]),
    ("2025-11-14T08:00", [DueDraft("not", "startnotitie", date(2025, 10, 31),
                                   date(2025, 10, 17)),
                          DueDraft("not", "raadsinformatiebrief", date(2025, 11, 28),
                                   date(2025, 11, 14)),
                          DueDraft("not", "raadsvoorstel-verlenging-losser",
                                   date(2025, 11, 28), date(2025, 11, 14))]),
], ids=["day-before", "ten-working-days-before", "overdue-and-new"])
def test_due_drafts_from_ten_working_days_before_the_deadline(due_store: Store, moment: str,
                                                              expected: list[DueDraft]) -> None:
    assert DRAFT_LEAD_WORKING_DAYS == 10
    assert due_drafts(due_store, parse_moment(moment)) == expected


def test_a_done_document_is_no_longer_due(ivpflow: Invoke, due_store: Store) -> None:
    ivpflow("done", "not", "startnotitie", "--force", now="2025-10-20T09:00")
    assert due_drafts(due_store, parse_moment("2025-10-20T10:00")) == []


def test_render_due_drafts_writes_once(due_store: Store, store_dir: Path) -> None:
    moment = parse_moment("2025-11-14T08:00")
    written = render_due_drafts(due_store, moment, store_dir).written
    assert sorted(p.name for p in written) == sorted(
        [f"{key}-v1.{fmt}" for key in ["startnotitie", "raadsvoorstel-verlenging-losser",
                                       *(f"raadsinformatiebrief-{g}" for g in
                                         ("losser", "dinkelland", "oldenzaal", "tubbergen"))]
         for fmt in ("md", "docx")])
    assert render_due_drafts(due_store, moment, store_dir).written == []
    assert {v["reason"] for v in draft_versions(due_store, "not")} == {"due"}


def test_two_ticks_without_a_change_render_once(due_store: Store, store_dir: Path) -> None:
    first = render_due_drafts(due_store, parse_moment("2026-03-02T10:00"), store_dir)
    second = render_due_drafts(due_store, parse_moment("2026-03-02T10:15"), store_dir)
    assert (len(first.written), second.written, second.unchanged) == (12, [], [])


def test_a_changed_template_renders_its_own_drafts_again(due_store: Store, store_dir: Path,
                                                         own_templates: Path) -> None:
    render_due_drafts(due_store, parse_moment("2026-03-02T10:00"), store_dir)
    (own_templates / "documents" / "startnotitie.md.j2").write_text("# Anders\n")
    run = render_due_drafts(due_store, parse_moment("2026-03-02T10:15"), store_dir)
    assert sorted(p.name for p in run.written) == ["startnotitie-v2.docx", "startnotitie-v2.md"]
    assert len(run.unchanged) == 10  # the other drafts: their Markdown is what it was
    # Found unchanged once, they are passed over until something changes again.
    assert render_due_drafts(due_store, parse_moment("2026-03-02T10:30"), store_dir).unchanged \
        == []


def test_due_drafts_are_rendered_again_after_a_change(ivpflow: Invoke, due_store: Store,
                                                      store_dir: Path) -> None:
    render_due_drafts(due_store, parse_moment("2026-03-02T10:00"), store_dir)
    ivpflow("set", "not", "team", "Veiligheid", now="2026-03-02T10:05")
    run = render_due_drafts(due_store, parse_moment("2026-03-02T10:15"), store_dir)
    # Only the raadsvoorstel shows the team: only it is rendered again, as a new version.
    assert sorted(p.name for p in run.written) == ["raadsvoorstel-verlenging-losser-v2.docx",
                                                   "raadsvoorstel-verlenging-losser-v2.md"]
    assert len(run.unchanged) == 10


def test_tick_says_which_due_drafts_it_did_not_render_again(ivpflow: Invoke, started: str,
                                                             store_dir: Path) -> None:
    ivpflow("tick", now="2026-03-02T10:00")
    ivpflow("set", "not", "team", "Veiligheid", now="2026-03-02T10:05")
    lines = ivpflow("tick", now="2026-03-02T10:15").stdout.splitlines()
    kept = store_dir / "drafts" / "not"
    assert f"  drafted {kept / 'raadsvoorstel-verlenging-losser-v2.md'}" in lines
    assert f"  {kept / 'startnotitie-v1.docx'}: unchanged, not rendered again" in lines
    assert ivpflow("tick", now="2026-03-02T10:30").stdout.count("not rendered again") == 0


def test_draft_says_which_drafts_are_unchanged(ivpflow: Invoke, filled: str) -> None:
    first = ivpflow("draft", "not", "ivp", "--format", "docx")
    again = ivpflow("draft", "not", "ivp", "--format", "docx")
    assert (again.exit_code, again.stdout) == (0, first.stdout)
    assert again.stderr == "Unchanged, not rendered again: ivp-v1.docx\n"
    ivpflow("set", "not", "dekking", "Uit het budget IVP.")
    assert ivpflow("draft", "not", "ivp", "--format", "docx").stdout.endswith("ivp-v2.docx\n")


# --------------------------------------------------------------------------- prose


@pytest.mark.parametrize(("first", "last", "text"), [
    (date(2026, 6, 5), date(2026, 6, 30), "Juni 2026"),
    (date(2026, 10, 9), date(2026, 11, 24), "Oktober/november 2026"),
    (date(2026, 7, 1), date(2026, 9, 30), "Juli-september 2026"),
    (date(2026, 12, 1), date(2027, 1, 31), "December 2026-januari 2027"),
], ids=["one-month", "two-months", "months", "across-years"])
def test_a_vervolg_row_names_its_months(first: date, last: date, text: str) -> None:
    assert month_span(first, last) == text


@pytest.mark.parametrize(("body", "outcome", "prose"), [
    ("raadscommissie Losser", "vastgesteld", "positief advies"),
    ("raadscommissie Losser", "gewijzigd-vastgesteld", "positief advies met wijzigingen"),
    ("raadscommissie Losser", "verworpen", "negatief advies"),
    ("gemeenteraad Losser", "gewijzigd-vastgesteld", "gewijzigd vastgesteld"),
    ("college Losser", "aangehouden", "aangehouden"),
], ids=["advice", "advice-amended", "advice-negative", "raad-amended", "college-held"])
def test_a_commissie_advises_and_the_others_decide(body: str, outcome: str, prose: str) -> None:
    assert (ADVICE if advising(body) else VERDICT)[outcome] == prose


# --------------------------------------------------------------------------- meetings

TWO_DECISIONS = """\
id: twee-besluiten
title: IVP Haaksbergen 2027-2030
roles:
  coordinator: Coördinator
  griffie: Griffie
phases:
  - id: ivp
    title: Opstellen IVP
    due: 2026-11
    decisions:
      - id: ivp-raad
        title: IVP vastgesteld door de gemeenteraad
        body: gemeenteraad
        role: griffie
        document: raadsvoorstel-ivp
        due: 2026-11
        beslispunten:
          - het Integraal Veiligheidsplan 2027-2030 vast te stellen
      - id: prioriteiten-raad
        title: Prioriteiten vastgesteld door de gemeenteraad
        body: gemeenteraad
        role: griffie
        document: raadsvoorstel-ivp
        due: 2026-11
        beslispunten:
          - de prioriteiten voor 2027-2030 vast te stellen
    documents:
      - id: raadsvoorstel-ivp
        title: Raadsvoorstel IVP 2027-2030
        role: coordinator
        due: 2026-10-02
  - id: klaar
    title: Klaar
    final: true
"""


def test_one_meeting_takes_one_besluit_with_every_beslispunt(
        ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "twee.yaml").write_text(TWO_DECISIONS, encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(tmp_path / "twee.yaml"))
    ivpflow("start", "twee-besluiten", "--id", "hb", "--start", "2026-09-01")
    ivpflow("set", "hb", "gemeente", "Haaksbergen")
    ivpflow("meeting", "add", "hb", "gemeenteraad", "2026-11-24")
    text = printed(ivpflow("draft", "hb", "raadsvoorstel-ivp"))[0].read_text(encoding="utf-8")
    assert text.count("# Raadsbesluit") == 1
    besluit = text.split("# Raadsbesluit")[1]
    assert "1. het Integraal Veiligheidsplan 2027-2030 vast te stellen;" in besluit
    assert "2. de prioriteiten voor 2027-2030 vast te stellen." in besluit
    assert "Aldus besloten in de openbare vergadering van 24 november 2026." in besluit


def test_the_raadsbesluit_is_dated_on_the_meeting_of_the_plan(ivpflow: Invoke,
                                                              filled: str) -> None:
    # An earlier meeting after the voorstel is ready: the plan keeps the last one before the
    # deadline, and so does the draft.
    ivpflow("meeting", "add", filled, "gemeenteraad Losser", "2026-11-10")
    plan = json.loads(ivpflow("plan", filled, "--json").stdout)
    meeting = next(r["meeting"] for r in plan if r["id"] == "vaststelling-ivp-losser")
    text = printed(ivpflow("draft", filled, "raadsvoorstel-ivp-losser"))[0].read_text(
        encoding="utf-8")
    assert meeting == "2026-11-24"
    assert "Aldus besloten in de openbare vergadering van 24 november 2026." in text


OCCASIONS = """\
id: brieven
title: IVP Haaksbergen 2027-2030
roles:
  coordinator: Coördinator
phases:
  - id: opstart
    title: Opstart
    due: 2026-03
    documents:
      - {id: raadsinformatiebrief, title: Raadsinformatiebrief proces en tijdspad,
         role: coordinator, due: 2026-02}
  - id: uitvoeringsplan
    title: Uitvoeringsplan
    due: 2026-12
    decisions:
      - {id: uitvoeringsplan-college, title: Vaststelling uitvoeringsplan 2027, body: college,
         role: coordinator, document: uitvoeringsplan, due: 2026-12-08}
    documents:
      - {id: uitvoeringsplan, title: Uitvoeringsplan 2027, role: coordinator, due: 2026-12-01}
      - {id: raadsinformatiebrief-uitvoeringsplan-2027,
         title: Raadsinformatiebrief uitvoeringsplan 2027, role: coordinator, due: 2026-12-15}
      - {id: raadsinformatiebrief-verantwoording-2027,
         title: Raadsinformatiebrief verantwoording 2027, role: coordinator, due: 2026-12-22}
  - {id: klaar, title: Klaar, final: true}
"""


@pytest.fixture
def letters(ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    (tmp_path / "brieven.yaml").write_text(OCCASIONS, encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(tmp_path / "brieven.yaml"))
    for command in (("start", "brieven", "--id", "hb", "--start", "2026-01-05"),
                    ("set", "hb", "gemeente", "Haaksbergen"),
                    ("priority", "add", "hb", "jeugd", "--veld", "3", "--theme",
                     "Jeugdcriminaliteit", "--title", "Jeugd en veiligheid"),
                    ("action", "add", "hb", "school", "--title", "Convenant Veilige school",
                     "--priority", "jeugd", "--trekker", "Team Veiligheid",
                     "--termijn", "2027-06-30"),
                    ):
        result = ivpflow(*command)
        assert result.exit_code == 0, result.output
    result = ivpflow("decide", "hb", "uitvoeringsplan-college", "--outcome", "vastgesteld",
                     now="2026-12-08")
    assert result.exit_code == 0, result.output
    return ivpflow


def _letter(ivpflow: Invoke, document: str) -> str:
    return printed(ivpflow("draft", "hb", document))[0].read_text(encoding="utf-8")


def test_the_uitvoeringsplan_letter_offers_the_plan_ter_kennisname(letters: Invoke) -> None:
    text = _letter(letters, "raadsinformatiebrief-uitvoeringsplan-2027")
    assert "| **Onderwerp** | Uitvoeringsplan 2027 |" in text
    assert ("Op 8 december 2026 hebben wij het uitvoeringsplan 2027 vastgesteld. Daarin staat "
            "wat wij en onze partners in 2027 doen om de prioriteiten van het IVP Haaksbergen "
            "2027-2030 te bereiken: Jeugd en veiligheid.") in text
    assert "| Convenant Veilige school | Jeugd en veiligheid | Team Veiligheid | 30 juni 2027 |" \
        in text
    assert "De planning ziet er als volgt uit:" not in text


def test_the_verantwoording_letter_shows_the_indicators(letters: Invoke) -> None:
    added = letters("indicator", "add", "hb", "overlast", "--title", "Overlast jeugd",
                    "--priority", "jeugd", "--baseline", "45", "--baseline-year", "2025",
                    "--target", "40", now="2026-12-09")
    assert added.exit_code == 0, added.output
    text = _letter(letters, "raadsinformatiebrief-verantwoording-2027")
    assert "verantwoording af over de uitvoering van het IVP Haaksbergen 2027-2030 in 2027" \
        in text
    assert "| Overlast jeugd | 45 (2025) | [in te vullen: stand] | 40 |" in text


def test_the_first_letter_is_about_the_process_and_its_tijdspad(letters: Invoke) -> None:
    text = _letter(letters, "raadsinformatiebrief")
    assert "De planning ziet er als volgt uit:" in text
    assert "uitvoeringsplan 2027 vastgesteld" not in text
