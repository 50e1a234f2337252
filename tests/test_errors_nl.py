"""Refusals in the language of the command line: whole Dutch sentences with Dutch dates, or
English with ISO dates; the Dutch date forms are read in both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ivpflow import i18n
from ivpflow.dates import parse_day, parse_moment
from ivpflow.errors import IvpflowError
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.settings import ConfigError, read_config_file
from ivpflow.store import Store
from ivpflow.workflow.model import Definition

from .conftest import NOW, Invoke


@pytest.fixture(params=["en", "nl"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each test once in English and once in Dutch; English again afterwards."""
    i18n.use(request.param)
    yield request.param
    i18n.use("en")


@pytest.fixture
def process(store: Store, not_definition: Definition) -> str:
    return start_process(store, not_definition, now=NOW, actor="t", process_id="not")


def test_an_unknown_process_lists_the_known_ones(store: Store, process: str,
                                                 language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        complete(store, "nto", "x", now=NOW, actor="t")
    assert str(refused.value) == {"en": "Unknown process 'nto'; known: not",
                                  "nl": "Onbekend proces 'nto'; bekend: not"}[language]


def test_an_unknown_task_says_which_it_may_be(store: Store, process: str,
                                              language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        complete(store, "not", "werkgroep", now=NOW, actor="t")
    near = "'werkgroep-concept' {0} 'werkgroep-samenstellen' {0} 'startbijeenkomst-werkgroep'"
    assert str(refused.value) == {
        "en": "Process 'not' has no task/document 'werkgroep'; did you mean "
              f"{near.format('or')}?",
        "nl": "Proces 'not' heeft geen taak/document 'werkgroep'; bedoelt u "
              f"{near.format('of')}?"}[language]


def test_a_task_like_none_counts_them(store: Store, process: str, language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        complete(store, "not", "zzzz", now=NOW, actor="t")
    assert str(refused.value) == {
        "en": "Process 'not' has no task/document 'zzzz'; none of its 46 task/documents is "
              "like it (see 'ivpflow status not')",
        "nl": "Proces 'not' heeft geen taak/document 'zzzz'; geen van de 46 taken/documenten "
              "van het proces lijkt erop (zie 'ivpflow status not')"}[language]


def test_an_unknown_phase_lists_the_phases(store: Store, process: str, language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        advance(store, "not", to="analyze", now=NOW, actor="t")
    phases = "opstart, analyse, prioritering, ivp, uitvoeringsplan, looptijd, afgerond"
    assert str(refused.value) == {
        "en": f"Process 'not' has no phase 'analyze'; phases: {phases}",
        "nl": f"Proces 'not' heeft geen fase 'analyze'; fasen: {phases}"}[language]


def test_a_change_before_the_last_event_is_refused(store: Store, process: str,
                                                   language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        complete(store, "not", "werkgroep-samenstellen", now=parse_moment("2026-03-01T09:00"),
                 actor="t")
    assert str(refused.value) == {
        "en": "Process 'not': the moment 2026-03-01 09:00 lies before the last event in its "
              "history (2026-03-02 09:00); use --force to record it anyway",
        "nl": "Proces 'not': het moment 1 maart 2026 09:00 ligt vóór de laatste gebeurtenis in "
              "zijn geschiedenis (2 maart 2026 09:00); gebruik --force om het toch vast te "
              "leggen"}[language]


def test_a_decision_dated_after_today_is_refused(store: Store, process: str,
                                                 language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        decide(store, "not", "verlenging-ivp-losser", outcome="vastgesteld",
               on=date(2026, 3, 9), now=NOW, actor="t")
    assert str(refused.value) == {
        "en": "Decision date 2026-03-09 lies after today (2026-03-02); a decision is recorded "
              "once taken",
        "nl": "Besluitdatum 9 maart 2026 ligt na vandaag (2 maart 2026); een besluit wordt "
              "vastgelegd als het genomen is"}[language]


def test_a_task_done_twice_says_when(store: Store, process: str, language: str) -> None:
    complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="t")
    with pytest.raises(IvpflowError) as refused:
        complete(store, "not", "werkgroep-samenstellen", now=NOW, actor="t")
    assert str(refused.value) == {
        "en": "Task 'werkgroep-samenstellen' of 'not' was done on 2026-03-02 by t; nothing "
              "changed",
        "nl": "Taak 'werkgroep-samenstellen' van 'not' is op 2 maart 2026 afgerond door t; er "
              "is niets gewijzigd"}[language]


@pytest.mark.parametrize(("text", "expected"), [
    ("31-2-2026", {"en": "--date '31-2-2026' is not a date; use e.g. 2026-06-01, 1-6-2026, "
                         "1/6/2026, 1 juni 2026, vandaag, morgen or vrijdag",
                   "nl": "--date '31-2-2026' is geen datum; gebruik bijvoorbeeld 2026-06-01, "
                         "1-6-2026, 1/6/2026, 1 juni 2026, vandaag, morgen of vrijdag"}),
    ("1 januari 2150", {"en": "--date '1 januari 2150' lies outside the dates ivpflow plans "
                              "with (2000-01-01 to 2099-12-31)",
                        "nl": "--date '1 januari 2150' ligt buiten de datums waarmee ivpflow "
                              "plant (1 januari 2000 tot en met 31 december 2099)"}),
], ids=["no-date", "out-of-range"])
def test_a_bad_date_is_refused(text: str, expected: dict[str, str], language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        parse_day(text)
    assert str(refused.value) == expected[language]


def test_the_dutch_date_forms_are_read_in_both_languages(language: str) -> None:
    assert parse_day("1 juni 2026") == parse_day("1-6-2026") == date(2026, 6, 1)


def test_a_bad_setting_names_the_file_and_the_range(tmp_path: Path, language: str) -> None:
    file = tmp_path / "ivpflow.toml"
    file.write_text('store = "store"\nsmtp_timeout = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        read_config_file(file)
    assert str(refused.value) == f"{file}:2: " + {
        "en": "key 'smtp_timeout' must be a number of seconds from 1 to 600, not 0",
        "nl": "sleutel 'smtp_timeout' moet een aantal seconden zijn van 1 tot en met 600, "
              "niet 0"}[language]


@pytest.mark.sqlite_only
def test_a_damaged_database_says_how_to_save_it_in_dutch(
        ivpflow: Invoke, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store_dir.mkdir()
    database = store_dir / "ivpflow.sqlite3"
    database.write_bytes(b"dit is geen database\n" * 500)
    monkeypatch.setenv("IVPFLOW_LANGUAGE", "nl")
    result = ivpflow("status")
    recovered = store_dir / "ivpflow-recovered.sqlite3"
    # After the command line's own prefix ("Error: "), the line the library built.
    assert (result.exit_code, result.stderr.split(": ", 1)[1]) == (1, (
        f"{database} is beschadigd (file is not a database); er is niets gewijzigd. "
        f'Red wat erin staat met: sqlite3 {database} ".recover" | sqlite3 {recovered}\n'))
    assert i18n.language() == "en"  # the command speaks Dutch, the library English again


def test_advancing_past_open_work_names_it(store: Store, process: str, language: str) -> None:
    with pytest.raises(IvpflowError) as refused:
        advance(store, "not", now=NOW, actor="t")
    assert str(refused.value).startswith({
        "en": "Cannot advance 'not' from 'opstart': open tasks: ",
        "nl": "Kan 'not' niet verder zetten vanuit 'opstart': open taken: "}[language])
    assert str(refused.value).endswith({
        "en": "; decisions without a positive outcome: verlenging-ivp-losser, "
              "startnotitie-driehoek (use --force --reason TEXT to override)",
        "nl": "; besluiten zonder positieve uitkomst: verlenging-ivp-losser, "
              "startnotitie-driehoek (gebruik --force --reason TEKST om toch door te gaan)",
    }[language])
