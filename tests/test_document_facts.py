"""Per-document facts (`set --document`) and beslispunten in the definition: each voorstel,
brief and besluit carries its own numbers, and a raadsvoorstel numbers what it asks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest

from ivpflow.workflow.loader import find_definition

from .conftest import NOT, Invoke

VERLENGING = "raadsvoorstel-verlenging-losser"
IVP_LOSSER = "raadsvoorstel-ivp-losser"
BESLISPUNTEN = [
    "1. het huidige Integrale Veiligheidsbeleid te verlengen voor de jaren 2025 en 2026;",
    "2. de vaststelling van de gezagsdriehoek NOT van twee gezamenlijke prioriteiten, jeugd en "
    "veiligheid en ondermijning, te ondersteunen."]


def ok(ivpflow: Invoke, *args: str) -> str:
    result = ivpflow(*args)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def drafted(ivpflow: Invoke, document: str, *formats: str) -> list[Path]:
    """The paths of a fresh draft of one document of 'not'."""
    args = [arg for f in formats or ("md",) for arg in ("--format", f)]
    return [Path(line) for line in ok(ivpflow, "draft", "not", document, *args).splitlines()]


def header(ivpflow: Invoke, document: str, key: str | None = None) -> dict[str, str]:
    """The Zaaknummer, Documentnummer, … rows of a draft's header table (of the draft `key`
    where the document has one per gemeente)."""
    path = next(p for p in drafted(ivpflow, document)
                if re.sub(r"-v\d+$", "", p.stem) == (key or document))
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r"^\| \*\*(\w+)\*\* \| (.*) \|$", text, re.MULTILINE))


# --------------------------------------------------------------------------- set --document


def test_two_voorstellen_of_one_gemeente_carry_their_own_numbers(ivpflow: Invoke,
                                                                  started: str) -> None:
    ok(ivpflow, "set", "not", "zaaknummer", "25Z00346", "--document", VERLENGING)
    ok(ivpflow, "set", "not", "documentnummer", "25.0010238", "--document", VERLENGING)
    ok(ivpflow, "set", "not", "zaaknummer", "26Z00112", "--document", IVP_LOSSER)
    ok(ivpflow, "set", "not", "documentnummer", "26.0004711", "--document", IVP_LOSSER)
    first, second = header(ivpflow, VERLENGING), header(ivpflow, IVP_LOSSER)
    assert (first["Zaaknummer"], first["Documentnummer"]) == ("25Z00346", "25.0010238")
    assert (second["Zaaknummer"], second["Documentnummer"]) == ("26Z00112", "26.0004711")


@pytest.mark.parametrize(("scopes", "expected"), [
    (["process", "gemeente", "document", "both"], "both"),
    (["process", "gemeente", "document"], "document"),
    (["process", "gemeente"], "gemeente"),
    (["process"], "process"),
    ([], "[in te vullen: zaaknummer]"),
], ids=["document-and-gemeente", "document", "gemeente", "process", "none"])
def test_a_document_takes_the_narrowest_value_set(ivpflow: Invoke, started: str,
                                                  scopes: list[str], expected: str) -> None:
    options = {"process": [], "gemeente": ["--municipality", "Losser"],
               "document": ["--document", "raadsinformatiebrief"],
               "both": ["--document", "raadsinformatiebrief", "--municipality", "Losser"]}
    for scope in reversed(scopes):  # the narrowest first: the order of setting is no cause
        ok(ivpflow, "set", "not", "zaaknummer", scope, *options[scope])
    ok(ivpflow, "set", "not", "zaaknummer", "other", "--document", "raadsinformatiebrief",
       "--municipality", "Dinkelland")
    assert header(ivpflow, "raadsinformatiebrief",
                  "raadsinformatiebrief-losser")["Zaaknummer"] == expected


def test_set_refuses_an_unknown_document_in_one_line_and_writes_nothing(
        ivpflow: Invoke, started: str) -> None:
    before = ok(ivpflow, "history", "not", "--json")
    result = ivpflow("set", "not", "zaaknummer", "1", "--document", "raadsvoorstel-verlenging")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: 'not' has no document or decision "
                                    "'raadsvoorstel-verlenging'; did you mean "
                                    "'raadsvoorstel-verlenging-losser'? documents: startnotitie, ")
    assert ok(ivpflow, "history", "not", "--json") == before
    assert json.loads(ok(ivpflow, "values", "not", "--json")) == []


def test_set_refuses_a_process_wide_key_for_one_document(ivpflow: Invoke,
                                                         started: str) -> None:
    result = ivpflow("set", "not", "team", "Veiligheid", "--document", VERLENGING)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Value 'team' is one for the whole process or a gemeente, not one document; "
        "per document: zaaknummer, documentnummer, datum, onderwerp, bijlagen, dekking, "
        "grondslag, inleiding\n")


def test_values_shows_what_each_value_applies_to(ivpflow: Invoke, started: str) -> None:
    ok(ivpflow, "set", "not", "dekking", "Binnen de begroting.")
    ok(ivpflow, "set", "not", "zaaknummer", "25Z00346", "--municipality", "Losser")
    ok(ivpflow, "set", "not", "zaaknummer", "26Z1", "--document", "raadsinformatiebrief",
       "--municipality", "Losser")
    assert ok(ivpflow, "set", "not", "documentnummer", "25.1", "--document",
              VERLENGING) == f"not: documentnummer#{VERLENGING} = 25.1\n"
    rows = json.loads(ok(ivpflow, "values", "not", "--json"))
    assert [(r["key"], r["document"], r["municipality"], r["scope"], r["stored_key"])
            for r in rows] == [
        ("dekking", None, None, "proces", "dekking"),
        ("documentnummer", VERLENGING, None, f"document {VERLENGING}",
         f"documentnummer#{VERLENGING}"),
        ("zaaknummer", "raadsinformatiebrief", "Losser",
         "document raadsinformatiebrief, gemeente Losser",
         "zaaknummer#raadsinformatiebrief@Losser"),
        ("zaaknummer", None, "Losser", "gemeente Losser", "zaaknummer@Losser")]
    lines = ok(ivpflow, "values", "not").splitlines()
    assert lines[0].split() == ["key", "applies", "to", "value", "meaning"]
    assert re.match(r"^zaaknummer +document raadsinformatiebrief, gemeente Losser +26Z1 ",
                    lines[3])


def test_unset_removes_only_the_documents_value(ivpflow: Invoke, started: str) -> None:
    ok(ivpflow, "set", "not", "zaaknummer", "25Z00346", "--municipality", "Losser")
    ok(ivpflow, "set", "not", "zaaknummer", "25Z9", "--document", VERLENGING)
    assert ok(ivpflow, "set", "not", "zaaknummer", "--unset", "--document",
              VERLENGING) == f"not: zaaknummer#{VERLENGING} removed\n"
    assert header(ivpflow, VERLENGING)["Zaaknummer"] == "25Z00346"


def test_document_texts_replace_the_defaults(ivpflow: Invoke, started: str) -> None:
    for key, value in (("onderwerp", "Verlengen IVP"), ("datum", "2025-11-18"),
                       ("inleiding", "Het huidige IVP loopt medio 2025 af."),
                       ("bijlagen", "Raadsinformatiebrief 11 februari 2025\nTijdspad IVP NOT"),
                       ("grondslag", "artikel 38b van de Politiewet en artikel 172 Gemeentewet")):
        ok(ivpflow, "set", "not", key, value, "--document", VERLENGING)
    text = drafted(ivpflow, VERLENGING)[0].read_text(encoding="utf-8")
    assert "| **Onderwerp** | Verlengen IVP |" in text
    assert "| **Datum** | 18 november 2025 |" in text
    assert "\nHet huidige IVP loopt medio 2025 af.\n" in text
    assert "- Raadsinformatiebrief 11 februari 2025\n- Tijdspad IVP NOT\n" in text
    assert "gelet op artikel 38b van de Politiewet en artikel 172 Gemeentewet;" in text


def test_a_decision_gives_its_raadsbesluit_a_documentnummer(ivpflow: Invoke,
                                                           started: str) -> None:
    ok(ivpflow, "set", "not", "documentnummer", "25.0010238", "--document", VERLENGING)
    ok(ivpflow, "set", "not", "documentnummer", "25.0010999", "--document",
       "verlenging-ivp-losser")
    text = drafted(ivpflow, VERLENGING)[0].read_text(encoding="utf-8")
    voorstel, besluit = text.split("# Raadsbesluit")
    assert "| **Documentnummer** | 25.0010238 |" in voorstel
    assert besluit.startswith("\n\nDocumentnummer: 25.0010999\n")


# --------------------------------------------------------------------------- beslispunten


def test_beslispunten_are_numbered_with_semicolons_and_a_full_stop(ivpflow: Invoke,
                                                                   started: str) -> None:
    lines = drafted(ivpflow, VERLENGING)[0].read_text(encoding="utf-8").splitlines()
    start = lines.index("Wij stellen u voor te besluiten om:")
    assert lines[start + 2:start + 4] == BESLISPUNTEN
    besluit = lines.index("besluit:")
    assert lines[besluit + 2:besluit + 4] == BESLISPUNTEN


def test_beslispunten_in_word_are_numbered_paragraphs(ivpflow: Invoke, started: str) -> None:
    path = next(p for p in drafted(ivpflow, VERLENGING, "docx") if p.suffix == ".docx")
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    start = texts.index("Wij stellen u voor te besluiten om:")
    assert texts[start + 1:start + 3] == [b.replace(". ", ".\t", 1) for b in BESLISPUNTEN]


def without_beslispunten(tmp_path: Path) -> Path:
    source = Path(find_definition(NOT).path).read_text(encoding="utf-8")
    cut = re.sub(r"\n        beslispunten:\n(?:          .*\n|            .*\n)+", "\n", source)
    assert cut != source
    path = tmp_path / "zonder.yaml"
    path.write_text(cut.replace(f"id: {NOT}", "id: zonder"), encoding="utf-8")
    return path


def test_without_beslispunten_the_draft_marks_one_to_fill_in(ivpflow: Invoke,
                                                            tmp_path: Path) -> None:
    ok(ivpflow, "start", str(without_beslispunten(tmp_path)), "--id", "not")
    lines = drafted(ivpflow, VERLENGING)[0].read_text(encoding="utf-8").splitlines()
    start = lines.index("Wij stellen u voor te besluiten om:")
    assert lines[start + 2:start + 4] == ["1. [in te vullen: beslispunt]", ""]


def test_check_refuses_a_beslispunt_that_is_no_infinitive_clause(ivpflow: Invoke,
                                                                tmp_path: Path) -> None:
    source = Path(find_definition(NOT).path).read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace("het huidige Integrale Veiligheidsbeleid te verlengen voor "
                                  "de jaren 2025 en 2026",
                                  "verlengen huidig IVP Losser voor 2025 en 2026;"),
                   encoding="utf-8")
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1)
                if "- verlengen huidig IVP Losser" in text)
    result = ivpflow("check", str(bad))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{bad}:{line}: beslispunt 'verlengen huidig IVP Losser voor 2025 en 2026' of decision "
        "'verlenging-ivp-losser' is not an "
        "infinitive clause (\"… te <werkwoord>\")\n")


@pytest.mark.parametrize(("entry", "message"), [
    ('""', "beslispunt 1 of decision 'd' must be a non-empty text"),
    ("42", "beslispunt 1 of decision 'd' must be a non-empty text"),
], ids=["empty", "number"])
def test_check_refuses_a_beslispunt_that_is_no_text(ivpflow: Invoke, tmp_path: Path,
                                                    entry: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nroles: {griffie: Griffie}\nphases:\n"
                   "  - id: een\n    title: Een\n    decisions:\n"
                   "      - id: d\n        title: Besluit\n        body: gemeenteraad\n"
                   "        role: griffie\n"
                   f"        beslispunten:\n          - {entry}\n"
                   "  - {id: eind, title: Eind, final: true}\n", encoding="utf-8")
    result = ivpflow("check", str(bad))
    assert result.exit_code == 1
    assert result.stdout == f"{bad}:13: {message}\n"
