"""The main commands in both languages: English with ISO dates under LANG=C.UTF-8, Dutch with
Dutch dates under LANG=nl_NL.UTF-8, on a real SQLite store with the reference workflow."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import ivpflow.cli
from ivpflow.cli import cli
from ivpflow.dates import MONTHS_NL, WEEKDAYS_NL

from .conftest import NOT

Speak = Callable[..., Result]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DUTCH_WORDS = re.compile(r"\b(" + "|".join(MONTHS_NL + WEEKDAYS_NL) + r")\b")
# Words of stored notes and of the reference workflow that are Dutch terms of art (titles of
# phases, bodies, documents); a sentence of the command line itself has none of the others.
TERMS_OF_ART = re.compile(r"Integraal Veiligheidsplan[^\n]*|besluit van [^\n]*|"
                          r"gemeenteraad Losser \d+ \w+ \d{4}")


@pytest.fixture
def speak(runner: CliRunner, store_dir: Path, db_args: list[str]) -> Speak:
    """Run the CLI on the test's store in a language: speak("nl", "status", "not")."""

    def invoke(language: str, *args: str, now: str = "2026-03-02T09:00",
               **environ: str) -> Result:
        env = {"LANG": "nl_NL.UTF-8" if language == "nl" else "C.UTF-8", **environ}
        return runner.invoke(cli, ["--store", str(store_dir), *db_args, "--now", now,
                                   "--actor", "coordinator", *args], env=env,
                             catch_exceptions=False)

    return invoke


@pytest.fixture
def begun(speak: Speak) -> str:
    """The Noordoost Twente process, started as 'not' on 2 March 2026."""
    assert speak("en", "start", NOT, "--id", "not").stdout == "not\n"
    return "not"


def assert_dutch_prose(text: str) -> None:
    """Dutch output: no ISO date in its sentences (ids such as 2027-2030 are not dates)."""
    assert ISO_DATE.findall(text) == [], text


def assert_english_prose(text: str) -> None:
    """English output: no Dutch month or weekday, but in terms of art and stored notes."""
    assert DUTCH_WORDS.findall(TERMS_OF_ART.sub("", text)) == [], text


def test_done_in_both_languages(speak: Speak, begun: str) -> None:
    dutch = speak("nl", "done", "not", "werkgroep-samenstellen")
    assert dutch.stdout == "not: taak werkgroep-samenstellen afgerond (2 maart 2026)\n"
    english = speak("en", "done", "not", "startnotitie-opstellen")
    assert english.stdout == "not: task startnotitie-opstellen done (2026-03-02)\n"


def test_decide_in_both_languages(speak: Speak, begun: str) -> None:
    args = ("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld")
    assert speak("nl", *args, "--date", "2026-02-24").stdout == (
        "not: verlenging-ivp-losser (gemeenteraad Losser) vastgesteld op 24 februari 2026\n")
    assert speak("en", *args, "--date", "2026-02-25", "--correct").stdout == (
        "not: verlenging-ivp-losser (gemeenteraad Losser) corrected from vastgesteld on "
        "2026-02-24 to vastgesteld on 2026-02-25\n")


def test_advance_in_both_languages(speak: Speak, begun: str) -> None:
    forced = ("advance", "not", "--force", "--reason", "driehoek volgt")
    assert speak("nl", *forced).stdout == "not: opstart → analyse (geforceerd)\n"
    assert speak("en", "reopen", "not", "--to", "opstart", "--reason", "terug").stdout == (
        "not: analyse → opstart (reopened)\n")
    usage = speak("nl", "advance", "not", "--force")
    assert usage.exit_code == 2
    assert "Error: --force vraagt om --reason TEKST; de reden wordt vastgelegd" in usage.stderr


