"""Roles per gemeente: who a joint process's reminders, escalations, status and report name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ivpflow.dates import parse_moment
from ivpflow.errors import InvalidValueError
from ivpflow.outbox.reminders import queue_reminders
from ivpflow.planning.holders import holders_of
from ivpflow.process.lifecycle import start_process
from ivpflow.process.people import assign, unassign
from ivpflow.store import Store
from ivpflow.store.rows import AssignmentRow
from ivpflow.views.history import history
from ivpflow.views.outbox import outbox_messages
from ivpflow.views.report import report_context
from ivpflow.views.status import process_status
from ivpflow.workdays import DEFAULT_CALENDAR as DAYS
from ivpflow.workflow.model import Definition

from .conftest import Invoke, read

SENDER = "ivpflow <ivpflow@not.example>"
GEMEENTEN = ("Losser", "Dinkelland", "Oldenzaal", "Tubbergen")
COLLEGE = "raadsvoorstel-college-"  # per gemeente, role portefeuillehouder, body college X
BURGEMEESTER = {g: f"burgemeester@{g.lower()}.nl" for g in GEMEENTEN}
OPDRACHTGEVER = {g: f"opdrachtgever@{g.lower()}.nl" for g in GEMEENTEN}
COORDINATOR = "coordinator@not.example"
AT = parse_moment("2026-02-27T09:00")


def put(store: Store, role: str, email: str, municipality: str = "") -> None:
    assign(store, "not", role, name=email.split("@")[0].capitalize() + " " + (
        municipality or "NOT"), email=email, now=AT, actor="t", municipality=municipality)


@pytest.fixture
def joint(store: Store, not_definition: Definition) -> Store:
    """Noordoost Twente with a coordinator for the process, and a burgemeester and an
    opdrachtgever (the escalation's projectmanager) for each of the four gemeenten."""
    start_process(store, not_definition, now=AT, actor="t", process_id="not")
    put(store, "coordinator", COORDINATOR)
    for gemeente in GEMEENTEN:
        put(store, "portefeuillehouder", BURGEMEESTER[gemeente], gemeente)
        put(store, "projectmanager", OPDRACHTGEVER[gemeente], gemeente)
    return store


def college_due(store: Store) -> date:
    status = process_status(store, "not", now=AT)
    dues = {d["due"] for d in status["decisions"] if d["id"].startswith(COLLEGE)}
    assert len(dues) == 1
    return date.fromisoformat(dues.pop())


def queue_when_escalated(store: Store) -> date:
    """Queue what is due ten working days after the college decisions' deadline: an overdue
    reminder and the escalation of each."""
    day = DAYS.add_working_days(college_due(store), 10)
    queue_reminders(store, parse_moment(f"{day.isoformat()}T08:00"), SENDER)
    return day


def sent(store: Store, kind: str) -> dict[str, set[str]]:
    """Per college decision, the addresses of its queued messages of one kind."""
    found: dict[str, set[str]] = {}
    for message in outbox_messages(store):
        if message["kind"] == kind and (message["item"] or "").startswith(COLLEGE):
            found.setdefault(message["item"], set()).add(message["to"])
    return found


# --------------------------------------------------------------------------- the mail


def test_each_gemeentes_reminder_goes_to_its_own_burgemeester(joint: Store) -> None:
    queue_when_escalated(joint)
    assert sent(joint, "overdue") == {f"{COLLEGE}{g.lower()}": {BURGEMEESTER[g]}
                                      for g in GEMEENTEN}


def test_each_gemeentes_escalation_goes_to_its_own_opdrachtgever(joint: Store) -> None:
    queue_when_escalated(joint)
    assert sent(joint, "escalation") == {f"{COLLEGE}{g.lower()}": {OPDRACHTGEVER[g]}
                                         for g in GEMEENTEN}


def test_a_gemeente_without_its_own_holder_falls_back_to_the_process_wide_one(
        joint: Store) -> None:
    unassign(joint, "not", "portefeuillehouder", email=BURGEMEESTER["Tubbergen"], now=AT,
             actor="t", municipality="Tubbergen")
    put(joint, "portefeuillehouder", "voorzitter@not.example")
    queue_when_escalated(joint)
    overdue = sent(joint, "overdue")
    assert overdue[f"{COLLEGE}tubbergen"] == {"voorzitter@not.example"}
    assert overdue[f"{COLLEGE}losser"] == {BURGEMEESTER["Losser"]}


def test_without_any_holder_the_coordinator_gets_it_but_no_escalation_stands_in(
        joint: Store) -> None:
    for role, emails in (("portefeuillehouder", BURGEMEESTER), ("projectmanager", OPDRACHTGEVER)):
        unassign(joint, "not", role, email=emails["Oldenzaal"], now=AT, actor="t",
                 municipality="Oldenzaal")
    queue_when_escalated(joint)
    assert sent(joint, "overdue")[f"{COLLEGE}oldenzaal"] == {COORDINATOR}
    assert f"{COLLEGE}oldenzaal" not in sent(joint, "escalation")


def test_the_mail_says_who_holds_the_item(joint: Store) -> None:
    queue_when_escalated(joint)
    message = next(m for m in outbox_messages(joint)
                   if m["item"] == f"{COLLEGE}tubbergen" and m["kind"] == "escalation")
    assert message["to"] == OPDRACHTGEVER["Tubbergen"]
    from .conftest import outbox_row

    assert "Wie:         Burgemeester Tubbergen\n" in outbox_row(joint, message["id"]).body_text


# --------------------------------------------------------------------------- status, report


def test_status_json_names_the_person_the_mail_goes_to(joint: Store) -> None:
    day = queue_when_escalated(joint)
    status = process_status(joint, "not", now=parse_moment(day.isoformat()))
    who = {d["id"]: d["who"] for d in status["decisions"]}
    for item, addresses in sent(joint, "overdue").items():
        assert {p["email"] for p in who[item]["people"]} == addresses
    assert who[f"{COLLEGE}losser"] == {
        "people": [{"name": "Burgemeester Losser", "email": BURGEMEESTER["Losser"],
                    "municipality": "Losser"}],
        "role": "portefeuillehouder", "via": "municipality", "municipality": "Losser"}


def test_status_says_the_coordinator_stands_in(joint: Store, ivpflow: Invoke) -> None:
    unassign(joint, "not", "portefeuillehouder", email=BURGEMEESTER["Oldenzaal"], now=AT,
             actor="t", municipality="Oldenzaal")
    day = queue_when_escalated(joint)
    result = ivpflow("status", "not", now=day.isoformat())
    line = next(line for line in result.stdout.splitlines()
                if f"{COLLEGE}oldenzaal" in line and "decision" in line)
    assert line.rstrip().endswith("Coordinator NOT (coordinator, portefeuillehouder unassigned)")
    assert ("No one assigned: portefeuillehouder for Oldenzaal — their reminders go to the "
            "coordinator") in result.stdout
    # The report lists only the most pressing overdue deadlines; every decision is in its
    # gemeente's table.
    councils = report_context(joint, "not", now=parse_moment(day.isoformat()))["councils"]
    who = {d["id"]: d["who"] for council in councils for d in council["decisions"]}
    assert who[f"{COLLEGE}oldenzaal"] == (
        "Coordinator NOT (coördinator, portefeuillehouder onbezet)")
    assert who[f"{COLLEGE}losser"] == "Burgemeester Losser"


def test_status_lists_the_holders_per_gemeente(joint: Store, ivpflow: Invoke) -> None:
    result = ivpflow("status", "not")
    assert ("  portefeuillehouder  Burgemeester Losser (Losser), Burgemeester Dinkelland "
            "(Dinkelland), Burgemeester Oldenzaal (Oldenzaal), Burgemeester Tubbergen "
            "(Tubbergen)") in result.stdout.splitlines()
    roles = {r["role"]: r["who"] for r in report_context(joint, "not", now=AT)["roles"]}
    assert roles["coordinator"] == "Coordinator NOT"
    assert roles["griffie"] == ""


# --------------------------------------------------------------------------- assign, unassign


def test_assign_for_a_gemeente_matches_its_name_in_any_case(ivpflow: Invoke, started: str,
                                                           store: Store) -> None:
    result = ivpflow("assign", "not", "portefeuillehouder", "--municipality", "tubbergen",
                     "--name", "B. Jansen", "--email", "b.jansen@tubbergen.nl")
    assert result.stdout == "not: portefeuillehouder (Tubbergen) — B. Jansen " \
                            "<b.jansen@tubbergen.nl>\n"
    assert read(store).assignments[0].municipality == "Tubbergen"
    event = history(store, "not")[-1]
    assert (event["event"], event["item"], event["note"]) == (
        "assigned", "portefeuillehouder (Tubbergen)", "B. Jansen <b.jansen@tubbergen.nl>")


def test_an_unknown_gemeente_is_refused_in_one_line_and_nothing_written(
        ivpflow: Invoke, started: str, store: Store) -> None:
    result = ivpflow("assign", "not", "portefeuillehouder", "--municipality", "Tubergen",
                     "--name", "B. Jansen", "--email", "b.jansen@tubbergen.nl")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not' has no municipality 'Tubergen' (did you "
                             "mean Tubbergen?); municipalities: Losser, Dinkelland, "
                             "Oldenzaal, Tubbergen\n")
    assert read(store).assignments == ()
    assert [e["event"] for e in history(store, "not")] == ["started"]


