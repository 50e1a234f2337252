"""The plan's life after adoption: a definition's `cycle` made into one phase of yearly items,
refused with its line when it is wrong, and the reference process replayed from adoption to
the end of its period."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ivpflow.dates import parse_moment
from ivpflow.errors import DefinitionError
from ivpflow.process.items import complete, decide
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.people import assign
from ivpflow.store import Store
from ivpflow.views.outbox import outbox_messages
from ivpflow.views.status import process_status
from ivpflow.workdays import DEFAULT_CALENDAR as DAYS
from ivpflow.workflow.loader import compile_definition, load_compiled, parse_definition
from ivpflow.workflow.model import Definition

from .conftest import Invoke, settle_skipped

SMALL = """\
id: klein-2027-2030
title: IVP Losser en Dinkelland 2027-2030
period: 2027-2030
municipalities: [Losser, Dinkelland]
roles: {coordinator: Coördinator, portefeuillehouder: Burgemeester}
phases:
  - id: ivp
    title: Opstellen IVP
    due: 2026-11
  - id: afgerond
    title: Afgerond
    final: true
cycle:
  title: Uitvoering en verantwoording 2027-2030
  tasks:
    - id: evaluatie-{year}
      title: Evaluatie IVP {year}
      role: coordinator
      years: 2030
      due: "{year}-04"
  decisions:
    - id: uitvoeringsplan-{year}-college
      title: Uitvoeringsplan {year} door het college van {municipality}
      body: college {municipality}
      per_municipality: true
      role: portefeuillehouder
      document: uitvoeringsplan-{year}
      years: 2029-2030
      due: "{year-1}-12"
  documents:
    - id: uitvoeringsplan-{year}
      title: Uitvoeringsplan {year}
      role: coordinator
      years: [2029, 2030]
      due: "{year-1}-11-27"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "klein.yaml")
    return caught.value.problems


def test_the_cycle_is_one_phase_of_yearly_items_before_the_final_state() -> None:
    definition = parse_definition(SMALL, "klein.yaml")
    assert definition.phase_ids == ["ivp", "looptijd", "afgerond"]
    assert definition.cycle == "looptijd"
    looptijd = definition.phase("looptijd")
    assert looptijd.title == "Uitvoering en verantwoording 2027-2030"
    assert looptijd.due is not None and looptijd.due.day == date(2030, 12, 31)
    assert {i.id: (i.kind, i.due.text if i.due else None) for i in looptijd.items} == {
        "evaluatie-2030": ("task", "2030-04"),
        "uitvoeringsplan-2029-college-losser": ("decision", "2028-12"),
        "uitvoeringsplan-2029-college-dinkelland": ("decision", "2028-12"),
        "uitvoeringsplan-2030-college-losser": ("decision", "2029-12"),
        "uitvoeringsplan-2030-college-dinkelland": ("decision", "2029-12"),
        "uitvoeringsplan-2029": ("document", "2028-11-27"),
        "uitvoeringsplan-2030": ("document", "2029-11-27")}
    college = definition.items["uitvoeringsplan-2030-college-losser"]
    assert (college.title, college.body, college.document) == (
        "Uitvoeringsplan 2030 door het college van Losser", "college Losser",
        "uitvoeringsplan-2030")
    assert definition.items["uitvoeringsplan-2029"].line == 31