def test_status_in_dutch_has_dutch_words_and_dates(speak: Speak, begun: str) -> None:
    result = speak("nl", "status", "not", now="2026-03-03T09:00")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[1] == ("11 achterstallig · 56 lopen risico · Vaststelling IVP verwacht "
                        "2 december 2026, 2 dagen later dan gepland")
    assert lines[2:4] == ["Fase: Opstart (opstart) sinds 1 september 2025, termijn 27 februari "
                          "2026", "Vandaag: 3 maart 2026"]
    assert "▶  Opstart             actief    27 februari 2026  1 september 2025  —" in lines
    assert "Achterstallig (11)" in lines and "Loopt risico (56)" in lines
    assert "Besluiten (0 van 46 genomen)" in lines
    assert_dutch_prose(result.stdout)


def test_status_in_english_has_iso_dates(speak: Speak, begun: str) -> None:
    result = speak("en", "status", "not", now="2026-03-03T09:00")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[1:4] == [
        "11 overdue · 56 at risk · IVP adoption forecast 2026-12-02, 2 days after plan",
        "Phase: Opstart (opstart) since 2025-09-01, due 2026-02-27", "Today: 2026-03-03"]
    assert "▶  Opstart             active   2026-02-27  2025-09-01  —" in lines
    assert "Decisions (0 of 46 taken)" in lines
    assert_english_prose(result.stdout)


def test_plan_says_why_in_the_language_of_the_command_line(speak: Speak, begun: str) -> None:
    dutch = speak("nl", "plan", "not", "--at-risk", "--wide").stdout.splitlines()
    english = speak("en", "plan", "not", "--at-risk", "--wide").stdout.splitlines()
    assert dutch[0].split() == ["soort", "id", "gepland", "verwachting", "werkelijk", "speling",
                                "vergadering", "waarom"]
    assert english[0].split() == ["kind", "id", "planned", "forecast", "actual", "slack",
                                  "meeting", "why"]
    assert dutch[1].endswith("  -1               verwacht op 2 maart 2026, na de termijn van "
                             "27 februari 2026")
    assert english[1].endswith("  -1           forecast 2026-03-02 is after the deadline "
                               "2026-02-27")
    assert_dutch_prose("\n".join(dutch[1:]).replace("2027-2030", ""))
    assert_english_prose("\n".join(english))


def test_processes_and_meetings_in_both_languages(speak: Speak, begun: str) -> None:
    assert speak("nl", "meeting", "add", "not", "gemeenteraad Losser", "2026-11-24").stdout == (
        "not: gemeenteraad Losser vergadert op dinsdag 24 november 2026\n")
    assert speak("en", "meeting", "list", "not").stdout.splitlines()[:2] == [
        "date            body                 papers due",
        "Tue 2026-11-24  gemeenteraad Losser  2026-11-03"]
    assert speak("nl", "meeting", "list", "not").stdout.splitlines()[1] == (
        "dinsdag 24 november 2026  gemeenteraad Losser  3 november 2026")
    dutch = speak("nl", "processes").stdout.splitlines()
    assert dutch[0].split() == ["id", "workflow", "fase", "eerstvolgende", "termijn",
                                "onderdeel", "achterstallig", "loopt", "risico"]
    assert dutch[1].split()[3:6] == ["30", "april", "2026"]
    assert speak("en", "processes").stdout.splitlines()[1].split()[3] == "2026-04-30"