def test_unassign_removes_the_role_for_one_gemeente_only(joint: Store, ivpflow: Invoke) -> None:
    put(joint, "werkgroep", "advies@noaberschap.nl", "Losser")
    put(joint, "werkgroep", "advies@noaberschap.nl", "Dinkelland")
    result = ivpflow("unassign", "not", "werkgroep", "--email", "advies@noaberschap.nl",
                     "--municipality", "losser")
    assert result.stdout == "not: werkgroep (Losser) — advies@noaberschap.nl removed\n"
    held = [(a.municipality, a.email) for a in read(joint).assignments if a.role == "werkgroep"]
    assert held == [("Dinkelland", "advies@noaberschap.nl")]
    assert history(joint, "not")[-1]["item"] == "werkgroep (Losser)"


def test_unassign_of_someone_not_holding_the_role_there_is_refused(joint: Store) -> None:
    with pytest.raises(InvalidValueError, match=r"Nobody with e-mail 'burgemeester@losser.nl' "
                       r"fills role 'portefeuillehouder \(Tubbergen\)' of 'not'; holders: "
                       r"burgemeester@tubbergen.nl"):
        unassign(joint, "not", "portefeuillehouder", email=BURGEMEESTER["Losser"], now=AT,
                 actor="t", municipality="Tubbergen")


