"""The report a portefeuillehouder is shown: labels that do not overlap, the risks that matter
first, the history up to the report's moment, Dutch event names, the adoption card when no
date can be forecast, and the .ics time zone over the whole plan period."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from ivpflow.dates import parse_moment
from ivpflow.store import Store
from ivpflow.views.report import EVENT_NL, RISKS_SHOWN, report_context

from .conftest import NOT, Invoke

GEMEENTEN = ("Losser", "Dinkelland", "Oldenzaal", "Tubbergen")
# Every gemeente's college, commissie and raad in the same two weeks of November.
CROWDED = [(f"{body} {name}", f"2026-11-{day:02d}")
           for index, name in enumerate(GEMEENTEN)
           for body, day in (("college", 9 + index), ("raadscommissie", 10 + index),
                             ("gemeenteraad", 16 + index))]


@pytest.fixture
def started(ivpflow: Invoke) -> str:
    assert ivpflow("start", NOT, "--id", "not", now="2025-09-01").exit_code == 0
    return "not"


@pytest.fixture
def store_of(store: Store) -> Any:
    """The report's context at a moment."""
    return lambda now: report_context(store, "not", now=parse_moment(now))


def test_meeting_labels_never_overlap_where_gemeenten_meet_in_one_week(
        ivpflow: Invoke, started: str, store_of: Any) -> None:
    for body, day in CROWDED:
        assert ivpflow("meeting", "add", "not", body, day, now="2025-09-01").exit_code == 0
    timeline = store_of("2025-09-01")["timeline"]
    labels = timeline["meetings"]
    for one in labels:
        for other in labels:
            if one is not other and one["label_y"] == other["label_y"]:
                assert one["label_x1"] + 4 < other["label_x0"] or (
                    other["label_x1"] + 4 < one["label_x0"]), (one["label"], other["label"])
    deepest = max(m["label_y"] for m in labels)
    assert deepest < timeline["lane"]["y"] + timeline["lane"]["height"]
    assert len({m["label_y"] for m in labels}) > 3  # more than the three levels there were


def test_risks_show_the_adoption_first_and_are_capped(started: str, store_of: Any) -> None:
    shown = store_of("2026-10-28")
    assert shown["risks_total"] > RISKS_SHOWN
    assert len(shown["risks"]) == RISKS_SHOWN
    # The four raden's adoption of the IVP before anything else.
    assert sorted(r["id"] for r in shown["risks"][:4]) == sorted(
        f"vaststelling-ivp-{name.lower()}" for name in GEMEENTEN)
    assert len(shown["overdue"]) == RISKS_SHOWN and shown["overdue_total"] > RISKS_SHOWN
    assert [o["kind"] for o in shown["overdue"][:2]] == ["besluit", "besluit"]


def test_history_stops_at_the_reports_moment(ivpflow: Invoke, started: str,
                                             store_of: Any) -> None:
    assert ivpflow("done", "not", "werkgroep-samenstellen", now="2025-09-30").exit_code == 0
    assert ivpflow("done", "not", "startnotitie", now="2025-10-28").exit_code == 0
    assert [e["item"] for e in store_of("2025-10-01")["history"]] == [
        "", "werkgroep-samenstellen"]
    assert len(store_of("2025-10-28T12:00")["history"]) == 3


def test_every_event_the_code_records_has_a_dutch_name() -> None:
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in Path("ivpflow").rglob("*.py"))
    recorded = set(re.findall(r'record\(\s*"([a-z-]+)"', source))
    # `record(f"{kind}-removed")` for the content kinds, and `deleted` in the removal dump.
    recorded |= {f"{kind}-removed" for kind in ("priority", "indicator", "action")}
    recorded |= set(re.findall(r'event="([a-z-]+)"', source))
    assert {"value-set", "forced", "deleted"} <= recorded
    assert sorted(recorded - set(EVENT_NL)) == []
    assert [event for event in recorded if EVENT_NL[event] == event] == []


def test_the_adoption_card_says_not_before_and_why_in_amber(ivpflow: Invoke, started: str,
                                                            store_of: Any,
                                                            tmp_path: Path) -> None:
    # Only one raad meeting known, long before the voorstel can be ready.
    assert ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-11-10",
                   now="2025-09-01").exit_code == 0
    unknown = store_of("2026-10-28")["summary"]["adoption_unknown"]
    assert unknown["not_before"] == date(2027, 6, 25)
    assert unknown["why"].startswith("geen vergadering van het orgaan bekend")
    out = tmp_path / "r.html"
    assert ivpflow("report", "not", "--out", str(out), now="2026-10-28").exit_code == 0
    html = out.read_text(encoding="utf-8")
    card = html[html.index('<div class="label">Vaststelling IVP'):][:400]
    assert '<div class="value">niet vóór 25 juni 2027</div>' in card
    assert 'class="card good"' not in html[html.index("Vaststelling IVP") - 80:
                                           html.index("Vaststelling IVP")]


def test_the_ics_time_zone_covers_the_whole_plan_period(ivpflow: Invoke, started: str,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "not.ics"
    assert ivpflow("export", "ics", "not", "--out", str(out), now="2025-09-01").exit_code == 0
    zone = Calendar.from_ical(out.read_bytes()).walk("VTIMEZONE")[0]
    starts = [sub.decoded("dtstart") for sub in zone.subcomponents]
    for sub in zone.subcomponents:
        for rdate in sub.get("rdate", []) if isinstance(sub.get("rdate"), list) else [
                sub.get("rdate")]:
            if rdate is not None:
                starts += [period.dt for period in rdate.dts]
    # From before the process starts (September 2025) to after the IVP 2027-2030 ends.
    assert min(starts).date() <= date(2025, 3, 30)
    assert max(starts).date() >= date(2030, 10, 27)
