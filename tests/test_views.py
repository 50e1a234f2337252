"""The views to take away: status on a replayed process, the .ics export, the HTML report
(parsed, and opened in headless Chromium) and the Mermaid diagram."""

from __future__ import annotations

import json
import os
import shutil
import string
import struct
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import click
import pytest
from icalendar import Calendar

import ivpflow.cli.views  # noqa: F401  (registers export, report, diagram until cli imports it)
from ivpflow.planning.reasons import REASONS, reason, say, say_in_json
from ivpflow.views.diagram import mermaid_diagram, mermaid_id
from ivpflow.workflow.loader import find_definition, parse_definition

from .conftest import NOT, Invoke, status_of

STATUS_AT = "2026-04-27T10:00"  # Koningsdag, a Monday: no working day
PHASES = ["opstart", "analyse", "prioritering", "ivp", "uitvoeringsplan", "looptijd"]
MEETINGS = [("raadscommissie Losser", "2026-06-15"), ("college Oldenzaal", "2026-10-06"),
            ("gemeenteraad Tubbergen", "2026-11-16"), ("gemeenteraad Losser", "2026-11-24")]
# The Noordoost Twente process as it was really run: (moment, command…)
REPLAY: list[tuple[str, ...]] = [
    ("2025-09-01", "assign", "not", "coordinator", "--name", "Marieke Jansen",
     "--email", "m.jansen@losser.nl"),
    ("2025-09-30", "done", "not", "werkgroep-samenstellen"),
    ("2025-10-28", "done", "not", "startnotitie-opstellen"),
    ("2025-10-28", "done", "not", "startnotitie"),
    ("2025-11-14", "done", "not", "raadsvoorstel-verlenging-losser"),
    ("2025-11-20", "done", "not", "raadsinformatiebrief-versturen"),
    ("2025-11-20", "done", "not", "raadsinformatiebrief"),
    ("2025-12-10", "done", "not", "veiligheidsmonitor-opdracht"),
    ("2025-12-16", "decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
     "--date", "2025-12-16"),
    ("2026-01-20", "decide", "not", "startnotitie-driehoek", "--outcome", "vastgesteld",
     "--date", "2026-01-20"),
    ("2026-02-12", "done", "not", "startbijeenkomst-werkgroep"),
    ("2026-02-16", "advance", "not", "--note", "opstart afgerond"),
    *(("2026-03-01", "meeting", "add", "not", body, day) for body, day in MEETINGS),
    ("2026-04-09", "done", "not", "cijfers-verzamelen"),
    ("2026-04-23", "done", "not", "evaluatie-huidig-beleid"),
]


@pytest.fixture
def replayed(ivpflow: Invoke) -> str:
    """Noordoost Twente started on 1 September 2025 and replayed up to 23 April 2026."""
    assert ivpflow("start", NOT, "--id", "not", now="2025-09-01").exit_code == 0
    for moment, *args in REPLAY:
        result = ivpflow(*args, now=moment)
        assert result.exit_code == 0, (args, result.output)
    return "not"


OLDENZAAL = ["uitvoeringsplan-college-oldenzaal", "uitvoeringsplan-2028-college-oldenzaal",
             "verantwoording-2027-oldenzaal", "uitvoeringsplan-2029-college-oldenzaal",
             "verantwoording-2028-oldenzaal", "uitvoeringsplan-2030-college-oldenzaal",
             "verantwoording-2029-oldenzaal"]
CYCLE_DECISIONS = ["uitvoeringsplan-2028-college", "verantwoording-2027",
                   "uitvoeringsplan-2029-college", "verantwoording-2028",
                   "uitvoeringsplan-2030-college", "verantwoording-2029"]


def plan_of(ivpflow: Invoke, now: str = STATUS_AT) -> list[dict[str, Any]]:
    result = ivpflow("plan", "not", "--json", now=now)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


# --------------------------------------------------------------------------- status


