"""`meeting sync`: council calendars from OpenBesluitvorming, Notubiz and iCalendar feeds,
replayed from tests/fixtures/meetings by a local server (no test reaches the internet)."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivpflow.cli import cli
from ivpflow.process.meeting_sync import body_for
from ivpflow.workflow.loader import find_definition

from .calendar_server import serving
from .conftest import NOT, Invoke

RECORDED = Path(__file__).parent / "fixtures" / "meetings"
OLDENZAAL = "Oordeelsvormende vergadering=raadscommissie Oldenzaal"
LEFT_OUT = ("3 calendar names name no decision body of not and were left out: Oordeelsvormende "
            "vergadering (18), Presidium (8), Rekenkamercommissie (8) (--map NAME=BODY takes "
            "one in)")


@dataclass
class Griffie:
    """The local stand-in for the sources: its address, the paths asked, its files."""

    base: str
    requests: list[str]
    folder: Path

    def later(self, name: str) -> None:
        """Replace a recorded answer by its later version (name-later.ext)."""
        path = self.folder / name
        shutil.copy(path.with_name(f"{path.stem}-later{path.suffix}"), path)


@pytest.fixture
def griffie(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Griffie]:
    folder = tmp_path / "recorded"
    shutil.copytree(RECORDED, folder)
    with serving(folder) as (base, requests):
        monkeypatch.setenv("IVPFLOW_OPENBESLUITVORMING_URL", base)
        monkeypatch.setenv("IVPFLOW_NOTUBIZ_URL", base)
        yield Griffie(base, requests, folder)


def sync(ivpflow: Invoke, *args: str, process: str = "not") -> list[str]:
    result = ivpflow("meeting", "sync", process, *args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def listed(ivpflow: Invoke, body: str | None = None) -> list[str]:
    """The days of a body's meetings (or every 'body date'), as `meeting list` has them."""
    result = ivpflow("meeting", "list", "not", "--json")
    assert result.exit_code == 0, result.output
    return [m["date"] if body else f"{m['body']} {m['date']}"
            for m in json.loads(result.stdout) if body in (None, m["body"])]


def synced_events(ivpflow: Invoke) -> list[str]:
    events = json.loads(ivpflow("history", "not", "--json").stdout)
    return [e["note"] for e in events if e["event"] == "meetings-synced"]


# --------------------------------------------------------------------------- the reference case

def test_the_reference_case_gets_every_raad_commissie_and_college_for_a_year(
        ivpflow: Invoke, started: str, griffie: Griffie) -> None:
    lines = sync(ivpflow, "--map", OLDENZAAL)
    assert lines[0] == "not: 520 meetings added, 0 moved, 0 cancelled, 0 unchanged"
    assert lines[1] == "Losser: 134 meetings read from OpenBesluitvorming 'losser' (notubiz)"
    # Every raad, commissie and college of the four gemeenten, the whole of 2027.
    coverage = [line for line in lines if line.startswith("  ")]
    assert len(coverage) == 12
    assert coverage[:3] == ["  gemeenteraad Losser: 8 meetings in 2026, 10 meetings in 2027",
                            "  raadscommissie Losser: 8 meetings in 2026, 10 meetings in 2027",
                            "  college Losser: 43 meetings in 2026, 51 meetings in 2027"]
    assert all("10 meetings in 2027" in line or "51 meetings in 2027" in line
               for line in coverage)
    assert lines[-1] == ("2 calendar names name no decision body of not and were left out: "
                         "Presidium (8), Rekenkamercommissie (8) (--map NAME=BODY takes one in)")


def test_the_forecast_lands_on_a_synced_meeting(ivpflow: Invoke, started: str,
                                                griffie: Griffie) -> None:
    def adoption() -> dict[str, str]:
        rows = json.loads(ivpflow("plan", "not", "--json").stdout)
        found: dict[str, str] = next(r for r in rows if r["id"] == "vaststelling-ivp-losser")
        return found

    assert adoption()["meeting"] is None
    sync(ivpflow, "--map", OLDENZAAL)
    after = adoption()
    # The raad of Losser meets on 26 January 2027 in the recorded calendar, and not before
    # the commissie and the college can have dealt with the voorstel.
    assert (after["forecast"], after["meeting"], after["papers_due"]) == (
        "2027-01-26", "2027-01-26", "2027-01-05")
    assert "2027-01-26" in listed(ivpflow, "gemeenteraad Losser")