# --------------------------------------------------------------------------- the rule


def person(role: str, email: str, municipality: str = "") -> AssignmentRow:
    return AssignmentRow(role, email, email.split("@")[0], AT, municipality)


PEOPLE = [person("coordinator", "c@not.nl"), person("werkgroep", "w@losser.nl", "Losser"),
          person("werkgroep", "w@tubbergen.nl", "Tubbergen"),
          person("griffie", "g@not.nl")]


@pytest.mark.parametrize(
    ("role", "municipality", "emails", "via"),
    [("werkgroep", "Losser", ["w@losser.nl"], "municipality"),
     ("werkgroep", None, ["w@losser.nl", "w@tubbergen.nl"], "municipalities"),
     ("werkgroep", "Oldenzaal", ["c@not.nl"], "coordinator"),
     ("griffie", "Oldenzaal", ["g@not.nl"], "process"),
     (None, "Losser", ["c@not.nl"], "coordinator"),
     ("driehoek", None, ["c@not.nl"], "coordinator")],
    ids=["own-gemeente", "shared-item-all-gemeenten", "other-gemeente-coordinator",
         "process-wide", "no-role", "role-nobody-holds"],
)
def test_who_an_item_goes_to(role: str | None, municipality: str | None, emails: list[str],
                             via: str) -> None:
    found = holders_of(PEOPLE, role, municipality)
    assert ([p.email for p in found.people], found.via) == (emails, via)