def test_status_json_of_the_replayed_process(ivpflow: Invoke, replayed: str) -> None:
    status = status_of(ivpflow, now=STATUS_AT)
    assert (status["phase"], status["start"], status["today"]) == ("analyse", "2025-09-01",
                                                                    "2026-04-27")
    assert status["phases"][:2] == [
        {"id": "opstart", "title": "Opstart", "status": "done", "due": "2026-02-27",
         "started": "2025-09-01", "completed": "2026-02-16", "final": False},
        {"id": "analyse", "title": "Veiligheidsanalyse", "status": "active", "due": "2026-05-29",
         "started": "2026-02-16", "completed": None, "final": False}]
    assert status["next_deadline"] == {"kind": "task", "id": "veiligheidsmonitor",
                                       "due": "2026-04-30"}
    assert status["overdue"] == []
    # A meeting of college Oldenzaal is known and none after December 2026: its decisions of
    # 2026 and of the 2027-2030 cycle wait for one.
    assert status["at_risk"][0] == {"kind": "decision", "id": "uitvoeringsplan-college-oldenzaal",
                                    "due": "2026-12-31", "forecast": None,
                                    "why": "no meeting of its body known after it can be "
                                           "ready: not before 7 december 2026",
                                    "reasons": [{"code": "no-meeting",
                                                 "not_before": "2026-12-07"}],
                                    "not_before": "2026-12-07", "adopting": False}
    assert sorted(r["id"] for r in status["at_risk"]) == sorted(OLDENZAAL)
    assert status["upcoming"][0] == {"kind": "task", "id": "veiligheidsmonitor",
                                     "due": "2026-04-30", "working_days_left": 3}
    clock = status["clock"]
    assert (clock["adoption_planned"], clock["adoption_forecast"], clock["next_start_by"],
            clock["warnings"]) == ("2026-11-30", "2026-11-30", "2029-10-02", [])
    decisions = {d["id"]: d for d in status["decisions"]}
    assert decisions["vaststelling-ivp-losser"]["due"] == "2026-11-24"  # its raad's meeting
    assert (decisions["verlenging-ivp-losser"]["outcome"],
            decisions["verlenging-ivp-losser"]["date"]) == ("vastgesteld", "2025-12-16")


def test_human_status_of_the_replayed_process(ivpflow: Invoke, replayed: str) -> None:
    result = ivpflow("status", "not", now=STATUS_AT)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[1:7] == [
        "7 at risk · IVP adoption forecast 2026-11-30, as planned",
        "Phase: Veiligheidsanalyse (analyse) since 2026-02-16, due 2026-05-29",
        "Today: 2026-04-27",
        "IVP 2027-2030: adoption planned 2026-11-30, forecast 2026-11-30; the next "
        "process must start by 2029-10-02",
        "The plan it replaces runs until 2026-12-31",
        "No one assigned: projectmanager, portefeuillehouder, werkgroep, griffie, driehoek — "
        "their reminders go to the coordinator"]
    assert "✓  Opstart             done     2026-02-27  2025-09-01  2026-02-16" \
        in lines
    assert any(line.split() == ["2026-04-30", "3", "task", "veiligheidsmonitor",
                                "Oplevering", "resultaten", "veiligheidsmonitor", "door",
                                "extern", "bureau", "Marieke", "Jansen", "(coordinator,",
                                "projectmanager", "unassigned)"] for line in lines)
    assert "At risk (7)" in lines
    assert "Decisions (2 of 46 taken)" in lines
    assert "  Losser         1/11  prioritering-losser       raadscommissie Losser      " \
        "2026-06-15" in lines


# --------------------------------------------------------------------------- iCalendar


def export(ivpflow: Invoke, tmp_path: Path, now: str = STATUS_AT, name: str = "not.ics") -> Any:
    out = tmp_path / name
    result = ivpflow("export", "ics", "not", "--out", str(out), now=now)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    return Calendar.from_ical(out.read_bytes())


def events_of(calendar: Any) -> dict[str, Any]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_ics_has_an_event_per_deadline_and_meeting_on_plans_dates(ivpflow: Invoke,
                                                                  replayed: str,
                                                                  tmp_path: Path) -> None:
    events = events_of(export(ivpflow, tmp_path))
    rows = [r for r in plan_of(ivpflow) if r["planned"]]
    assert len(events) == len(rows) == 102
    for row in rows:
        if row["kind"] == "phase":
            uid = f"not.phase.{row['id']}@ivpflow"
        elif row["kind"] == "meeting":
            uid = f"not.meeting.{row['id'].replace(' ', '-').lower()}.{row['planned']}@ivpflow"
        else:
            uid = f"not.{row['id']}@ivpflow"
        event = events[uid]
        assert event.decoded("dtstart") == date.fromisoformat(row["planned"]), uid
        assert (event.decoded("dtend") - event.decoded("dtstart")).days == 1