def test_the_compiled_form_expands_the_same_cycle() -> None:
    definition = parse_definition(SMALL, "klein.yaml")
    again = load_compiled(compile_definition(definition), SMALL, "klein.yaml")
    assert again.phase_ids == definition.phase_ids
    assert [(i.id, i.due) for i in again.items.values()] == [
        (i.id, i.due) for i in definition.items.values()]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("period: 2027-2030\n", "",
      "klein.yaml:12: cycle needs the definition's period (e.g. 'period: 2027-2030'): its "
      "items are per year of it"),
     ("      years: 2030\n", "      years: 2031\n",
      "klein.yaml:19: years of cycle task 'evaluatie-{year}' must lie in the period "
      "2027-2030, not 2031"),
     ("      years: 2030\n", "      years: vijf\n",
      "klein.yaml:19: years of cycle task 'evaluatie-{year}' must be a year, two years "
      "('2027-2030') or a list of years, not 'vijf'"),
     ("Evaluatie IVP {year}", "Evaluatie IVP {jaar}",
      "klein.yaml:17: unknown placeholder '{jaar}' in cycle task 'evaluatie-{year}'; use "
      "{year}, {year-1}, {year+1} or {municipality}"),
     ("- id: evaluatie-{year}", "- id: evaluatie",
      "klein.yaml:16: cycle task 'evaluatie' is for 4 years: its id needs {year} to be one "
      "id per year"),
     ("  title: Uitvoering en", "  phase: looptijd\n  title: Uitvoering en",
      "klein.yaml:14: unknown key 'phase' in cycle; allowed: decisions, description, "
      "documents, due, id, tasks, title"),
     ('      due: "{year-1}-11-27"', '      due: "{year-1}-02-30"',
      "klein.yaml:35: deadline '2028-02-30' (for 2029) is not a date")],
    ids=["no-period", "year-outside-period", "bad-years", "unknown-placeholder",
         "id-without-year", "unknown-key", "no-such-day"],
)
def test_a_bad_cycle_is_refused_with_its_line(old: str, new: str, expected: str) -> None:
    text = SMALL.replace(old, new, 1)
    if "- id: evaluatie\n" in text:
        text = text.replace("      years: 2030\n", "")
    assert problems(text)[0] == expected


def test_an_item_of_the_cycle_is_checked_like_any_other() -> None:
    text = SMALL.replace("role: portefeuillehouder", "role: burgemeester", 1)
    # Written once for two years and two gemeenten: reported once, on its own line.
    assert problems(text) == ["klein.yaml:26: unknown role 'burgemeester'; roles: "
                              "coordinator, portefeuillehouder"]


def test_the_reference_workflow_declares_its_2027_2030_cycle(
        not_definition: Definition) -> None:
    definition = not_definition
    assert definition.phase_ids[-3:] == ["uitvoeringsplan", "looptijd", "afgerond"]
    groups = Counter(i.id.removesuffix(f"-{i.municipality.lower()}") if i.municipality
                     else i.id for i in definition.phase("looptijd").items)
    assert groups == Counter({
        **{f"acties-trekkers-{y}": 1 for y in (2028, 2029, 2030)},
        **{f"uitvoeringsplan-{y}": 1 for y in (2028, 2029, 2030)},
        **{f"uitvoeringsplan-{y}-college": 4 for y in (2028, 2029, 2030)},
        **{f"uitvoeringsplan-{y}-driehoek": 1 for y in (2028, 2029, 2030)},
        **{f"indicatoren-{y}": 1 for y in (2027, 2028, 2029)},
        **{f"verantwoording-{y}": 4 for y in (2027, 2028, 2029)},
        **{f"raadsinformatiebrief-verantwoording-{y}": 1 for y in (2027, 2028, 2029)},
        "evaluatie-2030": 1, "start-volgend-ivp": 1})


# --------------------------------------------------------------------------- the replay

ADOPTED = date(2026, 11, 10)
END = date(2030, 12, 31)
# Done a week early (no two-day or due-day reminder) and three weeks late (overdue reminders
# and the escalation, then nothing once it is done).
EARLY = {"evaluatie-2030": 5}
LATE = {"verantwoording-2028-oldenzaal": 12}
OTHERS = ("-dinkelland", "-oldenzaal", "-tubbergen")


def adopted_process(store: Store, definition: Definition) -> dict[str, str]:
    """The reference process on the day the four raden adopt the IVP, with one person per
    role."""
    start_process(store, definition, now=parse_moment("2026-11-09T09:00"), actor="t",
                  process_id="not")
    emails = {role: f"{role}@not.example" for role in definition.roles}
    for role, email in emails.items():
        assign(store, "not", role, name=role.capitalize(), email=email,
               now=parse_moment("2026-11-09T09:00"), actor="t")
    advance(store, "not", now=parse_moment("2026-11-09T10:00"), actor="t", to="ivp",
            force=True, reason="opstart tot en met prioritering liepen buiten ivpflow")
    evening = parse_moment(f"{ADOPTED.isoformat()}T21:00")
    for municipality in definition.municipalities:
        decide(store, "not", f"vaststelling-ivp-{municipality.lower()}",
               outcome="vastgesteld", now=evening, actor="griffie")
    advance(store, "not", now=evening, actor="t", force=True,
            reason="publicatie en informeren driehoek buiten ivpflow")
    # What ran outside ivpflow is recorded afterwards, or it would be reminded of.
    settle_skipped(store, "not", parse_moment(f"{ADOPTED.isoformat()}T21:30"))
    return emails


