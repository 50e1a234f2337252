"""The decision chain: college -> raadscommissie -> gemeenteraad on one voorstel, `after:`
orders and the griffie's chain lead times, in the plan and in the forecast."""

from __future__ import annotations

import json
import textwrap
from datetime import date

import pytest

from ivpflow.errors import DefinitionError
from ivpflow.planning.deadlines import Facts, plan_deadlines
from ivpflow.planning.forecast import forecast
from ivpflow.workdays import DEFAULT_CALENDAR as WORKING
from ivpflow.workflow.loader import parse_definition
from ivpflow.workflow.model import Definition, Meeting

from .conftest import VNG, Invoke
from .test_planning import plan_of

CHAIN = """\
    id: keten
    title: IVP Losser
    roles: {griffie: Griffie}
    phases:
      - id: ivp
        title: Vaststelling
        due: 2026-11
        decisions:
          - {id: college, title: College, body: college Losser, role: griffie,
             document: voorstel, due: 2026-10-06}
          - {id: commissie, title: Commissie, body: raadscommissie Losser, role: griffie,
             document: voorstel, due: 2026-10-27}
          - {id: raad, title: Raad, body: gemeenteraad Losser, role: griffie,
             document: voorstel, due: end}
          - {id: driehoek, title: Driehoek, body: gezagsdriehoek Losser, role: griffie,
             after: raad, due: end}
        documents:
          - {id: voorstel, title: Raadsvoorstel, role: griffie, due: 2026-09-18}
      - {id: klaar, title: Klaar, final: true}
"""
MEETINGS = (Meeting("raadscommissie Losser", date(2026, 10, 27)),
            Meeting("raadscommissie Losser", date(2026, 11, 17)),
            Meeting("gemeenteraad Losser", date(2026, 11, 10)),
            Meeting("gemeenteraad Losser", date(2026, 12, 15)))


def definition_of(text: str) -> Definition:
    return parse_definition(textwrap.dedent(text), "wf.yaml")


def facts(today: date, **settled: date) -> Facts:
    return Facts(start=date(2026, 9, 1), today=today, started={"ivp": date(2026, 9, 1)},
                 status={"ivp": "active", "klaar": "pending"}, settled=settled,
                 meetings=MEETINGS)


def test_the_chain_follows_college_commissie_raad_on_one_voorstel() -> None:
    definition = definition_of(CHAIN)
    assert dict(definition.follows) == {"commissie": "college", "raad": "commissie",
                                        "driehoek": "raad"}


def test_a_commissie_slipping_past_the_raads_meeting_moves_the_raad_after_it() -> None:
    # The commissie of 27 October did not take it; its next meeting is 17 November, after
    # the raad of 10 November: the raad cannot decide before its commissie has advised.
    definition = definition_of(CHAIN)
    known = facts(date(2026, 10, 28), voorstel=date(2026, 10, 1), college=date(2026, 10, 6))
    fc = forecast(definition, known, plan_deadlines(definition, known))
    assert (fc.item["commissie"], fc.item["raad"]) == (date(2026, 11, 17), date(2026, 12, 15))


def test_the_plan_puts_the_raad_after_its_commissie_and_the_driehoek_after_the_raad() -> None:
    definition = definition_of(CHAIN.replace("due: 2026-10-27}", "due: 2026-11-17}"))
    planned = plan_deadlines(definition, facts(date(2026, 9, 1)))
    # Raad: the commissie's 17 November plus 5 working days is after the raad of 10
    # November, so the meeting of 15 December; the driehoek 5 working days after that.
    assert [planned.item_due[i] for i in ("commissie", "raad", "driehoek")] == [
        date(2026, 11, 17), date(2026, 12, 15), date(2026, 12, 22)]


def test_chain_lead_times_are_a_setting() -> None:
    definition = definition_of(CHAIN + "    chain_lead_times: {gezagsdriehoek: 2}\n")
    assert (definition.chain_lead_time("gezagsdriehoek Losser"),
            definition.chain_lead_time("raadscommissie Losser"),
            definition.chain_lead_time("gemeenteraad Losser")) == (2, 10, 5)


@pytest.mark.parametrize(("after", "problem"), [
    ("nergens", "wf.yaml:15: decision 'driehoek' is after unknown decision 'nergens'; "
                "decisions: college, commissie, raad"),
    ("voorstel", "wf.yaml:15: decision 'driehoek' is after unknown decision 'voorstel'; "
                 "decisions: college, commissie, raad"),
], ids=["unknown", "a-document"])
def test_after_must_name_a_decision(after: str, problem: str) -> None:
    with pytest.raises(DefinitionError) as exc:
        definition_of(CHAIN.replace("after: raad", f"after: {after}"))
    assert exc.value.problems == [problem]


def test_after_may_not_come_back_to_itself() -> None:
    text = CHAIN.replace("document: voorstel, due: 2026-10-06",
                         "document: voorstel, after: driehoek, due: 2026-10-06")
    with pytest.raises(DefinitionError) as exc:
        definition_of(text)
    assert exc.value.problems[0] == "wf.yaml:9: decision 'college' is after itself through " \
                                    "'driehoek'"


@pytest.mark.parametrize("phase", ["prioritering", "ivp"])
def test_vng_without_meetings_keeps_the_griffies_lead_times(ivpflow: Invoke,
                                                            phase: str) -> None:
    ivpflow("start", VNG, "--id", "h", "--start", "2026-01-05", now="2026-01-05")
    plan = plan_of(ivpflow, "h", now="2026-01-05")
    rows = json.loads(ivpflow("plan", "h", "--json", now="2026-01-05").stdout)
    phase_due = next(r["planned"] for r in rows if r["kind"] == "phase" and r["id"] == phase)
    days = [date.fromisoformat(plan[f"{phase}-{body}"]["planned"])
            for body in ("college", "commissie", "raad")]
    # Commissie 10 working days after the college, raad 5 after the commissie, and the phase
    # ends with its raad.
    assert (WORKING.working_days_between(days[0], days[1]),
            WORKING.working_days_between(days[1], days[2])) == (10, 5)
    assert phase_due == days[2].isoformat()
    assert not any(row["at_risk"] for row in plan.values())


def test_a_raad_without_a_meeting_before_its_deadline_keeps_the_deadline() -> None:
    # Only the raad of 15 December is known; the chain allows 30 November, so the plan keeps
    # the deadline and the forecast says it will be late.
    definition = definition_of(CHAIN)
    known = Facts(start=date(2026, 9, 1), today=date(2026, 9, 1),
                  meetings=tuple(m for m in MEETINGS if m.date != date(2026, 11, 10)))
    assert plan_deadlines(definition, known).item_due["raad"] == date(2026, 11, 30)
