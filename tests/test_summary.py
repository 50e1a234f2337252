"""The portfolio's summary of a process: what a write stores is what a full plan says, on every
day the summary claims to hold."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from ivpflow.dates import parse_moment
from ivpflow.planning.deadlines import Facts, plan_deadlines
from ivpflow.planning.plan import build_plan
from ivpflow.planning.summary import Summary, summarize
from ivpflow.process.lifecycle import start_process
from ivpflow.store import Store
from ivpflow.store.writer import refresh_summaries
from ivpflow.workflow.loader import find_definition
from ivpflow.workflow.model import Definition, Meeting

from .conftest import NOT, NOW, VNG, Invoke, read, status_of


def scenario(definition: Definition, rng: random.Random) -> Facts:
    """A process somewhere along its way: phases done up to a point, some items settled, some
    meetings known, maybe a suspension that has ended."""
    start = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 200))
    phases = [p for p in definition.phases if not p.final]
    reached = rng.randrange(0, len(phases))
    days = definition.calendar.working
    status, started, completed = {}, {phases[0].id: start}, {}
    moment = start
    for index, phase in enumerate(phases):
        if index < reached:
            moment = days.add_working_days(moment, rng.randrange(5, 60))
            status[phase.id], completed[phase.id] = "done", moment
            started[phases[index + 1].id] = moment
        else:
            status[phase.id] = "active" if index == reached else "pending"
    # Half of them on track (today soon after the last phase began), half running late.
    today = moment + timedelta(days=rng.randrange(0, 10 if rng.random() < 0.5 else 120))
    settled = {item.id: today - timedelta(days=rng.randrange(0, 30))
               for phase in phases[:reached + 1] for item in phase.items if rng.random() < 0.4}
    bodies = definition.bodies
    meetings = tuple(Meeting(rng.choice(bodies), start + timedelta(days=rng.randrange(0, 500)))
                     for _ in range(rng.randrange(0, 12)) if bodies)
    suspensions: tuple[tuple[date, date | None], ...] = ()
    if rng.random() < 0.2:
        begin = start + timedelta(days=rng.randrange(0, 60))
        suspensions = ((begin, begin + timedelta(days=rng.randrange(1, 30))),)
    return Facts(start=start, today=today, started=started, completed=completed, status=status,
                 settled=settled, meetings=meetings, suspensions=suspensions)


def counts(summary: Summary) -> tuple[object, ...]:
    return (summary.overdue, summary.at_risk, summary.next_due, summary.next_kind,
            summary.next_item)


@pytest.mark.parametrize("workflow", [NOT, VNG])
def test_a_summary_holds_on_every_day_it_claims(workflow: str) -> None:
    definition = find_definition(workflow)
    rng = random.Random(workflow)
    lasting = 0
    for _ in range(60):
        facts = scenario(definition, rng)
        planned = plan_deadlines(definition, facts)
        first = summarize(definition, facts, planned)
        last = first.through or facts.today + timedelta(days=200)
        day = facts.today
        while day <= min(last, facts.today + timedelta(days=200)):
            later = Facts(**{**facts.__dict__, "today": day})
            assert counts(summarize(definition, later, planned)) == counts(first), (facts, day)
            day += timedelta(days=1)
        lasting += first.through is None or first.through > facts.today
    assert lasting >= 10  # the bound is not just "today" (else the portfolio plans every day)


def test_the_summary_counts_what_the_plan_and_status_show(not_definition: Definition) -> None:
    facts = scenario(not_definition, random.Random(7))
    summary = summarize(not_definition, facts)
    plan = build_plan(not_definition, facts)
    assert summary.at_risk == sum(row["at_risk"] for row in plan["rows"])
    assert summary.on == facts.today


def test_a_running_suspension_holds_for_the_day_only(not_definition: Definition) -> None:
    facts = Facts(start=date(2026, 3, 2), today=date(2026, 3, 10),
                  status={p.id: "pending" for p in not_definition.phases} | {"opstart": "active"},
                  started={"opstart": date(2026, 3, 2)},
                  suspensions=((date(2026, 3, 5), None),))
    assert summarize(not_definition, facts).through == date(2026, 3, 10)


# --------------------------------------------------------------------------- stored


def test_the_portfolio_says_what_the_status_says_on_any_day(ivpflow: Invoke, started: str
                                                           ) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen")
    ivpflow("meeting", "add", "not", "gemeenteraad Losser", "2026-11-24")
    for day in ("2026-03-02", "2026-03-20", "2026-05-04", "2026-07-01", "2027-02-01"):
        listed = json.loads(ivpflow("processes", "--json", now=day).stdout)[0]
        status = status_of(ivpflow, now=day)
        nxt = status["next_deadline"]
        assert (listed["overdue"], listed["at_risk"], listed["next_deadline"]) == (
            len(status["overdue"]), len(status["at_risk"]), nxt["due"] if nxt else None), day


def test_the_scheduler_stores_the_summaries_a_new_day_made_stale(store: Store,
                                                                 not_definition: Definition
                                                                 ) -> None:
    start_process(store, not_definition, now=NOW, actor="t", process_id="not")
    start_process(store, not_definition, now=NOW, actor="t", process_id="tweede")
    assert read(store).summary_on == NOW.date()
    later = parse_moment("2026-05-04T08:00")
    assert refresh_summaries(store, later) == 2
    assert read(store).summary_on == later.date()
    assert refresh_summaries(store, later) == 0  # they hold for the day: nothing to do


def test_a_tick_leaves_every_summary_true_for_its_day(ivpflow: Invoke, store: Store,
                                                      started: str) -> None:
    assert ivpflow("tick", now="2026-05-04T08:00").exit_code == 0
    row = read(store)
    assert row.summary_on == date(2026, 5, 4) and row.summary_through is not None
    assert row.summary_through >= date(2026, 5, 4)