def expected_reminders(entries: list[dict[str, str]], emails: dict[str, str]
                       ) -> Counter[tuple[str, str, str, str]]:
    """Per item its reminders 10 and 2 working days before, on the day, and, when it is
    late, every 5 working days overdue and the escalation after 10."""
    expected: Counter[tuple[str, str, str, str]] = Counter()
    for entry in entries:
        due, to = date.fromisoformat(entry["due"]), emails[entry["role"]]
        moments = [("upcoming", -10)]
        if entry["id"] not in EARLY:
            moments += [("upcoming", -2), ("due", 0)]
        late = LATE.get(entry["id"], 0)
        moments += [("overdue", n) for n in range(1, late + 1, 5)]
        for kind, offset in moments:
            expected[(kind, entry["id"], DAYS.add_working_days(due, offset).isoformat(),
                      to)] += 1
        if late >= 10:
            expected[("escalation", entry["id"], DAYS.add_working_days(due, 10).isoformat(),
                      emails["projectmanager"])] += 1
    return expected


def test_replay_from_adoption_to_the_end_of_2030_reminds_each_yearly_item_once(
        store: Store, not_definition: Definition, ivpflow: Invoke, store_dir: Path) -> None:
    definition = not_definition
    emails = adopted_process(store, definition)
    status = process_status(store, "not", now=parse_moment("2026-11-11"))
    entries = [e for e in status["tasks"] + status["decisions"] + status["documents"]
               if e["phase"] in ("uitvoeringsplan", "looptijd")]
    # The yearly items, Losser's standing for each gemeente's.
    schedule: dict[str, list[str]] = {}
    for entry in sorted(entries, key=lambda e: (e["due"], e["id"])):
        if entry["phase"] == "looptijd" and not entry["id"].endswith(OTHERS):
            schedule.setdefault(entry["due"][:4], []).append(f"{entry['due'][5:]} {entry['id']}")
    assert schedule == {
        "2027": ["11-12 acties-trekkers-2028", "11-26 uitvoeringsplan-2028",
                 "12-31 uitvoeringsplan-2028-college-losser",
                 "12-31 uitvoeringsplan-2028-driehoek"],
        "2028": ["02-11 indicatoren-2027", "02-25 raadsinformatiebrief-verantwoording-2027",
                 "03-31 verantwoording-2027-losser", "11-13 acties-trekkers-2029",
                 "11-27 uitvoeringsplan-2029", "12-29 uitvoeringsplan-2029-college-losser",
                 "12-29 uitvoeringsplan-2029-driehoek"],
        "2029": ["02-13 indicatoren-2028", "02-27 raadsinformatiebrief-verantwoording-2028",
                 "03-30 verantwoording-2028-losser", "08-15 start-volgend-ivp",
                 "11-13 acties-trekkers-2030", "11-27 uitvoeringsplan-2030",
                 "12-31 uitvoeringsplan-2030-college-losser",
                 "12-31 uitvoeringsplan-2030-driehoek"],
        "2030": ["02-13 indicatoren-2029", "02-27 raadsinformatiebrief-verantwoording-2029",
                 "03-29 verantwoording-2029-losser", "04-30 evaluatie-2030"]}
    dues = {e["id"]: date.fromisoformat(e["due"]) for e in entries}
    settle = {item: DAYS.add_working_days(due, LATE.get(item, 0) - EARLY.get(item, 0))
              for item, due in dues.items()}
    expected = expected_reminders(entries, emails)
    # Every Monday for the digest, and every day a reminder is due: a tick queues the latest
    # moment that has come, so one on a day between would only find what these found.
    days = {date.fromisoformat(moment) for _, _, moment, _ in expected}
    day = ADOPTED + timedelta(days=1)
    days |= {day + timedelta(days=n) for n in range((END - day).days + 1)
             if (day + timedelta(days=n)).weekday() == 0}
    # The two phases after adoption end on their deadlines: the last day of 2026 and of 2030.
    ends = {date.fromisoformat(p["due"]) for p in status["phases"]
            if p["id"] in ("uitvoeringsplan", "looptijd")}
    assert ends == {date(2026, 12, 31), END}
    warnings: dict[int, list[str | None]] = {}
    for day in sorted(days | set(settle.values()) | {END}
                      | {date(y, 1, 4) for y in range(2027, 2031)}):
        result = ivpflow("tick", now=f"{day.isoformat()}T08:00")
        assert result.exit_code == 0, result.output
        evening = parse_moment(f"{day.isoformat()}T17:00")
        for item in [i for i, when in settle.items() if when == day]:
            if definition.items[item].kind == "decision":
                decide(store, "not", item, outcome="vastgesteld", now=evening, actor="t")
            else:
                complete(store, "not", item, now=evening, actor="t")
        if day in ends:
            advance(store, "not", now=parse_moment(f"{day.isoformat()}T17:30"), actor="t")
        if day.month == 1 and day.day == 4:
            clock = process_status(store, "not", now=evening)["clock"]
            assert clock is not None
            warnings[day.year] = clock["warnings"]
    sent = outbox_messages(store, "sent")
    reminders = Counter((m["kind"], m["item"], m["moment"], m["to"]) for m in sent
                        if m["kind"] != "digest")
    # No next process is started in this store, so the four-year clock warns the coordinator
    # and the portefeuillehouder once at each of its moments: 12, 6 and 3 months before the
    # next process must start (15 August 2029: the plan expires four years after the
    # raadsbesluit), the day after, and the day after the plan expires.
    clock_moments = ("2028-08-15", "2029-02-15", "2029-05-15", "2029-08-16", "2030-11-11")
    expected.update({("clock", None, moment, f"{role}@not.example"): 1
                     for moment in clock_moments
                     for role in ("coordinator", "portefeuillehouder")})
    assert reminders == expected
    assert outbox_messages(store, "failed") == [] and outbox_messages(store, "queued") == []
    mondays = sum(1 for d in days if d.weekday() == 0)
    assert len([m for m in sent if m["kind"] == "digest"]) == mondays == 216
    assert warnings == {2027: [], 2028: [], 2029: [
        "the next IVP process must start by 15 augustus 2029, within 12 months: the plan "
        "expires on 10 november 2030"], 2030: [
        "the next IVP process should have started by 15 augustus 2029 and none has: the plan "
        "expires on 10 november 2030"]}
    final = process_status(store, "not", now=parse_moment("2030-12-31T18:00"))
    # Only what the forced advances to adoption skipped stays overdue (visible as skipped):
    # nothing of the cycle.
    assert final["phase"] == "afgerond"
    assert [o for o in final["overdue"] if o["due"] > "2026-11-30"] == []
    drafted = {p.name.rsplit("-v", 1)[0] for p in (store_dir / "drafts").rglob("*.md")}
    assert {"uitvoeringsplan-2028", "uitvoeringsplan-2030",
            "raadsinformatiebrief-verantwoording-2029-tubbergen"} <= drafted