def test_history_in_both_languages(speak: Speak, begun: str) -> None:
    speak("en", "done", "not", "werkgroep-samenstellen")
    speak("en", "undo", "not", now="2026-03-03T09:00")
    dutch = speak("nl", "history", "not", "--limit", "1").stdout.splitlines()
    assert dutch[0].split() == ["wanneer", "wie", "gebeurtenis", "onderdeel", "wijziging",
                                "notitie"]
    assert dutch[1].startswith("3 maart 2026 09:00  coordinator  ongedaan gemaakt")
    assert "neemt gereed terug" in dutch[1]
    assert dutch[2] == "(2 eerdere gebeurtenissen niet getoond)"
    done = speak("nl", "history", "not", "--limit", "2").stdout.splitlines()[1]
    assert done.startswith("2 maart 2026 09:00  coordinator  gereed            "
                           "werkgroep-samenstellen  open → afgerond"), done
    english = speak("en", "history", "not", "--limit", "1").stdout.splitlines()
    assert english[1].startswith("2026-03-03 09:00  coordinator  undone")
    assert "takes back done" in english[1]
    done = speak("en", "history", "not", "--limit", "2").stdout.splitlines()[1]
    assert done.startswith("2026-03-02 09:00  coordinator  done    werkgroep-samenstellen  "
                           "open → done"), done
    assert english[2] == "(2 earlier events not shown)"


def test_tick_and_the_outbox_in_both_languages(speak: Speak, begun: str) -> None:
    speak("en", "assign", "not", "coordinator", "--name", "Anna", "--email", "anna@example.nl")
    assert speak("nl", "outbox").stdout == "De outbox is leeg.\n"
    tick = speak("en", "tick", now="2026-03-03T08:00")
    assert tick.exit_code == 0, tick.output
    assert tick.stdout.splitlines()[0] == ("10 reminders and 0 digests queued (10 late), "
                                           "0 cancelled; 10 sent, 0 to retry, 0 failed; "
                                           "12 drafts rendered")
    dutch = speak("nl", "outbox").stdout.splitlines()
    assert dutch[0].split() == ["id", "status", "soort", "aan", "onderwerp", "pogingen", "fout"]
    assert dutch[1].split()[1:3] == ["verstuurd", "achterstallig"]
    english = speak("en", "outbox").stdout.splitlines()
    assert english[1].split()[1:3] == ["sent", "overdue"]


def test_an_error_and_a_usage_error_in_dutch(speak: Speak, begun: str) -> None:
    refused = speak("nl", "done")
    assert refused.exit_code == 2
    assert "Error: Argument 'TASK' ontbreekt." in refused.stderr
    bad_date = speak("nl", "meeting", "add", "not", "college Losser", "ooit")
    assert bad_date.exit_code == 2
    assert "'ooit' is geen datum; gebruik " in bad_date.stderr
    twice = speak("nl", "--now", "2026-03-04", "status", now="2026-03-03T09:00")
    assert twice.exit_code == 2
    assert ("--now is twee keer gegeven met verschillende tijdstippen: 3 maart 2026 09:00 en "
            "4 maart 2026 00:00") in twice.stderr


def test_ivpflow_language_en_wins_over_a_dutch_locale(speak: Speak, begun: str) -> None:
    result = speak("nl", "done", "not", "werkgroep-samenstellen", IVPFLOW_LANGUAGE="en")
    assert result.stdout == "not: task werkgroep-samenstellen done (2026-03-02)\n"
    dutch = speak("en", "meeting", "add", "not", "college Losser", "2026-03-10",
                  IVPFLOW_LANGUAGE="nl")
    assert dutch.stdout == "not: college Losser vergadert op dinsdag 10 maart 2026\n"


def test_a_narrow_dutch_table_writes_dates_short(speak: Speak, begun: str) -> None:
    lines = speak("nl", "plan", "not", COLUMNS="70").stdout.splitlines()
    assert lines[1].split()[:5] == ["!", "opstart", "27", "feb", "2026"]
    english = speak("en", "plan", "not", COLUMNS="70").stdout.splitlines()
    assert english[1].split()[:3] == ["!", "opstart", "2026-02-27"]


def test_the_command_line_writes_no_date_the_dutch_way_itself() -> None:
    # Its dates go through i18n.say_date and say_moment, which follow the language.
    sources = sorted(Path(ivpflow.cli.__file__).parent.glob("*.py"))
    assert [p.name for p in sources if re.search(r"\bdutch_(date|moment)\b", p.read_text())
            ] == []
    assert len(sources) > 10