def test_ics_uids_are_stable_across_exports(ivpflow: Invoke, replayed: str,
                                            tmp_path: Path) -> None:
    first = events_of(export(ivpflow, tmp_path, name="first.ics"))
    ivpflow("done", "not", "veiligheidsmonitor", now="2026-04-28")
    ivpflow("meeting", "add", "not", "college Losser", "2026-10-06", now="2026-04-28")
    second = events_of(export(ivpflow, tmp_path, now="2026-04-28T09:00", name="second.ics"))
    assert set(second) - set(first) == {"not.meeting.college-losser.2026-10-06@ivpflow"}
    moved = second["not.raadsvoorstel-college-losser@ivpflow"]
    assert moved.decoded("dtstart") == date(2026, 10, 6)  # now on its college's meeting
    assert moved["sequence"] > first["not.raadsvoorstel-college-losser@ivpflow"]["sequence"]


def test_ics_texts_are_dutch_and_open_deadlines_have_alarms(ivpflow: Invoke, replayed: str,
                                                            tmp_path: Path) -> None:
    calendar = export(ivpflow, tmp_path)
    events = events_of(calendar)
    monitor = events["not.veiligheidsmonitor@ivpflow"]
    assert str(monitor["summary"]) == ("Uiterlijk: Oplevering resultaten veiligheidsmonitor "
                                       "door extern bureau")
    assert str(monitor["description"]).splitlines()[:2] == [
        "Taak in fase Veiligheidsanalyse, uiterlijk donderdag 30 april 2026.",
        "Wie: nog niemand toegewezen (Projectmanager / opdrachtgever)."]
    # 10 working days before has passed; 2 working days before is 28 April, 09:00.
    assert [str(a["trigger"].to_ical(), "ascii") for a in monitor.walk("VALARM")] == \
        ["-P1DT15H"]
    done = events["not.startnotitie@ivpflow"]
    assert str(done["summary"]).startswith("✓ Document gereed: ")
    assert done.walk("VALARM") == []
    meeting = events["not.meeting.gemeenteraad-losser.2026-11-24@ivpflow"]
    assert str(meeting["summary"]) == "Vergadering gemeenteraad Losser"
    assert ("Gepland besluit: Vaststelling IVP Noordoost Twente 2027-2030 door de raad van "
            "Losser (vaststelling-ivp-losser)") in str(meeting["description"])
    at_risk = str(events["not.uitvoeringsplan-college-oldenzaal@ivpflow"]["description"])
    assert ("Let op: geen vergadering van het orgaan bekend nadat de stukken klaar kunnen zijn: "
            "niet vóór 7 december 2026." in at_risk.splitlines())
    open_future = [e for e in events.values()
                   if not str(e["summary"]).startswith("✓ ")
                   and e.decoded("dtstart") >= date(2026, 4, 27)]
    assert open_future and all(e.walk("VALARM") for e in open_future)


def test_ics_carries_the_amsterdam_time_zone(ivpflow: Invoke, replayed: str,
                                             tmp_path: Path) -> None:
    calendar = export(ivpflow, tmp_path)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(calendar["x-wr-timezone"]) == "Europe/Amsterdam"
    assert str(calendar["uid"]) == "not@ivpflow"


