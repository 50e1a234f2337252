"""Input as people type it: Dutch dates and words, --now after the command, writes out of
order, suggestions for mistyped ids, the ID left out, and shell completion."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivpflow.cli import cli
from ivpflow.dates import AMSTERDAM, read_day, read_moment
from ivpflow.errors import UnknownItemError, UnknownPhaseError, UnknownProcessError, nearest

from .conftest import NOT, Invoke, status_of

WEDNESDAY = date(2026, 6, 3)
NOW = datetime(2026, 6, 3, 10, 15, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-06-01", date(2026, 6, 1)), ("2026-6-1", date(2026, 6, 1)),
     ("1-6-2026", date(2026, 6, 1)), ("01-06-2026", date(2026, 6, 1)),
     ("1/6/2026", date(2026, 6, 1)), ("1.6.2026", date(2026, 6, 1)),
     ("1 juni 2026", date(2026, 6, 1)), ("1 jun 2026", date(2026, 6, 1)),
     ("1 Jun. 2026", date(2026, 6, 1)), ("3 mrt 2026", date(2026, 3, 3)),
     ("maandag 1 juni 2026", date(2026, 6, 1)),
     ("vandaag", WEDNESDAY), ("today", WEDNESDAY), ("morgen", date(2026, 6, 4)),
     ("tomorrow", date(2026, 6, 4)), ("gisteren", date(2026, 6, 2)),
     ("overmorgen", date(2026, 6, 5)), ("maandag", date(2026, 6, 8)),
     ("woensdag", WEDNESDAY), ("Vrijdag", date(2026, 6, 5)), ("friday", date(2026, 6, 5)),
     ("volgende woensdag", date(2026, 6, 10)), ("vorige woensdag", date(2026, 5, 27)),
     ("vorige maandag", date(2026, 6, 1))],
    ids=["iso", "iso-short", "dutch", "dutch-padded", "slashes", "dots", "month-name",
         "month-abbreviation", "abbreviation-dot", "mrt", "with-weekday", "vandaag", "today",
         "morgen", "tomorrow", "gisteren", "overmorgen", "weekday-ahead", "weekday-today",
         "weekday-capital", "english-weekday", "volgende", "vorige", "vorige-maandag"],
)
def test_read_day(text: str, expected: date) -> None:
    assert read_day(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    "text", ["", "1 juni", "31-2-2026", "2026-13-01", "1 foo 2026", "dinsdag 1 juni 2026",
             "1-6-26", "overmorgenavond"],
    ids=["empty", "no-year", "february-31", "month-13", "no-month", "wrong-weekday",
         "two-digit-year", "word"])
def test_read_day_refuses(text: str) -> None:
    assert read_day(text, WEDNESDAY) is None


def test_relative_words_need_a_today() -> None:
    assert read_day("morgen") is None and read_day("1-6-2026") == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-06-01", datetime(2026, 6, 1, 0, 0)), ("2026-06-01T08:00", datetime(2026, 6, 1, 8)),
     ("1-6-2026 08:00", datetime(2026, 6, 1, 8)), ("1 juni 2026 8.30", datetime(2026, 6, 1, 8, 30)),
     ("2026-6-1 08:00:30", datetime(2026, 6, 1, 8, 0, 30)),
     ("morgen", datetime(2026, 6, 4, 10, 15)), ("morgen 08:00", datetime(2026, 6, 4, 8)),
     ("morgen om 8:00", datetime(2026, 6, 4, 8)), ("vandaag", datetime(2026, 6, 3, 10, 15)),
     ("14:00", datetime(2026, 6, 3, 14))],
    ids=["date-midnight", "iso-time", "dutch-time", "month-name-dot-time", "seconds",
         "morgen-keeps-time", "morgen-time", "morgen-om", "vandaag-is-now", "time-only"],
)
def test_read_moment(text: str, expected: datetime) -> None:
    assert read_moment(text, NOW) == expected.replace(tzinfo=AMSTERDAM)


@pytest.mark.parametrize("text", ["1-6-2026 25:00", "morgen 8", "x 08:00"],
                         ids=["hour-25", "no-minutes", "no-day"])
def test_read_moment_refuses(text: str) -> None:
    assert read_moment(text, NOW) is None


@pytest.mark.parametrize(
    "now", ["2026-03-02 09:00", "2-3-2026 9:00", "2 maart 2026 09:30", "2/3/2026 09:00",
            "maandag 2 mrt 2026 10:00"],
    ids=["iso", "dutch", "month-name", "slashes", "weekday"])
def test_now_is_typed_the_dutch_way(ivpflow: Invoke, started: str, now: str) -> None:
    result = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome", "vastgesteld",
                     "--date", "2-3-2026", "--note", "x", now=now)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("vastgesteld on 2026-03-02\n")


@pytest.mark.parametrize(
    ("args", "option", "text"),
    [(["--now", "1 april"], "'--now'", "'1 april' is not a date or moment"),
     (["status", "--now", "32-1-2026"], "'--now'", "'32-1-2026' is not a date or moment"),
     (["start", NOT, "--start", "1 maart"], "'--start'", "'1 maart' is not a date"),
     (["calendar", "1-4-2026", "juni"], "'DATE'", "'juni' is not a date"),
     (["meeting", "add", "not", "college", "dinsdagavond"], "'DATE'",
      "'dinsdagavond' is not a date"),
     (["meeting", "add", "not", "college", "1-6-2026", "--papers-due", "ma"],
      "'--papers-due'", "'ma' is not a date"),
     (["shared", "meeting", "add", "raad", "2026-13-01"], "'DATE'",
      "'2026-13-01' is not a date"),
     (["decide", "not", "x", "--outcome", "vastgesteld", "--date", "9-13-2026"], "'--date'",
      "'9-13-2026' is not a date"),
     (["init", "--municipality", "Losser", "--adopt-by", "31-11-2026"], "'--adopt-by'",
      "'31-11-2026' is not a date")],
    ids=["now", "now-after", "start", "calendar", "meeting", "papers-due", "shared-meeting",
         "decision-date", "adopt-by"])
def test_a_date_that_is_none_is_a_usage_error(runner: CliRunner, store_dir: Path,
                                              args: list[str], option: str, text: str) -> None:
    result = runner.invoke(cli, ["--store", str(store_dir), *args])
    assert result.exit_code == 2
    assert f"Error: Invalid value for {option}: {text}; use e.g. 2026-06-01, " in result.stderr
    assert not store_dir.exists()


def test_relative_dates_count_from_now(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome", "vastgesteld",
                     "--date", "gisteren", now="2026-03-03T09:00")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("vastgesteld on 2026-03-02\n")


def test_now_after_the_command(ivpflow: Invoke, runner: CliRunner, store_dir: Path,
                               db_args: list[str], started: str) -> None:
    result = runner.invoke(cli, ["--store", str(store_dir), *db_args, "status", "not",
                                 "--json", "--now", "1-6-2026"])
    assert result.exit_code == 0, result.output
    before = runner.invoke(cli, ["--store", str(store_dir), *db_args, "--now", "2026-06-01",
                                 "status", "not", "--json"])
    assert json.loads(result.stdout) == json.loads(before.stdout)


def test_now_after_the_command_counts_for_its_dates(ivpflow: Invoke, runner: CliRunner,
                                                    store_dir: Path, db_args: list[str],
                                                    started: str) -> None:
    result = runner.invoke(cli, ["--store", str(store_dir), *db_args, "decide", "not",
                                 "startnotitie-driehoek", "--date", "vandaag", "--outcome",
                                 "vastgesteld", "--now", "2026-03-04T10:00"])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("vastgesteld on 2026-03-04\n")


def test_now_twice_with_different_moments_is_a_usage_error(runner: CliRunner,
                                                           store_dir: Path) -> None:
    result = runner.invoke(cli, ["--store", str(store_dir), "--now", "2026-06-01", "status",
                                 "--now", "2026-06-02"])
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --now is given twice with different moments: "
                                  "2026-06-01 00:00 and 2026-06-02 00:00\n")


def test_now_twice_with_the_same_moment_is_fine(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("status", "not", "--now", "2-3-2026 09:00", now="2026-03-02T09:00")
    assert result.exit_code == 0, result.output


def test_now_from_the_environment_holds_a_space(runner: CliRunner, store_dir: Path) -> None:
    result = runner.invoke(cli, ["--store", str(store_dir), "config", "--json"],
                           env={"IVPFLOW_NOW": "1-6-2026 08:00"})
    now = next(r for r in json.loads(result.stdout) if r["key"] == "now")
    assert now == {"key": "now", "value": "2026-06-01T08:00+02:00",
                   "source": "environment IVPFLOW_NOW"}


# --------------------------------------------------------------------------- out of order


def test_a_write_before_the_last_event_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-01T09:00")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not': the moment 2026-03-01 09:00 lies before "
                             "the last event in its history (2026-03-02 09:00); use --force "
                             "to record it anyway\n")
    assert status_of(ivpflow)["tasks"][0]["status"] == "open"


def test_force_records_it_with_a_warning_and_a_note(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "werkgroep-samenstellen", "--force",
                     now="2026-03-01T09:00")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("Warning: Process 'not': the moment 2026-03-01 09:00 lies before "
                             "the last event in its history (2026-03-02 09:00); recorded as "
                             "forced\n")
    last = json.loads(ivpflow("history", "not", "--json").stdout)[-1]
    assert (last["event"], last["note"]) == ("done", "forced: Process 'not': the moment 1 maart "
                                             "2026 09:00 lies before the last event in its "
                                             "history (2 maart 2026 09:00)")


def test_after_a_forced_write_the_later_event_still_counts(ivpflow: Invoke,
                                                           started: str) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen", "--force", now="2026-03-01T09:00")
    result = ivpflow("done", "not", "startnotitie-opstellen", now="2026-03-01T10:00")
    assert result.exit_code == 1
    assert "(2026-03-02 09:00); use --force" in result.stderr


def test_a_decision_dated_before_the_start_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome", "vastgesteld",
                     "--date", "1-1-2020")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Decision date 2020-01-01 lies before the start of "
                             "'not' (2025-09-01); use --force to record it anyway\n")
    forced = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome", "vastgesteld",
                     "--date", "1-1-2020", "--force")
    assert forced.exit_code == 0 and forced.stderr.startswith("Warning: Decision date 2020-01-01 ")


def test_advance_force_also_allows_an_earlier_moment(ivpflow: Invoke, started: str) -> None:
    refused = ivpflow("advance", "not", now="2026-03-01")
    assert refused.exit_code == 1 and "lies before the last event" in refused.stderr
    result = ivpflow("advance", "not", "--force", "--reason", "catching up", now="2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "not: opstart → analyse (forced)\n"


# --------------------------------------------------------------------------- suggestions


def test_nearest_prefers_case_then_prefix_then_similar() -> None:
    names = ["thematafels", "themabijeenkomst", "werkgroep-samenstellen", "analyse"]
    assert nearest("Analyse", names) == ["analyse"]
    assert nearest("thema", names) == ["thematafels", "themabijeenkomst"]
    assert nearest("werkgroep-samenstelen", names) == ["werkgroep-samenstellen"]
    assert nearest("xyz", names) == []


def test_a_mistyped_task_gets_a_suggestion(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "werkgroep-samenstelen")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not' has no task/document 'werkgroep-samenstelen'; "
                             "did you mean 'werkgroep-samenstellen'?\n")


def test_an_unknown_item_far_from_all_says_how_many() -> None:
    error = UnknownItemError("not", "task", "xyz", [f"taak-{n}" for n in range(32)])
    assert str(error) == ("Process 'not' has no task 'xyz'; none of its 32 tasks is like it "
                          "(see 'ivpflow status not')")


def test_a_short_list_is_shown_whole() -> None:
    error = UnknownItemError("not", "role", "coordinater", ["coordinator", "griffie"])
    assert str(error) == "Process 'not' has no role 'coordinater'; roles: coordinator, griffie"


def test_a_mistyped_process_gets_a_suggestion() -> None:
    error = UnknownProcessError("not-2072", [f"proces-{n}" for n in range(20)] + ["not-2027"])
    assert str(error) == "Unknown process 'not-2072'; did you mean 'not-2027'?"


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["advance", "not", "--to", "analyze"], "Process 'not' has no phase 'analyze'; phases: "
      "opstart, analyse, prioritering, ivp, uitvoeringsplan, looptijd, afgerond"),
     (["assign", "not", "coordinater", "--name", "A", "--email", "a@b.nl"],
      "Process 'not' has no role 'coordinater'; roles: coordinator, driehoek, griffie, "
      "portefeuillehouder, projectmanager, werkgroep")],
    ids=["phase", "role"])
def test_a_few_phases_or_roles_are_listed_whole(ivpflow: Invoke, started: str,
                                                args: list[str], expected: str) -> None:
    result = ivpflow(*args)
    assert (result.exit_code, result.stderr) == (1, f"Error: {expected}\n")


def test_many_phases_get_the_nearest() -> None:
    error = UnknownPhaseError("p", "analyze", ["analyse", *(f"fase-{n}" for n in range(9))])
    assert str(error) == "Process 'p' has no phase 'analyze'; did you mean 'analyse'?"


def test_an_outcome_far_from_all_lists_the_four(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome", "ja")
    assert result.stderr == ("Error: Unknown outcome 'ja'; outcomes: vastgesteld, "
                             "gewijzigd-vastgesteld, aangehouden, verworpen\n")


def test_swapped_id_and_task_are_recognised(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "werkgroep-samenstellen", "not")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Unknown process 'werkgroep-samenstellen', but it is an "
                             "item and the item is a process: did you mean 'ivpflow done not "
                             "werkgroep-samenstellen'?\n")


@pytest.mark.parametrize("outcome", ["Vastgesteld", "VASTGESTELD", "vastgesteld "],
                         ids=["capital", "upper", "space"])
def test_outcomes_ignore_case(ivpflow: Invoke, started: str, outcome: str) -> None:
    result = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome", outcome)
    assert result.exit_code == 0, result.output
    assert result.stdout == ("not: startnotitie-driehoek (gezagsdriehoek NOT) vastgesteld on "
                             "2026-03-02\n")


def test_an_outcome_of_two_words(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("decide", "not", "startnotitie-driehoek", "--outcome",
                     "Gewijzigd vastgesteld")
    assert result.exit_code == 0, result.output
    decision = next(d for d in status_of(ivpflow)["decisions"]
                    if d["id"] == "startnotitie-driehoek")
    assert decision["outcome"] == "gewijzigd-vastgesteld"


# --------------------------------------------------------------------------- ID left out


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["done", "werkgroep-samenstellen"], "not: task werkgroep-samenstellen done"),
     (["decide", "startnotitie-driehoek", "--outcome", "verworpen"], "not: startnotitie-"),
     (["assign", "griffie", "--name", "G", "--email", "g@losser.nl"], "not: griffie — G"),
     (["advance", "--force", "--reason", "test"], "not: opstart → analyse (forced)"),
     (["history"], "started")],
    ids=["done", "decide", "assign", "advance", "history"])
def test_the_id_may_be_left_out_with_one_process(ivpflow: Invoke, started: str,
                                                 args: list[str], expected: str) -> None:
    result = ivpflow(*args)
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


def test_with_two_processes_the_id_is_needed(ivpflow: Invoke, started: str) -> None:
    ivpflow("start", NOT, "--id", "not-2")
    result = ivpflow("done", "werkgroep-samenstellen")
    assert result.exit_code == 1
    assert result.stderr == "Error: More than one process; name one of: not, not-2\n"


def test_done_without_anything_is_a_usage_error(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done")
    assert result.exit_code == 2 and "Missing argument 'TASK'" in result.stderr


# --------------------------------------------------------------------------- completion


@pytest.mark.parametrize(("shell", "marker"),
                         [("bash", "complete -o nosort -F _ivpflow_completion ivpflow"),
                          ("zsh", "#compdef ivpflow"), ("fish", "complete --no-files "
                                                                "--command ivpflow")],
                         ids=["bash", "zsh", "fish"])
def test_completion_script(runner: CliRunner, shell: str, marker: str) -> None:
    result = runner.invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert marker in result.stdout and "_IVPFLOW_COMPLETE" in result.stdout


def complete(runner: CliRunner, store_dir: Path, words: str,
             db_args: list[str] | None = None) -> list[str]:
    """What bash would offer for the last (possibly empty) word of `words`."""
    parts = words.split(" ")
    result = runner.invoke(cli, [], prog_name="ivpflow", env={
        "_IVPFLOW_COMPLETE": "bash_complete", "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1), "IVPFLOW_STORE": str(store_dir),
        "IVPFLOW_DB": db_args[1] if db_args else None})
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize(
    ("words", "expected"),
    [("ivpflow status ", ["not"]),
     ("ivpflow done not werkgroep", ["werkgroep-samenstellen", "werkgroep-concept"]),
     ("ivpflow decide not startnotitie", ["startnotitie-driehoek"]),
     ("ivpflow decide not x --outcome ge", ["gewijzigd-vastgesteld"]),
     ("ivpflow assign not gr", ["griffie"]),
     ("ivpflow advance not --to an", ["analyse"]),
     ("ivpflow done werkgroep-s", ["werkgroep-samenstellen"]),
     ("ivpflow draft not veiligheids", ["veiligheidsanalyse"])],
    ids=["process", "task", "decision", "outcome", "role", "phase", "id-left-out", "document"])
def test_completion_of_ids_and_items(runner: CliRunner, store_dir: Path, db_args: list[str],
                                     started: str, words: str, expected: list[str]) -> None:
    assert complete(runner, store_dir, words, db_args) == expected


def test_completion_without_a_store_offers_nothing_and_creates_nothing(
        runner: CliRunner, store_dir: Path) -> None:
    assert complete(runner, store_dir, "ivpflow done ") == []
    assert not store_dir.exists()