def test_a_second_sync_changes_nothing(ivpflow: Invoke, started: str, griffie: Griffie) -> None:
    sync(ivpflow)
    version = json.loads(ivpflow("history", "not", "--json").stdout)
    lines = sync(ivpflow)
    assert lines[0] == "not: 0 meetings added, 0 moved, 0 cancelled, 502 unchanged"
    assert json.loads(ivpflow("history", "not", "--json").stdout) == version
    assert synced_events(ivpflow) == ["OpenBesluitvorming: 502 added, 0 moved, 0 cancelled, "
                                      "0 unchanged"]


def test_a_moved_a_cancelled_and_a_new_meeting_and_an_absent_one_kept(
        ivpflow: Invoke, started: str, griffie: Griffie) -> None:
    sync(ivpflow)
    griffie.later("openbesluitvorming/snapshot-losser.ndjson")
    assert sync(ivpflow)[0] == "not: 1 meeting added, 1 moved, 1 cancelled, 499 unchanged"
    raad = listed(ivpflow, "gemeenteraad Losser")
    assert "2026-07-02" in raad and "2026-06-30" not in raad  # moved
    assert "2026-06-16" in raad  # new
    # No longer listed, but the source did not say it is cancelled: it stays.
    assert "2026-05-26" in raad
    assert "2026-04-14" not in listed(ivpflow, "college Losser")  # EventCancelled
    assert synced_events(ivpflow)[-1] == ("OpenBesluitvorming: 1 added, 1 moved, 1 cancelled, "
                                          "499 unchanged")


def test_a_meeting_typed_by_hand_is_taken_over_not_doubled(ivpflow: Invoke, started: str,
                                                           griffie: Griffie) -> None:
    assert ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-03-31").exit_code == 0
    assert sync(ivpflow)[0] == "not: 501 meetings added, 0 moved, 0 cancelled, 1 unchanged"
    assert listed(ivpflow, "gemeenteraad Losser").count("2026-03-31") == 1
    griffie.later("openbesluitvorming/snapshot-losser.ndjson")
    sync(ivpflow)
    assert "2026-06-30" not in listed(ivpflow, "gemeenteraad Losser")


# --------------------------------------------------------------------------- names and coverage

@pytest.mark.parametrize(("name", "gemeente", "mapping", "body"), [
    ("Gemeenteraad", "Losser", {}, "gemeenteraad Losser"),
    ("Raadsvergadering Tubbergen", None, {}, "gemeenteraad Tubbergen"),
    ("Raadscommissie Bestuur en Middelen", "Losser", {}, "raadscommissie Losser"),
    ("College van B&W", "Dinkelland", {}, "college Dinkelland"),
    ("Commissie Losser", "Dinkelland", {}, "raadscommissie Losser"),
    ("Rekenkamercommissie", "Losser", {}, None),
    ("Presidium", "Losser", {}, None),
    ("Raadsvergadering", None, {}, None),
    ("Beeldvormende avond 12 mei", "Losser", {"Beeldvormende": "raadscommissie Losser"},
     "raadscommissie Losser"),
], ids=["raad", "named", "commissie", "college", "named-wins", "rekenkamer", "presidium",
        "no-gemeente", "mapped"])
def test_a_calendar_name_stands_for_a_body(name: str, gemeente: str | None,
                                           mapping: dict[str, str], body: str | None) -> None:
    assert body_for(name, gemeente, find_definition(NOT), mapping) == body


def test_a_commissie_under_another_name_is_left_out_until_mapped(
        ivpflow: Invoke, started: str, griffie: Griffie) -> None:
    lines = sync(ivpflow)
    assert "  raadscommissie Oldenzaal: none found in the source" in lines
    assert lines[-1] == LEFT_OUT
    lines = sync(ivpflow, "--map", OLDENZAAL)
    assert lines[0] == "not: 18 meetings added, 0 moved, 0 cancelled, 502 unchanged"
    assert "  raadscommissie Oldenzaal: 8 meetings in 2026, 10 meetings in 2027" in lines


def test_notubiz_says_which_bodies_it_has_no_meetings_of(ivpflow: Invoke, started: str,
                                                         griffie: Griffie) -> None:
    lines = sync(ivpflow, "--source", "notubiz", "--map", OLDENZAAL)
    assert lines[0] == "not: 425 meetings added, 0 moved, 0 cancelled, 0 unchanged"
    assert "Tubbergen: 40 meetings read from Notubiz organisation 1711" in lines
    assert "  college Tubbergen: none found in the source" in lines
    # Cancelled in Notubiz ('canceled': true) before it was known: never added.
    assert "2026-04-28" not in listed(ivpflow, "gemeenteraad Losser")
    assert any(path.startswith("/events?") and "page=3" in path for path in griffie.requests)