def test_export_writes_id_ics_in_the_current_folder_by_default(ivpflow: Invoke, replayed: str,
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.chdir(tmp_path)
    result = ivpflow("export", "ics", "not", now=STATUS_AT)
    assert (result.exit_code, result.stdout) == (0, "not.ics\n")
    assert (tmp_path / "not.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert ivpflow("export", "ics", "not", "--out", "-", now=STATUS_AT).stdout_bytes == \
        (tmp_path / "not.ics").read_bytes()


@pytest.mark.parametrize("command", [["export", "ics"], ["report"]], ids=["ics", "report"])
def test_views_of_an_unknown_process_fail_cleanly(ivpflow: Invoke, replayed: str,
                                                  command: list[str]) -> None:
    result = ivpflow(*command, "nergens")
    assert result.exit_code == 1
    assert result.stderr == "Error: Unknown process 'nergens'; known: not\n"


# --------------------------------------------------------------------------- the report


class Elements(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def having(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        """The attributes of every `tag` with these attributes (class_: these classes)."""
        return [a for t, a in self.tags if t == tag and all(
            (set(v.split()) <= set(a.get("class", "").split()) if k == "class_"
             else a.get(k.replace("_", "-")) == v) for k, v in wanted.items())]


@pytest.fixture
def report(ivpflow: Invoke, replayed: str, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    out = tmp_path / "not.html"
    result = ivpflow("report", "not", "--out", str(out), now=STATUS_AT)
    assert (result.exit_code, result.stdout) == (0, f"{out}\n")
    yield out, out.read_text(encoding="utf-8")


def parsed(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_report_timeline_has_the_bars_of_every_phase(report: tuple[Path, str]) -> None:
    page = parsed(report[1])
    for phase in PHASES:
        assert len(page.having("rect", class_="bar planned", data_phase=phase)) == 1, phase
        assert len(page.having("rect", class_="bar forecast", data_phase=phase)) == 1, phase
    assert [a["data-phase"] for a in page.having("rect", class_="bar actual")] == ["opstart",
                                                                                  "analyse"]
    assert page.having("rect", class_="bar actual ongoing") == \
        page.having("rect", class_="bar actual", data_phase="analyse")


def test_report_timeline_marks_every_meeting_and_deadline(ivpflow: Invoke,
                                                          report: tuple[Path, str]) -> None:
    page = parsed(report[1])
    meetings = page.having("polygon", class_="marker meeting")
    assert [(m["data-body"], m["data-date"]) for m in meetings] == MEETINGS
    items = [r for r in plan_of(ivpflow) if r["kind"] in ("task", "decision", "document")]
    markers = page.having("circle", class_="marker deadline") + page.having(
        "rect", class_="marker deadline") + page.having("polygon", class_="marker deadline")
    assert sorted(m["data-id"] for m in markers) == sorted(r["id"] for r in items)
    risky = page.having("polygon", class_="marker deadline risk")
    assert sorted(m["data-id"] for m in risky) == sorted(OLDENZAAL)
    assert len(page.having("line", class_="due marker deadline-phase")) == len(PHASES)


def test_report_svg_is_well_formed_and_today_is_marked(report: tuple[Path, str]) -> None:
    html = report[1]
    svg = ET.fromstring(html[html.index("<svg"):html.index("</svg>") + len("</svg>")])
    today = next(g for g in svg.iter("g") if g.get("class") == "today")
    assert [t.text for t in today.iter("text")] == ["vandaag"]
    assert svg.get("viewBox", "").startswith("0 0 1000 ")


def test_report_lists_the_decisions_per_council(report: tuple[Path, str]) -> None:
    page = parsed(report[1])
    councils = [a["data-council"] for a in page.having("div", class_="council")]
    assert councils == ["Losser", "Dinkelland", "Oldenzaal", "Tubbergen", "Gezamenlijk"]
    html = report[1]
    losser = html[html.index('data-council="Losser"'):html.index('data-council="Dinkelland"')]
    assert parsed(losser).having("tr") and [a["data-decision"] for a in parsed(losser).having(
        "tr") if "data-decision" in a] == ["verlenging-ivp-losser", "prioritering-losser",
                                           "raadsvoorstel-college-losser",
                                           "vaststelling-ivp-losser",
                                           "uitvoeringsplan-college-losser",
                                           *(f"{d}-losser" for d in CYCLE_DECISIONS)]
    assert "1 van 11 genomen" in losser


def test_report_explains_risks_in_dutch_and_shows_clock_and_history(
        report: tuple[Path, str]) -> None:
    html = report[1]
    assert "geen vergadering van het orgaan bekend nadat de stukken klaar kunnen zijn" in html
    assert "uiterlijk 2 oktober 2029 (317 werkdagen doorlooptijd" in html
    assert "opstart → analyse" in html and "opstart afgerond" in html  # the history


def test_report_needs_no_network(report: tuple[Path, str]) -> None:
    page = parsed(report[1])
    links = [(t, a[k]) for t, a in page.tags for k in ("src", "href", "xlink:href") if k in a]
    assert links == []
    assert not [t for t, _ in page.tags if t in ("link", "script", "img", "iframe")]
    assert "http://" not in report[1] and "https://" not in report[1]


def test_report_marks_overdue_deadlines(ivpflow: Invoke, replayed: str, tmp_path: Path) -> None:
    out = tmp_path / "late.html"
    assert ivpflow("report", "not", "--out", str(out), now="2026-05-20").exit_code == 0
    page = parsed(out.read_text(encoding="utf-8"))
    assert [a["data-id"] for a in page.having("circle", class_="marker deadline overdue")] == \
        ["veiligheidsmonitor"]


def test_report_template_can_be_overridden(ivpflow: Invoke, replayed: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "own" / "report"
    own.mkdir(parents=True)
    (own / "report.html.j2").write_text(
        "<p>{{ process.title }}: {{ summary.next.title }} op {{ summary.next.due|datum }}"
        "{{ ' & ' }}{{ councils|length }} gemeenten</p>\n", encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_TEMPLATES", str(tmp_path / "own"))
    result = ivpflow("report", "not", "--out", "-", now=STATUS_AT)
    assert result.stdout == ("<p>Integraal Veiligheidsplan Noordoost Twente 2027-2030: "
                             "Oplevering resultaten veiligheidsmonitor door extern bureau op "
                             "30 april 2026 &amp; 5 gemeenten</p>\n")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which(
        "google-chrome")


def test_report_opens_in_headless_chromium_without_console_messages(
        report: tuple[Path, str], tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is needed in CI to check the report in a browser")
        pytest.skip("chromium is not installed")
    png = tmp_path / "report.png"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
         "--window-size=1280,2000", "--enable-logging=stderr", "--v=0",
         report[0].as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 2000)


# --------------------------------------------------------------------------- the diagram


def test_diagram_is_a_mermaid_state_diagram_of_every_phase(ivpflow: Invoke) -> None:
    result = ivpflow("diagram", NOT)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith('---\ntitle: "Integraal Veiligheidsplan Noordoost Twente 2027-2030"\n'
                           "---\nstateDiagram-v2\n")
    definition = find_definition(NOT)
    lines = {line.strip() for line in text.splitlines()}
    for phase in definition.phases:
        assert f'state "{phase.title}" as {phase.id}' in lines
    ids = definition.phase_ids
    for source, dest in zip(ids, ids[1:], strict=False):
        assert f"{source} --> {dest}: to_{dest} [may_leave]" in lines
        assert f"{dest} --> {source}: reopen_{source}" in lines
    assert {"[*] --> opstart", "afgerond --> [*]"} <= lines


def test_diagram_without_reopen_and_from_a_file(ivpflow: Invoke) -> None:
    source = Path(__file__).parent.parent / "workflows" / "vng-kernbeleid-veiligheid.yaml"
    text = ivpflow("diagram", str(source), "--no-reopen").stdout
    arrows = [line.strip() for line in text.splitlines() if "-->" in line and "[*]" not in line]
    assert len(arrows) == 15  # every phase to every later one
    assert all("to_" in arrow and "reopen_" not in arrow for arrow in arrows)


def test_diagram_of_an_unknown_workflow_fails_cleanly(ivpflow: Invoke) -> None:
    result = ivpflow("diagram", "nergens")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown workflow 'nergens'; available: ")


def test_diagram_ids_are_valid_mermaid_for_any_phase_id() -> None:
    definition = parse_definition(
        "id: x\ntitle: 'Plan \"X\": test'\nroles: {a: A}\nphases:\n"
        "  - {id: eerste-stap, title: Eerste stap}\n  - {id: state, title: Slot, final: true}\n")
    text = mermaid_diagram(definition)
    assert 'title: "Plan \\"X\\": test"' in text
    assert "eerste_stap --> state_phase: to_state [may_leave]" in text
    assert (mermaid_id("eerste-stap"), mermaid_id("note")) == ("eerste_stap", "note_phase")


# --------------------------------------------------------------------------- Dutch reasons


@pytest.mark.parametrize(
    ("reasons", "english", "dutch"),
    [([reason("after-deadline", forecast=date(2026, 6, 5), due=date(2026, 5, 29))],
      "forecast 2026-06-05 is after the deadline 2026-05-29",
      "verwacht op 5 juni 2026, na de termijn van 29 mei 2026"),
     ([reason("after-latest", forecast=date(2026, 6, 5), latest=date(2026, 6, 1), target="ivp",
              by=date(2026, 11, 30)),
       reason("after-period-start", valid_from=date(2027, 1, 1))],
      "forecast 2026-06-05 is after 2026-06-01, the latest date to end 'ivp' by "
      "2026-11-30; adopted after the IVP period begins (2027-01-01)",
      "verwacht op 5 juni 2026, na 1 juni 2026: de laatste dag om 'ivp' vóór 30 november 2026 "
      "af te ronden; vastgesteld na het begin van de IVP-periode (1 januari 2027)"),
     ([reason("plan-expires", plan="IVP (verlengd)", until=date(2026, 12, 31), forecast=None)],
      "the current plan (IVP (verlengd)) expires on 2026-12-31, before the new IVP is "
      "forecast to be adopted (not yet known): extend it by a raadsbesluit",
      "het huidige plan (IVP (verlengd)) loopt af op 31 december 2026, vóór de verwachte "
      "vaststelling van het nieuwe IVP (nog niet bekend): verleng het met een raadsbesluit"),
     ([reason("plan-expires", plan=None, until=date(2026, 12, 31), forecast=date(2027, 2, 1))],
      "the current plan (the plan it replaces) expires on 2026-12-31, before the new IVP "
      "is forecast to be adopted (2027-02-01): extend it by a raadsbesluit",
      "het huidige plan (het plan dat het vervangt) loopt af op 31 december 2026, vóór de "
      "verwachte vaststelling van het nieuwe IVP (1 februari 2027): verleng het met een "
      "raadsbesluit"),
     ([reason("no-meeting", not_before=date(2027, 6, 25))],
      "no meeting of its body known after it can be ready: not before 2027-06-25",
      "geen vergadering van het orgaan bekend nadat de stukken klaar kunnen zijn: niet vóór "
      "25 juni 2027")],
    ids=["late", "target-and-period", "clock", "clock-unnamed-plan", "no-meeting"],
)
def test_reasons_are_said_in_english_and_in_dutch(reasons: list[dict[str, Any]], english: str,
                                                  dutch: str) -> None:
    assert say(reasons) == english
    assert say(reasons, "nl") == dutch
    assert json.loads(json.dumps(reasons)) == reasons  # plain data, as plan --json shows it


def test_the_json_says_reasons_in_english_with_dutch_dates_as_it_always_has() -> None:
    late = [reason("after-deadline", forecast=date(2026, 6, 5), due=date(2026, 5, 29))]
    assert say_in_json(late) == "forecast 5 juni 2026 is after the deadline 29 mei 2026"
    assert say_in_json([]) is None


def test_every_reason_has_the_same_values_in_both_languages() -> None:
    for code, (english, dutch) in REASONS.items():
        names = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        assert names == {name for _, name, _, _ in string.Formatter().parse(dutch) if name}, code
    assert say([]) is None and say(None, "nl") is None
    with pytest.raises(AssertionError):
        reason("no-such-reason")


def test_views_are_registered_with_help() -> None:
    from ivpflow.cli import cli

    context = click.Context(cli)
    for name in ("export", "report", "diagram"):
        command = cli.get_command(context, name)
        assert command is not None and command.help, name


def test_working_days_left_count_on_the_items_own_calendar(ivpflow: Invoke,
                                                           tmp_path: Path) -> None:
    """A gemeente's own closing day is not a working day left for its items (the planner
    counts the same way)."""
    file = tmp_path / "lokaal.yaml"
    file.write_text("""
id: lokaal
title: Lokaal
municipalities:
  - {name: Losser, closing_days: {2026-05-15: Vrijdag na Hemelvaart}}
  - Tubbergen
roles: {coordinator: Coördinator}
phases:
  - id: opstart
    title: Opstart
    due: 2026-06-30
    tasks:
      - id: brief
        title: Brief van {municipality}
        role: coordinator
        due: 2026-05-20
        per_municipality: true
  - {id: klaar, title: Klaar, final: true}
""", encoding="utf-8")
    assert ivpflow("start", str(file), "--id", "l", now="2026-05-11").exit_code == 0
    status = json.loads(ivpflow("status", "l", "--json", now="2026-05-11").stdout)
    left = {u["id"]: u["working_days_left"] for u in status["upcoming"]}
    # 12-20 May: Hemelvaart (14th) is everyone's day off, the 15th only Losser's.
    assert (left["brief-losser"], left["brief-tubbergen"]) == (5, 6)