def test_without_fallback_nobody_stands_in() -> None:
    found = holders_of(PEOPLE, "driehoek", "Losser", fallback=False)
    assert (found.people, found.via) == ((), "nobody")


def test_a_decision_whose_body_names_a_gemeente_goes_to_that_gemeentes_holder(
        joint: Store) -> None:
    status = process_status(joint, "not", now=AT)
    who = next(d["who"] for d in status["decisions"] if d["id"] == "verlenging-ivp-losser")
    assert (who["people"][0]["email"], who["via"]) == (BURGEMEESTER["Losser"], "municipality")


# --------------------------------------------------------------------------- check


ROLELESS = """\
id: zonder-rol
title: Zonder rol
roles: {coordinator: Coördinator}
municipalities: [Losser, Tubbergen]
phases:
  - id: ivp
    title: IVP
    decisions:
      - id: vaststelling
        title: "gemeenteraad {municipality}"
        body: "gemeenteraad {municipality}"
        per_municipality: true
        due: 2026-11-30
    documents:
      - {id: ivp, title: IVP, role: coordinator, due: 2026-09-30}
  - {id: klaar, title: Klaar, final: true}
"""


def test_check_warns_about_a_decision_without_a_role(ivpflow: Invoke, tmp_path: Path) -> None:
    file = tmp_path / "zonder-rol.yaml"
    file.write_text(ROLELESS, encoding="utf-8")
    result = ivpflow("check", str(file))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        f"{file}:9: warning: decision 'vaststelling' has no role; its reminders go to the "
        "coordinator"]


def test_the_shipped_workflows_check_without_warnings(ivpflow: Invoke) -> None:
    from ivpflow.workflow.loader import SHIPPED_DIR

    result = ivpflow("check", *map(str, sorted(SHIPPED_DIR.glob("*.yaml"))))
    assert result.exit_code == 0 and "warning" not in result.stdout


def test_an_item_without_a_role_is_shown_with_the_coordinator_it_goes_to(
        ivpflow: Invoke, store: Store, tmp_path: Path) -> None:
    file = tmp_path / "zonder-rol.yaml"
    file.write_text(ROLELESS, encoding="utf-8")
    ivpflow("start", str(file), "--id", "z", "--start", "2026-09-01")
    ivpflow("assign", "z", "coordinator", "--name", "C. Smit", "--email", "c@not.nl")
    queue_reminders(store, parse_moment("2026-11-30T08:00"), SENDER)
    to = {m["to"] for m in outbox_messages(store) if m["item"] == "vaststelling-losser"}
    status = process_status(store, "z", now=parse_moment("2026-11-30"))
    who = next(d["who"] for d in status["decisions"] if d["id"] == "vaststelling-losser")
    assert to == {p["email"] for p in who["people"]} == {"c@not.nl"}
    human = ivpflow("status", "z", now="2026-11-30").stdout
    rows = [line.split("  ") for line in human.splitlines() if "vaststelling-losser" in line]
    assert rows[0][-1].strip() == "C. Smit (coordinator, no role)"
    phase = next(line for line in human.splitlines() if line.split()[2:4] == ["phase", "ivp"])
    assert phase.endswith("ivp                     IVP"), phase  # a phase has no holder


def test_a_draft_for_a_gemeente_names_its_own_burgemeester(joint: Store,
                                                           not_definition: Definition) -> None:
    from ivpflow.documents.context import DocumentContext

    context = DocumentContext(read(joint), not_definition)
    assert context.portefeuillehouder("Tubbergen") == "Burgemeester Tubbergen"
