"""Priorities shared by every gemeente of a joint IVP and each gemeente's own (the 'couleur
locale' of seed 000): added and listed through the CLI, and shown in the drafts, the shared
ones first and then per gemeente its local ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import Invoke, read

LOCAL_PROCESS = """\
id: lokaal
title: IVP Losser en Oldenzaal 2027-2030
period: 2027-2030
municipalities: [Losser, Oldenzaal]
roles: {coordinator: Coördinator}
phases:
  - id: prioritering
    title: Prioritering
    due: 2026-06
    documents:
      - id: prioriteringsnotitie
        title: Prioriteringsnotitie ({municipality})
        per_municipality: true
        role: coordinator
        due: 2026-06
  - {id: klaar, title: Klaar, final: true}
"""


def ok(ivpflow: Invoke, *args: str) -> str:
    result = ivpflow(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def priorities(ivpflow: Invoke, process: str = "not") -> None:
    """Two shared priorities, one of Oldenzaal and one of Losser, in that order of adding."""
    ok(ivpflow, "priority", "add", process, "jeugd", "--veld", "3", "--theme",
       "Jeugdcriminaliteit", "--title", "Jeugd en veiligheid")
    ok(ivpflow, "priority", "add", process, "fiets", "--veld", "1", "--theme",
       "Veelvoorkomende criminaliteit", "--title", "Minder fietsdiefstal", "--gemeente",
       "Oldenzaal")
    ok(ivpflow, "priority", "add", process, "drugs", "--veld", "3", "--theme",
       "Jeugd, alcohol en drugs", "--title", "Drugsoverlast", "--gemeente", "losser")
    ok(ivpflow, "priority", "add", process, "ondermijning", "--veld", "5", "--theme",
       "Ondermijning", "--title", "Ondermijning tegengaan")


def drafted(ivpflow: Invoke, process: str, document: str) -> dict[str, str]:
    """The Markdown of each draft of a document, by its file's key."""
    paths = [Path(p) for p in ok(ivpflow, "draft", process, document).splitlines()]
    return {p.name.rsplit("-v", 1)[0]: p.read_text(encoding="utf-8") for p in paths}


def headings(text: str) -> list[str]:
    return re.findall(r"^#+ .*$", text, flags=re.MULTILINE)


def test_a_local_priority_names_its_gemeente_as_the_process_spells_it(
        ivpflow: Invoke, started: str) -> None:
    assert ok(ivpflow, "priority", "add", "not", "drugs", "--veld", "3", "--theme",
              "Jeugd, alcohol en drugs", "--title", "Drugsoverlast", "--gemeente",
              "losser") == "not: priority drugs of Losser added (3. Jeugd en veiligheid)\n"
    listed = json.loads(ok(ivpflow, "priority", "list", "not", "--json"))
    assert [(p["id"], p["gemeente"]) for p in listed] == [("drugs", "Losser")]
    table = ok(ivpflow, "priority", "list", "not").splitlines()
    assert table[0].split() == ["id", "veld", "theme", "title", "gemeente"]
    assert table[1].split()[-1] == "Losser"


def test_an_unknown_gemeente_is_refused_with_the_nearest_and_nothing_changes(
        ivpflow: Invoke, started: str, store: object) -> None:
    before = read(store).version  # type: ignore[arg-type]
    result = ivpflow("priority", "add", "not", "drugs", "--veld", "3", "--theme", "Drugs",
                     "--title", "Drugsoverlast", "--gemeente", "Loser")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not' has no gemeente 'Loser'; did you mean "
                             "'Losser'? gemeenten: Losser, Dinkelland, Oldenzaal, Tubbergen\n")
    assert read(store).version == before  # type: ignore[arg-type]
    assert json.loads(ok(ivpflow, "priority", "list", "not", "--json")) == []


def test_the_prioriteringsnotitie_shows_the_shared_then_each_gemeente_s_own(
        ivpflow: Invoke, started: str) -> None:
    priorities(ivpflow)
    text = drafted(ivpflow, "not", "prioriteringsnotitie")["prioriteringsnotitie"]
    chapter = text.split("## 2 Voorgestelde prioriteiten")[1].split("## 3 ")[0]
    assert headings(chapter) == [
        "### 2.1 Gezamenlijke prioriteiten", "#### 2.1.1 Jeugd en veiligheid",
        "#### 2.1.2 Ondermijning tegengaan", "### 2.2 Lokale prioriteiten Losser",
        "#### 2.2.1 Drugsoverlast", "### 2.3 Lokale prioriteiten Oldenzaal",
        "#### 2.3.1 Minder fietsdiefstal"]
    rows = [line for line in chapter.splitlines() if line.startswith("| ")]
    assert [row.rsplit("|", 2)[1].strip() for row in rows] == [
        "Geldt voor", "alle gemeenten", "alle gemeenten", "Losser", "Oldenzaal"]
    assert ("een lokale inkleuring: Losser en Oldenzaal kiezen daarnaast eigen prioriteiten"
            in chapter)


