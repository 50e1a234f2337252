"""The four-year clock over the whole cycle: after adoption it counts from the adopted plan,
warns at clock.warn_months before the next process must start, once that date has passed and
once the plan has expired (unless a successor is in the store), mails each warning moment once,
and moves with an extension (`decide … --extends DATE`, `purpose: extension`)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ivpflow.planning.clock import add_months
from ivpflow.store import Store, tables

from .conftest import Invoke, status_of

# One raad, adopted on 24 November 2026: the plan expires four years after the raadsbesluit
# (24 November 2030, before the period's end); the process took 186 working days from its start
# (2 March 2026) to the planned adoption, so the next must start by 5 March 2030.
LOSSER = """\
    id: losser-{first}-{last}
    title: IVP Losser {first}-{last}
    period: {first}-{last}
    replaces: {{title: IVP Losser 2023-2026, until: {until}}}
    municipalities: [Losser]
    target: {{phase: ivp, by: 2026-11-30}}
    roles: {{coordinator: Coördinator, portefeuillehouder: Burgemeester}}
    meetings:
      - {{body: gemeenteraad Losser, date: 2026-11-24}}
    phases:
      - id: ivp
        title: Opstellen IVP
        due: 2026-11-30
        decisions:
          - {{id: vaststelling, title: Vaststelling IVP, body: gemeenteraad Losser,
              role: portefeuillehouder, due: end}}
          - {{id: college-aanbieding, title: Aanbieding aan de raad, body: college Losser,
              role: portefeuillehouder, required: false}}
      # A raad decision without a deadline, taken when the plan needs extending.
      - id: uitvoering
        title: Uitvoering
        decisions:
          - {{id: verlenging, title: Verlenging IVP, body: gemeenteraad Losser,
              role: portefeuillehouder, required: false}}
      - {{id: afgerond, title: Afgerond, final: true}}