def test_the_yearly_items_are_in_plan_ics_report_and_drafts(
        ivpflow: Invoke, started: str, store_dir: Path, tmp_path: Path) -> None:
    plan = json.loads(ivpflow("plan", "not", "--json").stdout)
    looptijd = {row["id"]: row["planned"] for row in plan if row["phase"] == "looptijd"}
    assert {k: looptijd[k] for k in ("looptijd", "uitvoeringsplan-2029",
                                     "uitvoeringsplan-2029-college-losser",
                                     "raadsinformatiebrief-verantwoording-2027",
                                     "evaluatie-2030", "start-volgend-ivp")} == {
        "looptijd": "2030-12-31", "uitvoeringsplan-2029": "2028-11-27",
        "uitvoeringsplan-2029-college-losser": "2028-12-29",
        "raadsinformatiebrief-verantwoording-2027": "2028-02-25",
        "evaluatie-2030": "2030-04-30", "start-volgend-ivp": "2029-10-02"}
    ics = ivpflow("export", "ics", "not", "--out", str(tmp_path / "not.ics"))
    assert ics.exit_code == 0, ics.output
    calendar = (tmp_path / "not.ics").read_text(encoding="utf-8")
    assert "Uitvoeringsplan 2029 IVP Noordoost Twente" in calendar
    report = ivpflow("report", "not", "--out", str(tmp_path / "report.html"))
    assert report.exit_code == 0, report.output
    assert "Uitvoeringsplan 2029 IVP Noordoost Twente" in (tmp_path / "report.html").read_text(
        encoding="utf-8")
    drafts = ivpflow("draft", "not", "raadsinformatiebrief-verantwoording-2027", "--format",
                     "md")
    assert [Path(p).name for p in drafts.stdout.split()] == [
        f"raadsinformatiebrief-verantwoording-2027-{g}-v1.md"
        for g in ("losser", "dinkelland", "oldenzaal", "tubbergen")]


