"""`ivpflow cijfers`: figures from CBS (replayed by a local server), a StatLine CSV, and the
refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivpflow.store import Store
from ivpflow.store.rows import ObservationRow

from .conftest import Invoke, read

DECEMBER = "2026-12-01T10:00"


def observations(store: Store) -> tuple[ObservationRow, ...]:
    return read(store, parts={"observations"}).observations


def test_the_reference_case_fetches_five_years_for_the_four_gemeenten_and_nederland(
        ivpflow: Invoke, started: str, store: Store, cbs_server: list[str]) -> None:
    result = ivpflow("cijfers", "not", now=DECEMBER)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "not: 83648NED (Geregistreerde criminaliteit; soort misdrijf, regio), 2021-2025: "
        "375 added, 0 updated, 0 unchanged")
    rows = [r for r in observations(store) if r.series == "woninginbraak"]
    assert sorted({r.name for r in rows}) == ["Dinkelland", "Losser", "Nederland", "Oldenzaal",
                                              "Tubbergen"]
    assert sorted({r.year for r in rows}) == [2021, 2022, 2023, 2024, 2025]
    losser = next(r for r in rows if r.region == "GM0168" and r.year == 2023)
    assert (losser.table_id, losser.source, losser.retrieved_on.isoformat()) == (
        "83648NED", "CBS", "2026-12-01")
    assert losser.measure == "GeregistreerdeMisdrijvenPer1000Inw_3 · SoortMisdrijf CRI1110"
    # The second page of the data came through odata.nextLink.
    assert any("$skip=315" in path for path in cbs_server)


def test_running_it_again_adds_nothing_and_changes_nothing(
        ivpflow: Invoke, started: str, store: Store, cbs_server: list[str]) -> None:
    assert ivpflow("cijfers", "not", now=DECEMBER).exit_code == 0
    first = observations(store)
    again = ivpflow("cijfers", "not", now="2026-12-08T10:00")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0].endswith("0 added, 0 updated, 375 unchanged")
    assert observations(store) == first  # the retrieval date of an unchanged figure stays
    events = [line for line in ivpflow("history", "not").output.splitlines()
              if "figures-imported" in line]
    assert len(events) == 1


def test_a_gemeente_without_veiligheidsmonitor_figures_is_said_not_refused(
        ivpflow: Invoke, started: str, store: Store, cbs_server: list[str]) -> None:
    result = ivpflow("cijfers", "not", "--table", "85146NED", now=DECEMBER)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "not: 85146NED (Sociale veiligheid; regio), 2021-2025: 9 added, 0 updated, "
        "0 unchanged",
        "  85146NED has no figures for Losser, Dinkelland, Oldenzaal, Tubbergen: the "
        "Veiligheidsmonitor reports only on gemeenten with enough respondents; the documents "
        "show Nederland beside them"]
    nederland = sorted((r.year, r.value, r.lower, r.upper) for r in observations(store)
                       if r.series == "voelt-zich-weleens-onveilig")
    assert nederland == [(2021, 33.0, 32.6, 33.4), (2023, 34.0, 33.6, 34.4),
                         (2025, 35.0, 34.6, 35.4)]


def with_gemeenten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: str) -> None:
    """A copy of the Noordoost Twente workflow whose fourth gemeente is another."""
    text = (Path(__file__).resolve().parent.parent / "workflows"
            / "noordoost-twente-2027-2030.yaml").read_text(encoding="utf-8")
    text = text.replace("id: noordoost-twente-2027-2030", "id: elders")
    (tmp_path / "elders.yaml").write_text(text.replace("Tubbergen", names), encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(tmp_path / "elders.yaml"))


def test_a_merged_gemeente_is_refused_with_what_it_went_into(
        ivpflow: Invoke, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        cbs_server: list[str]) -> None:
    with_gemeenten(tmp_path, monkeypatch, "Haaren")
    assert ivpflow("start", "elders", "--id", "elders").exit_code == 0
    result = ivpflow("cijfers", "elders", now=DECEMBER)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Gemeente 'Haaren' was dissolved on 2021-01-01 and went into Boxtel, "
        "Oisterwijk, Tilburg, Vught; name the gemeente it went into in the workflow instead\n")
    assert cbs_server == []  # refused before anything was fetched
    assert observations_of(store, "elders") == ()


def test_an_unknown_gemeente_is_refused_with_the_nearest_name(
        ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        cbs_server: list[str]) -> None:
    with_gemeenten(tmp_path, monkeypatch, "Tubergen")
    assert ivpflow("start", "elders", "--id", "elders").exit_code == 0
    result = ivpflow("cijfers", "elders", now=DECEMBER)
    assert (result.exit_code, result.stderr) == (
        1, "Error: 'Tubergen' is not a gemeente of the Netherlands; did you mean "
           "'Tubbergen' or 'Steenbergen'?\n")


def observations_of(store: Store, process_id: str) -> tuple[ObservationRow, ...]:
    return read(store, process_id, parts={"observations"}).observations


def test_the_network_down_is_one_line_with_the_way_out_and_writes_nothing(
        ivpflow: Invoke, started: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("IVPFLOW_CBS_URL", f"http://127.0.0.1:{port}/cbs")
    result = ivpflow("cijfers", "not", now=DECEMBER)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot reach http://127.0.0.1:{port}/cbs/83648NED/DataProperties (connection "
        "refused); nothing was changed. Download the table as CSV from StatLine and import it "
        "with: ivpflow cijfers not --from-file FILE\n")
    assert observations(store) == ()
    assert "figures-imported" not in ivpflow("history", "not").output


def test_a_statline_csv_export_imports_the_same_way(
        ivpflow: Invoke, started: str, store: Store) -> None:
    export = Path(__file__).resolve().parent / "fixtures" / "cbs" / "statline-83648NED.csv"
    result = ivpflow("cijfers", "not", "--from-file", str(export), now=DECEMBER)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "not: 83648NED (Geregistreerde criminaliteit; soort misdrijf, regio), 2021-2025: "
        "18 added, 0 updated, 0 unchanged")
    rows = {(r.name, r.year): r.value for r in observations(store)
            if r.series == "woninginbraak"}
    assert rows[("Losser", 2023)] == 1.6 and ("Losser", 2024) not in rows  # '.': not known
    assert rows[("Nederland", 2024)] == 2.2  # "2024*": provisional, still 2024
    assert {r.source for r in observations(store)} == {"CBS, StatLine CSV"}


def test_a_file_that_is_not_an_export_is_refused(ivpflow: Invoke, started: str,
                                                  tmp_path: Path) -> None:
    export = tmp_path / "cijfers.csv"
    export.write_text("regio,jaar,waarde\nLosser,2023,1\n", encoding="utf-8")
    result = ivpflow("cijfers", "not", "--from-file", str(export), "--table", "83648NED")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {export}: no header row with a column 'Perioden' (is it a StatLine CSV "
           "export, ';'-separated?); nothing was changed\n")


def test_a_politie_table_per_month_counts_a_year_once_its_twelve_months_are_in(
        ivpflow: Invoke, started: str, store: Store, cbs_server: list[str]) -> None:
    result = ivpflow("cijfers", "not", "--table", "47013NED", "--years", "2024-2025",
                     now=DECEMBER)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "not: 47013NED (Geregistreerde misdrijven; soort misdrijf, gemeente, per maand), "
        "2024-2025: 20 added, 0 updated, 0 unchanged"]
    rows = {(r.region, r.year): r for r in observations(store) if r.series == "woninginbraak"}
    assert sorted(rows) == [("GM0168", 2024), ("GM0173", 2024), ("GM0183", 2024),
                            ("GM1774", 2024), ("NL00", 2024)]  # 2025 has ten months only
    assert (rows[("GM0168", 2024)].value, rows[("GM0168", 2024)].source) == (42.0, "Politie")
    assert all(path.startswith("/derden/47013NED/") for path in cbs_server)


def test_undo_looks_past_fetched_figures_to_the_last_decision_of_the_coordinator(
        ivpflow: Invoke, started: str, store: Store, cbs_server: list[str]) -> None:
    assert ivpflow("done", "not", "startnotitie-opstellen",
                   now="2026-11-30T10:00").exit_code == 0
    assert ivpflow("cijfers", "not", "--table", "85146NED", now=DECEMBER).exit_code == 0
    result = ivpflow("undo", "not", now="2026-12-01T11:00")
    assert result.exit_code == 0, result.output
    assert "done startnotitie-opstellen" in result.output
    assert len(observations(store)) == 9  # the figures stay


def test_refusals_speak_dutch_with_dutch_dates(
        ivpflow: Invoke, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_gemeenten(tmp_path, monkeypatch, "Haaren")
    assert ivpflow("start", "elders", "--id", "elders").exit_code == 0
    monkeypatch.setenv("IVPFLOW_LANGUAGE", "nl")
    result = ivpflow("cijfers", "elders", now=DECEMBER)
    # The message after the prefix (which the command line's own catalogue may translate).
    assert (result.exit_code, result.stderr.split(": ", 1)[1]) == (
        1, "Gemeente 'Haaren' is op 1 januari 2021 opgeheven en opgegaan in Boxtel, "
           "Oisterwijk, Tilburg, Vught; noem in de workflow de gemeente waarin zij is "
           "opgegaan\n")


def test_a_progress_bar_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from ivpflow.cli.figures import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        with _progress(8) as step:
            for _ in range(10):  # more requests than foreseen (pages) do not overrun it
                step("http://127.0.0.1/cbs/83648NED/TypedDataSet")
        assert ("Downloading" in stream.getvalue()) is shown
        assert ("100%" in stream.getvalue()) is shown


@pytest.mark.parametrize(("args", "message"), [
    (("--table", "99999NED"), "Unknown table '99999NED'; tables: 83648NED, 85146NED, "
                              "47013NED, 47018NED"),
    (("--years", "2025-2021"), "years '2025-2021' must run from an earlier to a later year "
                               "between 1990 and 2100")], ids=["table", "years"])
def test_a_bad_option_is_refused_before_anything_is_fetched(
        ivpflow: Invoke, started: str, cbs_server: list[str], args: tuple[str, ...],
        message: str) -> None:
    result = ivpflow("cijfers", "not", *args, now=DECEMBER)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert cbs_server == []


def test_the_data_is_asked_for_the_regions_years_and_categories_only(
        ivpflow: Invoke, started: str, cbs_server: list[str]) -> None:
    assert ivpflow("cijfers", "not", "--table", "83648NED", "--years", "2024-2025",
                   now=DECEMBER).exit_code == 0
    data = next(path for path in cbs_server if "TypedDataSet" in path)
    assert ("$filter=(startswith(RegioS,'GM0168') or startswith(RegioS,'GM1774') or "
            "startswith(RegioS,'GM0173') or startswith(RegioS,'GM0183') or "
            "startswith(RegioS,'NL01')) and (Perioden eq '2024JJ00' or Perioden eq "
            "'2025JJ00') and (SoortMisdrijf eq 'T001161' or ") in data


def test_a_service_that_does_not_answer_times_out_as_set(
        ivpflow: Invoke, started: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as silent:  # listens, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        monkeypatch.setenv("IVPFLOW_CBS_URL", f"http://127.0.0.1:{port}/cbs")
        monkeypatch.setenv("IVPFLOW_CBS_TIMEOUT", "0.5")
        result = ivpflow("cijfers", "not", now=DECEMBER)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Cannot reach http://127.0.0.1:{port}/cbs/83648NED/"
                                    "DataProperties (no answer within 0.5 seconds); nothing "
                                    "was changed.")
    assert observations(store) == ()