def test_the_ivp_and_the_uitvoeringsplan_put_the_local_ones_after_the_shared(
        ivpflow: Invoke, started: str) -> None:
    priorities(ivpflow)
    ok(ivpflow, "action", "add", "not", "graveren", "--title", "Fietsen graveren",
       "--priority", "fiets", "--trekker", "Politie")
    ivp = drafted(ivpflow, "not", "ivp")["ivp"]
    assert [h for h in headings(ivp) if h.startswith("### 3.")][1:] == [
        "### 3.2 Jeugd en veiligheid", "### 3.3 Ondermijning tegengaan",
        "### 3.4 Lokale prioriteit Losser: Drugsoverlast",
        "### 3.5 Lokale prioriteit Oldenzaal: Minder fietsdiefstal"]
    assert "Lokale prioriteiten Oldenzaal:\n\n- **Minder fietsdiefstal**" in ivp
    plan = drafted(ivpflow, "not", "uitvoeringsplan")["uitvoeringsplan"]
    assert [h for h in headings(plan) if re.match(r"#+ \d", h)][1:] == [
        "## 2 Jeugd en veiligheid", "## 3 Ondermijning tegengaan",
        "## 4 Lokale prioriteiten Losser", "### 4.1 Drugsoverlast",
        "## 5 Lokale prioriteiten Oldenzaal", "### 5.1 Minder fietsdiefstal"]
    assert "| Fietsen graveren | Minder fietsdiefstal (Oldenzaal) | Politie |" in plan


def test_a_gemeente_s_draft_shows_the_shared_and_its_own_only(
        ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lokaal.yaml").write_text(LOCAL_PROCESS, encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(tmp_path / "lokaal.yaml"))
    ok(ivpflow, "start", "lokaal", "--id", "lo", "--start", "2026-03-02")
    priorities(ivpflow, "lo")
    drafts = drafted(ivpflow, "lo", "prioriteringsnotitie")
    assert sorted(drafts) == ["prioriteringsnotitie-losser", "prioriteringsnotitie-oldenzaal"]
    losser = drafts["prioriteringsnotitie-losser"]
    assert [h for h in headings(losser) if h.startswith("#### ")] == [
        "#### 2.1.1 Jeugd en veiligheid", "#### 2.1.2 Ondermijning tegengaan",
        "#### 2.2.1 Drugsoverlast"]
    assert "fietsdiefstal" not in losser.lower()
    assert "Minder fietsdiefstal" in drafts["prioriteringsnotitie-oldenzaal"]
    assert "Drugsoverlast" not in drafts["prioriteringsnotitie-oldenzaal"]


def test_without_local_priorities_the_notitie_is_as_before(ivpflow: Invoke,
                                                           started: str) -> None:
    ok(ivpflow, "priority", "add", "not", "jeugd", "--veld", "3", "--theme",
       "Jeugdcriminaliteit", "--title", "Jeugd en veiligheid")
    text = drafted(ivpflow, "not", "prioriteringsnotitie")["prioriteringsnotitie"]
    assert "### 2.1 Jeugd en veiligheid" in headings(text)
    assert "| Veiligheidsveld | Thema | Prioriteit |\n" in text
    assert "Geldt voor" not in text and "Gezamenlijke prioriteiten" not in text


def test_the_refusal_and_the_confirmation_speak_dutch(
        ivpflow: Invoke, started: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVPFLOW_LANGUAGE", "nl")
    refused = ivpflow("priority", "add", "not", "drugs", "--veld", "3", "--theme", "Drugs",
                      "--title", "Drugsoverlast", "--gemeente", "Tubberge")
    assert refused.stderr.endswith("Proces 'not' heeft geen gemeente 'Tubberge'; bedoelt u "
                                   "'Tubbergen'? Gemeenten: Losser, Dinkelland, Oldenzaal, "
                                   "Tubbergen\n")
    assert ok(ivpflow, "priority", "add", "not", "drugs", "--veld", "3", "--theme", "Drugs",
              "--title", "Drugsoverlast", "--gemeente", "Tubbergen") == (
        "not: prioriteit drugs van Tubbergen toegevoegd (3. Jeugd en veiligheid)\n")
    assert ok(ivpflow, "priority", "list", "not").splitlines()[1].split()[-1] == "Tubbergen"