def test_a_late_first_uitvoeringsplan_leaves_the_later_years_on_time(
        ivpflow: Invoke, started: str) -> None:
    plan = json.loads(ivpflow("plan", "not", "--json").stdout)
    at_risk = {row["id"]: row["phase"] for row in plan if row["at_risk"]}
    # Behind in 2026: the uitvoeringsplan 2027 is forecast after its deadline ...
    assert at_risk["uitvoeringsplan-driehoek"] == "uitvoeringsplan"
    # ... but that of 2028 is still due in December 2027, and none of the cycle is late.
    assert "looptijd" not in at_risk.values()
    forecast = {row["id"]: row["forecast"] for row in plan}
    assert forecast["uitvoeringsplan-2028-driehoek"] == "2027-12-31"


@pytest.mark.parametrize("adopted, by", [(False, "2029-10-02"), (True, "2029-08-15")],
                         ids=["planned", "adopted-four-years-before-november-2030"])
def test_status_plan_and_the_clock_give_one_next_start(
        store: Store, not_definition: Definition, ivpflow: Invoke, adopted: bool,
        by: str) -> None:
    if adopted:  # on 10 November 2026: the plan expires four years later, 10 November 2030
        adopted_process(store, not_definition)
    else:
        start_process(store, not_definition, now=parse_moment("2025-09-01T09:00"), actor="t",
                      process_id="not")
    status = json.loads(ivpflow("status", "not", "--json", now="2026-11-11").stdout)
    plan = json.loads(ivpflow("plan", "not", "--json", now="2026-11-11").stdout)
    task = next(t for t in status["tasks"] if t["id"] == "start-volgend-ivp")
    row = next(r for r in plan if r["id"] == "start-volgend-ivp")
    assert (status["clock"]["next_start_by"], task["due"], row["planned"]) == (by, by, by)


NEXT_START = """\
id: volgende-start
title: IVP Losser 2027-2030
period: 2027-2030
roles: {coordinator: Coördinator}
phases:
  - id: ivp
    title: Opstellen IVP
    due: 2026-11
    tasks:
      - {id: start-volgend-ivp, title: Opstart volgend IVP, role: coordinator, due: next start}
      - {id: evaluatie, title: Evaluatie, role: coordinator, due: 2026-10}
  - {id: afgerond, title: Afgerond, final: true}
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("period: 2027-2030\n", "", "klein.yaml:9: deadline 'next start' of 'start-volgend-ivp' "
                                "needs the definition's period (e.g. period: 2027-2030)"),
    ("due: 2026-10}", "due: 20 working days before start-volgend-ivp}",
     "klein.yaml:11: deadline '20 working days before start-volgend-ivp' of 'evaluatie' counts "
     "from 'start-volgend-ivp', which is due on 'next start'; count from an edge of a phase "
     "instead"),
    ("    due: 2026-11\n", "    due: next start\n",
     "klein.yaml:6: phase 'ivp' cannot be due on 'next start'; give that deadline to one of "
     "its items"),
], ids=["no-period", "counted-from", "a-phase"])
def test_a_next_start_deadline_is_an_item_s_in_a_plan_with_a_period(
        old: str, new: str, expected: str) -> None:
    assert expected in problems(NEXT_START.replace(old, new, 1))


def test_a_next_start_deadline_parses_in_a_plan_with_a_period() -> None:
    definition = parse_definition(NEXT_START, "klein.yaml")
    assert definition.items["start-volgend-ivp"].due.text == "next start"  # type: ignore[union-attr]