def test_an_icalendar_feed_moves_by_uid_and_cancels_by_status(ivpflow: Invoke, started: str,
                                                              griffie: Griffie) -> None:
    feed = griffie.base + "/feeds/losser.ics"
    lines = sync(ivpflow, "--source", feed)
    assert lines[:4] == ["not: 16 meetings added, 0 moved, 0 cancelled, 0 unchanged",
                         f"16 meetings read from iCalendar feed {feed}",
                         "  gemeenteraad Losser: 8 meetings in 2026",
                         "  raadscommissie Losser: 8 meetings in 2026"]
    griffie.later("ical/losser.ics")
    assert sync(ivpflow, "--source", feed)[0] == ("not: 0 meetings added, 1 moved, 1 cancelled, "
                                                  "14 unchanged")
    assert listed(ivpflow, "gemeenteraad Losser")[-3:] == ["2026-11-03", "2026-11-24",
                                                           "2026-12-15"]
    assert "2026-09-15" not in listed(ivpflow, "raadscommissie Losser")


def test_the_definition_names_each_gemeentes_source_and_names(
        ivpflow: Invoke, griffie: Griffie, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "not.yaml"
    own.write_text(Path(find_definition(NOT).path).read_text(encoding="utf-8")
                   + "meeting_sources:\n  Losser: {source: notubiz, organisation: 1683}\n"
                     "  Oldenzaal:\n    key: oldenzaal\n"
                     "    map: {Oordeelsvormende vergadering: raadscommissie Oldenzaal}\n"
                     f"  Tubbergen: {griffie.base}/feeds/losser.ics\n",
                   encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(own))
    assert ivpflow("start", NOT, "--id", "not").exit_code == 0
    lines = sync(ivpflow)
    assert lines[1:3] == ["Losser: 134 meetings read from Notubiz organisation 1683",
                          "Dinkelland: 134 meetings read from OpenBesluitvorming 'dinkelland' "
                          "(notubiz)"]
    assert "  raadscommissie Oldenzaal: 8 meetings in 2026, 10 meetings in 2027" in lines
    # Tubbergen's feed is a Losser calendar: its meetings are Losser's, as their names say.
    assert f"Tubbergen: 16 meetings read from iCalendar feed {griffie.base}/feeds/losser.ics" \
        in lines
    assert "  gemeenteraad Tubbergen: none found in the source" in lines
    # The organisation was named: Notubiz's list of organisations was not needed.
    assert not any(path.startswith("/organisations?") for path in griffie.requests)
    # Losser's raad is in its Notubiz and in the feed: it stays with one of them.
    assert sync(ivpflow)[0].startswith("not: 0 meetings added, 0 moved, 0 cancelled")
    assert len(synced_events(ivpflow)) == 1


def with_meeting_sources(folder: Path, *entries: str) -> tuple[Path, int]:
    """The reference definition with `meeting_sources:` and these entries added, in a file of
    its own; and the line number of the first entry."""
    own = folder / "not.yaml"
    text = Path(find_definition(NOT).path).read_text(encoding="utf-8")
    own.write_text(text + "meeting_sources:\n" + "".join(f"  {e}\n" for e in entries),
                   encoding="utf-8")
    return own, len(text.splitlines()) + 2


def test_check_names_each_wrong_meeting_source(ivpflow: Invoke, tmp_path: Path) -> None:
    own, first = with_meeting_sources(
        tmp_path, "Losser: {source: ibabs}", "Enschede: notubiz",
        "Tubbergen: {key: tubbergen, organisation: 12, map: {Commissie: commissie Tubbergen}}")
    result = ivpflow("check", str(own))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{own}:{first}: source of Losser must be openbesluitvorming or notubiz or the "
        "https:// address of an iCalendar feed, not 'ibabs'",
        f"{own}:{first + 1}: meeting_sources names 'Enschede', which is not one of the "
        "municipalities (Losser, Dinkelland, Oldenzaal, Tubbergen)",
        f"{own}:{first + 2}: map of Tubbergen: 'Commissie' must name a decision body of the "
        "definition (gemeenteraad Losser, gezagsdriehoek NOT, raadscommissie Losser, "
        "raadscommissie Dinkelland, raadscommissie Oldenzaal, raadscommissie Tubbergen, "
        "college Losser, college Dinkelland, college Oldenzaal, college Tubbergen, "
        "gemeenteraad Dinkelland, gemeenteraad Oldenzaal, gemeenteraad Tubbergen), not "
        "'commissie Tubbergen'",
        f"{own}:{first + 2}: organisation of Tubbergen is a Notubiz organisation id; its source "
        "is openbesluitvorming",
        "Error: 4 problems found"]