"""
MOMENTS = {"12": "2029-03-05", "6": "2029-09-05", "3": "2029-12-05",
           "passed": "2030-03-06", "expired": "2030-11-25"}


def write(tmp_path: Path, first: int = 2027, until: str = "2026-12-31",
          name: str = "wf.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(LOSSER.format(first=first, last=first + 3, until=until)),
                    encoding="utf-8")
    return str(path)


@pytest.fixture
def adopted(ivpflow: Invoke, tmp_path: Path) -> str:
    """'l' started on 2 March 2026, its people assigned, adopted on 24 November 2026 and in
    its phase uitvoering since the day after."""
    assert ivpflow("start", write(tmp_path), "--id", "l").exit_code == 0
    for role, email in (("coordinator", "co@example.nl"), ("portefeuillehouder", "bg@example.nl")):
        assert ivpflow("assign", "l", role, "--name", role.title(), "--email", email).exit_code == 0
    result = ivpflow("decide", "l", "vaststelling", "--outcome", "vastgesteld", now="2026-11-24")
    assert result.exit_code == 0, result.output
    assert ivpflow("advance", "l", now="2026-11-25").exit_code == 0
    return "l"


def clock_keys(store: Store) -> list[str]:
    outbox = tables.outbox
    with store.connect() as conn:
        return sorted(conn.scalars(select(outbox.c.dedupe_key).where(outbox.c.kind == "clock")))


def codes(ivpflow: Invoke, now: str) -> list[dict[str, Any]]:
    return status_of(ivpflow, "l", now=now)["clock"]["reasons"]


def test_after_adoption_the_clock_counts_from_the_raadsbesluit(ivpflow: Invoke,
                                                               adopted: str) -> None:
    clock = status_of(ivpflow, "l", now="2026-11-25")["clock"]
    assert {k: clock[k] for k in ("adopted", "expires", "next_start_by", "lead_working_days",
                                  "next_warning", "reasons")} == {
        "adopted": "2026-11-24", "expires": "2030-11-24", "next_start_by": "2030-03-05",
        "lead_working_days": 186, "next_warning": "2029-03-05", "reasons": []}


@pytest.mark.parametrize(("now", "expected"), [
    ("2029-03-04", []),
    ("2029-03-05", [{"code": "next-start-soon", "months": 12, "by": "2030-03-05",
                     "expires": "2030-11-24", "since": "2029-03-05"}]),
    ("2029-12-05", [{"code": "next-start-soon", "months": 3, "by": "2030-03-05",
                     "expires": "2030-11-24", "since": "2029-12-05"}]),
    ("2030-03-06", [{"code": "next-start-passed", "by": "2030-03-05", "expires": "2030-11-24",
                     "since": "2030-03-06"}]),
    ("2031-06-01", [{"code": "plan-expired", "plan": "IVP Losser 2027-2030",
                     "expires": "2030-11-24", "since": "2030-11-25"}]),
], ids=["before", "12-months", "3-months", "passed", "expired"])
def test_the_clock_warns_of_what_is_true_that_day(ivpflow: Invoke, adopted: str, now: str,
                                                  expected: list[dict[str, Any]]) -> None:
    assert codes(ivpflow, now) == expected


def test_status_words_the_warning_in_english(ivpflow: Invoke, adopted: str) -> None:
    out = ivpflow("status", "l", now="2029-09-05").stdout
    assert ("IVP 2027-2030: adopted 2026-11-24, expires 2030-11-24; the next "
            "process must start by 2030-03-05\n") in out
    assert ("Warning: the next IVP process must start by 2030-03-05, within 6 months: the "
            "plan expires on 2030-11-24\n") in out


def test_replayed_ticks_mail_each_moment_once_to_both_roles(ivpflow: Invoke, store: Store,
                                                            adopted: str) -> None:
    for day in ["2029-03-04", *MOMENTS.values(), "2030-11-25", "2031-01-06"]:
        assert ivpflow("tick", now=f"{day}T09:00").exit_code == 0
    assert clock_keys(store) == sorted(
        f"l|clock|{code}|{step}|{since}|{email}"
        for code, step, since in [("next-start-soon", 12, "2029-03-05"),
                                  ("next-start-soon", 6, "2029-09-05"),
                                  ("next-start-soon", 3, "2029-12-05"),
                                  ("next-start-passed", 1, "2030-03-06"),
                                  ("plan-expired", 1, "2030-11-25")]
        for email in ("bg@example.nl", "co@example.nl"))


def test_a_tick_after_missed_moments_sends_only_the_current_warning_late(
        ivpflow: Invoke, store: Store, adopted: str) -> None:
    result = ivpflow("tick", now="2029-10-01T09:00")
    assert [line for line in result.stdout.splitlines() if line.startswith("  queued clock")] == [
        "  queued clock l (next-start-soon) → co@example.nl",
        "  queued clock l (next-start-soon) → bg@example.nl"]
    assert clock_keys(store) == ["l|clock|next-start-soon|6|2029-09-05|bg@example.nl",
                                 "l|clock|next-start-soon|6|2029-09-05|co@example.nl"]
    outbox = json.loads(ivpflow("outbox", "--json", now="2029-10-01T09:00").stdout)
    assert [m["subject"] for m in outbox if m["kind"] == "clock"] == [
        "Vierjaarsklok: het volgende IVP-proces moet beginnen (IVP Losser 2027-2030)"] * 2


def test_processes_counts_an_adopted_plan_whose_clock_warns_as_at_risk(ivpflow: Invoke,
                                                                        adopted: str) -> None:
    ivpflow("advance", "l", "--to", "afgerond", now="2026-12-01")

    def at_risk(now: str) -> int:
        return json.loads(ivpflow("processes", "--json", now=now).stdout)[0]["at_risk"]

    assert [at_risk(day) for day in ("2029-03-04", "2029-03-05", "2030-11-25")] == [0, 1, 1]


def test_a_successor_in_the_store_silences_the_clock(ivpflow: Invoke, store: Store,
                                                     adopted: str, tmp_path: Path) -> None:
    assert ivpflow("start", write(tmp_path, 2031, "2030-11-24", "next.yaml"), "--id", "l2",
                   now="2029-06-01").exit_code == 0
    clock = status_of(ivpflow, "l", now="2029-09-05")["clock"]
    assert (clock["successor"], clock["reasons"], clock["warnings"]) == ("l2", [], [])
    rows = json.loads(ivpflow("processes", "--json", now="2029-09-05").stdout)
    assert [(r["id"], r["at_risk"]) for r in rows][0] == ("l", 0)
    ivpflow("tick", now="2029-09-05T09:00")
    assert clock_keys(store) == []


def test_a_successor_started_after_the_summary_was_stored_silences_it_too(
        ivpflow: Invoke, store: Store, adopted: str, tmp_path: Path) -> None:
    def at_risk(now: str) -> int:
        rows = json.loads(ivpflow("processes", "--json", now=now).stdout)
        return next(r["at_risk"] for r in rows if r["id"] == "l")

    ivpflow("tick", now="2029-09-05T08:00")  # stores l's summary for the day: its clock warns
    with store.engine.connect() as conn:
        stored = conn.execute(select(tables.processes).where(tables.processes.c.id == "l")).one()
    assert (stored.summary_on, stored.at_risk) == (date(2029, 9, 5), 1)
    assert at_risk("2029-09-05T09:00") == 1
    assert ivpflow("start", write(tmp_path, 2031, "2030-11-24", "next.yaml"), "--id", "l2",
                   now="2029-09-05T10:00").exit_code == 0
    assert at_risk("2029-09-05T11:00") == 0  # the summary still holds for the day; l2 follows


def test_a_late_adoption_leaves_no_future_tense_behind(ivpflow: Invoke, tmp_path: Path) -> None:
    assert ivpflow("start", write(tmp_path, 2026, "2025-12-31"), "--id", "l").exit_code == 0
    before = status_of(ivpflow, "l", now="2026-11-01")
    assert [r["code"] for r in before["clock"]["reasons"]] == ["plan-expires", "adopted-late"]
    ivpflow("decide", "l", "vaststelling", "--outcome", "vastgesteld", now="2026-11-24")
    ivpflow("advance", "l", now="2026-11-25")
    after = status_of(ivpflow, "l", now="2026-11-25")
    assert (after["clock"]["reasons"], after["clock"]["warnings"], after["at_risk"]) == ([], [],
                                                                                       [])
    assert "forecast" not in ivpflow("status", "l", now="2027-06-01").stdout


def test_an_extension_moves_the_expiry_and_status_says_verlengd_tot(ivpflow: Invoke,
                                                                    adopted: str) -> None:
    result = ivpflow("decide", "l", "verlenging", "--outcome", "vastgesteld", "--extends",
                     "2031-06-30", now="2029-09-10")
    assert result.exit_code == 0, result.output
    clock = status_of(ivpflow, "l", now="2029-09-10")["clock"]
    assert (clock["expires"], clock["extended_until"], clock["next_start_by"],
            clock["reasons"]) == ("2031-06-30", "2031-06-30", "2030-10-02", [])
    assert ("IVP 2027-2030: adopted 2026-11-24, expires 2031-06-30, verlengd tot 2031-06-30; "
            "the next process must start by 2030-10-02\n"
            ) in ivpflow("status", "l", now="2029-09-10").stdout


def test_an_extension_before_adoption_moves_the_replaced_plans_expiry(ivpflow: Invoke,
                                                                      tmp_path: Path) -> None:
    assert ivpflow("start", write(tmp_path, 2026, "2025-12-31"), "--id", "l").exit_code == 0
    ivpflow("decide", "l", "verlenging", "--outcome", "vastgesteld", "--extends", "2026-12-31",
            now="2026-05-01")
    clock = status_of(ivpflow, "l", now="2026-05-01")["clock"]
    assert (clock["replaces_until"], clock["replaces_extended"]) == ("2026-12-31", True)
    assert [r["code"] for r in clock["reasons"]] == ["adopted-late"]


@pytest.mark.parametrize(("args", "message"), [
    (("college-aanbieding", "--outcome", "vastgesteld", "--extends", "2031-06-30"),
     "Decision 'college-aanbieding' cannot extend the plan: it is one of 'college Losser'; "
     "only a gemeenteraad extends the plan"),
    (("verlenging", "--outcome", "verworpen", "--extends", "2031-06-30"),
     "Decision 'verlenging' cannot extend the plan: the outcome 'verworpen' extends nothing; "
     "use vastgesteld or gewijzigd-vastgesteld"),
    (("verlenging", "--outcome", "vastgesteld", "--extends", "2030-11-24"),
     "Decision 'verlenging' cannot extend the plan: 2030-11-24 is not after the current "
     "expiry, 2030-11-24"),
], ids=["college", "verworpen", "not-later"])
def test_decide_extends_refuses_and_records_nothing(ivpflow: Invoke, adopted: str,
                                                    args: tuple[str, ...], message: str) -> None:
    result = ivpflow("decide", "l", *args, now="2029-09-10")
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert [d["outcome"] for d in status_of(ivpflow, "l", now="2029-09-10")["decisions"]] == [
        "vastgesteld", None, None]


EXTENSION = """\
    id: verlenging-losser-2025-2026
    title: Verlenging IVP Losser 2025-2026
    purpose: extension
    period: 2025-2026
    replaces: {title: IVP Losser 2021-2024, until: 2024-12-31}
    municipalities: [Losser]
    roles: {coordinator: Coördinator, portefeuillehouder: Burgemeester}
    meetings:
      - {body: gemeenteraad Losser, date: 2025-12-16}
    phases:
      - id: verlenging
        title: Verlenging
        due: 2025-12-31
        decisions:
          - {id: verlenging, title: Verlenging, body: gemeenteraad Losser, role: portefeuillehouder,
             extends: 2026-12-31, due: end}
      - {id: afgerond, title: Afgerond, final: true}
