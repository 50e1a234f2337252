"""Honest forecasts: 'not before' with its why where no date can be forecast, and what a
forced advance skipped staying visible (status, plan and the process's verdict)."""

from __future__ import annotations

import json

from .conftest import NOT, Invoke, status_of
from .test_planning import plan_of


def start_not(ivpflow: Invoke) -> None:
    assert ivpflow("start", NOT, "--id", "not", now="2025-09-01").exit_code == 0


def force_opstart(ivpflow: Invoke, now: str) -> None:
    result = ivpflow("advance", "not", "--force", "--reason", "start analyse", now=now)
    assert result.exit_code == 0, result.output


def test_a_forced_advance_leaves_its_open_items_skipped_and_overdue(ivpflow: Invoke) -> None:
    start_not(ivpflow)
    force_opstart(ivpflow, "2026-03-02")
    status = status_of(ivpflow, now="2026-03-02")
    task = next(t for t in status["tasks"] if t["id"] == "werkgroep-samenstellen")
    assert (task["status"], task["skipped"], task["overdue"]) == ("open", True, True)
    assert {"kind": "task", "id": "werkgroep-samenstellen", "due": "2025-09-30"} in (
        status["overdue"])
    assert not next(t for t in status["tasks"] if t["id"] == "cijfers-verzamelen")["skipped"]


def test_skipped_items_keep_the_process_off_on_track(ivpflow: Invoke) -> None:
    # Forced on the first day: nothing is overdue yet, but the opstart's work was not done.
    start_not(ivpflow)
    force_opstart(ivpflow, "2025-09-01")
    verdict = ivpflow("status", "not", now="2025-09-01").stdout.splitlines()[1]
    assert verdict == "7 skipped · IVP adoption forecast 2026-11-30, as planned"
    row = plan_of(ivpflow, now="2025-09-01")["startnotitie-opstellen"]
    assert (row["skipped"], row["at_risk"], row["why"]) == (
        True, False, "left open when its phase was left by a forced advance")


def test_no_forecast_says_why_and_not_before(ivpflow: Invoke) -> None:
    start_not(ivpflow)
    # Losser's raad meets once, long before the voorstel can be ready.
    assert ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-11-10",
                   now="2025-09-01").exit_code == 0
    risk = next(r for r in status_of(ivpflow, now="2026-10-28")["at_risk"]
                if r["id"] == "vaststelling-ivp-losser")
    assert (risk["forecast"], risk["not_before"], risk["adopting"]) == (None, "2027-06-25", True)
    assert risk["why"] == ("no meeting of its body known after it can be ready: not before "
                           "25 juni 2027")
    text = ivpflow("status", "not", now="2026-10-28").stdout
    assert ("IVP adoption forecast not known: no meeting of its body known after it can be "
            "ready: not before 2027-06-25") in text.splitlines()[1]


def test_a_decision_after_an_undated_one_is_not_before_it(ivpflow: Invoke) -> None:
    start_not(ivpflow)
    # The college of Losser meets once, too early: the raad after it has no date either.
    for body, day in (("college Losser", "2026-09-01"), ("gemeenteraad Losser", "2026-12-15")):
        assert ivpflow("meeting", "add", "not", body, day, now="2025-09-01").exit_code == 0
    rows = json.loads(ivpflow("plan", "not", "--json", now="2026-10-28").stdout)
    raad = next(r for r in rows if r["id"] == "vaststelling-ivp-losser")
    assert (raad["forecast"], raad["reasons"][0]["code"],
            raad["reasons"][0]["decision"]) == (None, "waits-for", "raadsvoorstel-college-losser")
    assert raad["not_before"] is not None