def test_check_names_a_wrong_meeting_source_in_dutch(tmp_path: Path) -> None:
    own, first = with_meeting_sources(
        tmp_path, "Losser: {source: ibabs}", "Enschede: notubiz", "Oldenzaal: {key: Oldenzaal}",
        "Tubbergen: {organisation: twaalf}")
    result = CliRunner().invoke(cli, ["check", str(own)], env={"IVPFLOW_LANGUAGE": "nl"})
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{own}:{first}: source van Losser moet openbesluitvorming of notubiz zijn of het "
        "https://-adres van een iCalendar-feed, niet 'ibabs'",
        f"{own}:{first + 1}: meeting_sources noemt 'Enschede', maar dat is niet een van de "
        "gemeenten (Losser, Dinkelland, Oldenzaal, Tubbergen)",
        f"{own}:{first + 2}: key van Oldenzaal moet een bronsleutel van OpenBesluitvorming in "
        "kleine letters zijn (bijvoorbeeld 'losser'), niet 'Oldenzaal'",
        f"{own}:{first + 3}: organisation van Tubbergen moet een organisatie-id van Notubiz "
        "zijn (een getal), niet 'twaalf'"]


# --------------------------------------------------------------------------- refusals

def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_network_down_changes_nothing_and_names_the_way_out(
        ivpflow: Invoke, started: str, monkeypatch: pytest.MonkeyPatch) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("IVPFLOW_OPENBESLUITVORMING_URL", base)
    before = listed(ivpflow)
    result = ivpflow("meeting", "sync", "not")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot reach OpenBesluitvorming at {base}/api/sources (Connection refused); "
        "nothing was changed. Without the network, export the meetings as a file and take it "
        "in with 'ivpflow meeting import not FILE'\n")
    assert listed(ivpflow) == before


def test_a_gemeente_the_source_does_not_list_is_refused_whole(
        ivpflow: Invoke, started: str, griffie: Griffie) -> None:
    sources = griffie.folder / "openbesluitvorming" / "sources.json"
    data = json.loads(sources.read_text(encoding="utf-8"))
    data["sources"] = [s for s in data["sources"] if s["key"] != "tubbergen"]
    sources.write_text(json.dumps(data), encoding="utf-8")
    result = ivpflow("meeting", "sync", "not")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: OpenBesluitvorming lists no gemeente 'Tubbergen'; name it with 'key' under "
        "meeting_sources in the definition, or choose another --source\n")
    assert listed(ivpflow) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--source", "ibabs"], "Error: Unknown meeting source 'ibabs'; meeting sources: "
                            "openbesluitvorming, notubiz, URL\n"),
    (["--source", "nergens.ics"], "Error: Cannot read meetings from 'nergens.ics': No such "
                                  "file or directory\n"),
    (["--map", "Raad=raad Losser"], "Error: Unknown body 'raad Losser'"),
], ids=["source", "file", "map"])
def test_a_wrong_option_is_refused(ivpflow: Invoke, started: str, args: list[str],
                                   message: str) -> None:
    result = ivpflow("meeting", "sync", "not", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)


def test_a_dutch_command_line_reports_in_dutch(ivpflow: Invoke, started: str, griffie: Griffie,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVPFLOW_LANGUAGE", "nl")
    lines = sync(ivpflow, "--map", OLDENZAAL)
    assert lines[:2] == ["not: 520 vergaderingen toegevoegd, 0 verplaatst, 0 vervallen, "
                         "0 ongewijzigd",
                         "Losser: 134 vergaderingen gelezen uit OpenBesluitvorming 'losser' "
                         "(notubiz)"]
    assert "  gemeenteraad Losser: 8 vergaderingen in 2026, 10 vergaderingen in 2027" in lines


def test_json_says_what_was_read_and_found(ivpflow: Invoke, started: str,
                                           griffie: Griffie) -> None:
    feed = griffie.base + "/feeds/losser.ics"
    result = ivpflow("meeting", "sync", "not", "--source", feed, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["added"], data["moved"], data["cancelled"], data["unchanged"]) == (16, 0, 0, 0)
    assert data["read"] == [{"municipality": None, "source": f"iCalendar feed {feed}",
                             "meetings": 16}]
    assert data["found"]["gemeenteraad Losser"][:2] == ["2026-03-31", "2026-04-28"]
    assert data["found"]["college Losser"] == []


def test_an_answer_that_is_not_json_changes_nothing(ivpflow: Invoke, started: str,
                                                    griffie: Griffie) -> None:
    (griffie.folder / "openbesluitvorming" / "sources.json").write_text(
        "<html>Onderhoud</html>", encoding="utf-8")
    result = ivpflow("meeting", "sync", "not")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: OpenBesluitvorming answered {griffie.base}/api/sources "
                             "with something that is not JSON; nothing was changed\n")
    assert listed(ivpflow) == []