"""


def test_an_extension_workflow_is_planned_and_judged_as_one(ivpflow: Invoke,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "verlenging.yaml"
    path.write_text(textwrap.dedent(EXTENSION), encoding="utf-8")
    assert ivpflow("start", str(path), "--id", "v", now="2025-09-01").exit_code == 0
    status = status_of(ivpflow, "v", now="2025-09-01")
    assert status["at_risk"] == []  # adopted in its own period: what an extension is
    assert [r["code"] for r in status["clock"]["reasons"]] == ["plan-expires"]
    ivpflow("decide", "v", "verlenging", "--outcome", "vastgesteld", now="2025-12-16")
    clock = status_of(ivpflow, "v", now="2025-12-17")["clock"]
    # It expires on its decision's `extends`; its own 76 working days are the lead time.
    assert (clock["purpose"], clock["adopted"], clock["expires"], clock["reasons"]) == (
        "extension", "2025-12-16", "2026-12-31", [{
            "code": "next-start-soon", "months": 12, "by": "2026-09-15",
            "expires": "2026-12-31", "since": "2025-09-15"}])


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    from datetime import date

    assert [add_months(date(2028, 2, 29), 12), add_months(date(2030, 3, 31), -1),
            add_months(date(2026, 11, 24), 48)] == [date(2029, 2, 28), date(2030, 2, 28),
                                                     date(2030, 11, 24)]


def test_the_digest_of_a_completed_plan_comes_only_while_its_clock_warns(
        ivpflow: Invoke, store: Store, adopted: str) -> None:
    ivpflow("advance", "l", "--to", "afgerond", now="2026-12-01")
    ivpflow("tick", now="2029-02-26T08:00")  # a Monday before the first moment
    ivpflow("tick", now="2029-09-10T08:00")  # a Monday in the 6-month warning
    outbox = tables.outbox
    with store.connect() as conn:
        digests = conn.execute(select(outbox.c.recipient, outbox.c.moment, outbox.c.body_text)
                               .where(outbox.c.kind == "digest")).all()
    assert [(d.recipient, d.moment.isoformat()) for d in digests] == [
        ("co@example.nl", "2029-09-10")]
    assert ("Vierjaarsklok:\n  - het volgende IVP-proces moet uiterlijk 5 maart 2030 beginnen, "
            "binnen 6 maanden: het plan loopt af op 24 november 2030\n") in digests[0].body_text


def test_check_names_every_bad_clock_setting_with_its_line() -> None:
    from ivpflow.errors import DefinitionError
    from ivpflow.workflow.loader import parse_definition

    text = textwrap.dedent(LOSSER.format(first=2027, last=2030, until="2026-12-31")).replace(
        "target:", "purpose: verlengen\nclock: {warn_months: [12, 0]}\ntarget:").replace(
        "required: false}", "required: false, extends: 2031}", 1)
    with pytest.raises(DefinitionError) as exc:
        parse_definition(text, "wf.yaml")
    assert exc.value.problems == [
        "wf.yaml:6: purpose 'verlengen' must be one of: plan, extension",
        "wf.yaml:7: clock.warn_months must be a list of months between 1 and 36, e.g. "
        "[12, 6, 3]",
        "wf.yaml:20: extends of decision 'college-aanbieding' must be a date (YYYY-MM-DD), "
        "not '2031'"]


def test_a_college_decision_cannot_extend_the_plan_in_the_definition() -> None:
    from ivpflow.errors import DefinitionError
    from ivpflow.workflow.loader import parse_definition

    text = textwrap.dedent(LOSSER.format(first=2027, last=2030, until="2026-12-31")).replace(
        "required: false}", "required: false, extends: 2031-06-30}", 1)
    with pytest.raises(DefinitionError, match=r"wf.yaml:18: decision 'college-aanbieding' of "
                       r"'college Losser' cannot extend the plan: only a gemeenteraad can"):
        parse_definition(text, "wf.yaml")


def test_processes_plans_lists_the_plans_in_force_with_their_clocks(ivpflow: Invoke,
                                                                    adopted: str) -> None:
    rows = json.loads(ivpflow("processes", "--plans", "--json", now="2029-03-05").stdout)
    assert [(r["id"], r["period"], r["adopted"], r["expires"], r["next_start_by"],
             [c["code"] for c in r["reasons"]]) for r in rows] == [
        ("l", "2027-2030", "2026-11-24", "2030-11-24", "2030-03-05", ["next-start-soon"])]
    table = ivpflow("processes", "--plans", now="2029-03-05").stdout.splitlines()
    assert table[0].split() == ["id", "period", "adopted", "expires", "next", "start", "by",
                                "followed", "by", "clock"]
    assert table[1].startswith("l   2027-2030  2026-11-24  2030-11-24  2030-03-05")
    assert "within 12 months" in table[1]


def test_processes_plans_without_an_adopted_plan_says_so(ivpflow: Invoke, started: str) -> None:
    assert ivpflow("processes", "--plans").stdout == (
        "No adopted plan yet; a plan is in force once its raad has adopted it.\n")


def test_only_the_coordinators_clock_mail_carries_commands(ivpflow: Invoke, store: Store,
                                                           adopted: str) -> None:
    assert ivpflow("tick", now="2029-03-05T09:00").exit_code == 0
    outbox = tables.outbox
    with store.connect() as conn:
        bodies = dict(conn.execute(select(outbox.c.recipient, outbox.c.body_text)
                                   .where(outbox.c.kind == "clock")).all())
    assert "ivpflow status l" in bodies["co@example.nl"]
    assert "ivpflow" not in bodies["bg@example.nl"].split("--\n")[0]
    assert "U ontvangt dit bericht als Burgemeester." in bodies["bg@example.nl"]
