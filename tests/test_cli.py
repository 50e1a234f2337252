"""The command line, driven as users drive it (CliRunner on a real SQLite store)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ivpflow.store import Store
from ivpflow.workflow.loader import find_definition

from .conftest import NOT, Invoke, status_of

OPSTART_REQUIRED = ["werkgroep-samenstellen", "startnotitie-opstellen",
                    "raadsinformatiebrief-versturen", "veiligheidsmonitor-opdracht",
                    "startbijeenkomst-werkgroep"]


def finish_opstart(ivpflow: Invoke, now: str = "2026-03-02T09:00") -> None:
    for task in OPSTART_REQUIRED:
        assert ivpflow("done", "not", task, now=now).exit_code == 0
    for decision in ("verlenging-ivp-losser", "startnotitie-driehoek"):
        result = ivpflow("decide", "not", decision, "--outcome", "vastgesteld", now=now)
        assert result.exit_code == 0, result.output


def history_of(ivpflow: Invoke, process: str = "not") -> list[dict[str, object]]:
    result = ivpflow("history", process, "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, object]] = json.loads(result.stdout)
    return events


# --------------------------------------------------------------------------- the full run


def test_full_run_of_noordoost_twente_from_start_to_the_end(ivpflow: Invoke) -> None:
    definition = find_definition(NOT)
    assert ivpflow("start", NOT, "--id", "not", now="2025-09-01").stdout == "not\n"
    for phase in definition.phases[:-1]:
        due = status_of(ivpflow, now="2025-09-01")["phases"][phase.index]["due"]
        for item in phase.items:
            if item.kind == "decision" and item.required:
                result = ivpflow("decide", "not", item.id, "--outcome", "vastgesteld",
                                 "--date", due, now=due)
            elif item.kind != "decision":
                result = ivpflow("done", "not", item.id, now=due)
            else:
                continue
            assert result.exit_code == 0, result.output
        result = ivpflow("advance", "not", "--note", f"{phase.id} afgerond", now=due)
        nxt = definition.phases[phase.index + 1].id
        assert result.stdout == f"not: {phase.id} → {nxt}\n"
    status = status_of(ivpflow, now="2030-12-31")
    assert status["phase"] == "afgerond"
    assert [p["status"] for p in status["phases"]] == ["done"] * 6 + ["active"]
    assert status["overdue"] == [] and status["next_deadline"] is None
    assert all(d["outcome"] == "vastgesteld" for d in status["decisions"] if d["required"])
    events = history_of(ivpflow)
    assert [e["event"] for e in events].count("advanced") == 6
    assert len(events) == 1 + len(definition.items) + 6  # start, every item, six advances


def test_start_prints_the_id_and_status_shows_the_first_phase(ivpflow: Invoke) -> None:
    assert ivpflow("start", NOT).stdout == f"{NOT}\n"
    status = status_of(ivpflow, NOT)
    assert status["phase"] == "opstart"
    assert status["phases"][0] == {"id": "opstart", "title": "Opstart", "status": "active",
                                   "due": "2026-02-27", "started": "2025-09-01",
                                   "completed": None, "final": False}


def test_start_twice_without_id_numbers_the_second(ivpflow: Invoke) -> None:
    ivpflow("start", NOT)
    assert ivpflow("start", NOT).stdout == f"{NOT}-2\n"


def test_start_with_a_taken_id_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("start", NOT, "--id", "not")
    assert result.exit_code == 1
    assert result.stderr == ("Error: A process with id 'not' exists already; "
                             "choose another --id\n")


def test_start_from_a_file_and_a_start_date(ivpflow: Invoke, tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "workflows" / "vng-kernbeleid-veiligheid.yaml"
    result = ivpflow("start", str(source), "--id", "haaksbergen", "--start", "2026-01-05")
    assert result.exit_code == 0, result.output
    status = status_of(ivpflow, "haaksbergen")
    assert status["start"] == "2026-01-05"
    assert status["phases"][0]["due"] == "2026-02-16"  # six weeks after start


# --------------------------------------------------------------------------- the guard


def test_advance_is_refused_naming_exactly_what_blocks(ivpflow: Invoke, started: str) -> None:
    for task in OPSTART_REQUIRED[:3]:
        ivpflow("done", "not", task)
    result = ivpflow("advance", "not")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Cannot advance 'not' from 'opstart': open tasks: veiligheidsmonitor-opdracht, "
        "startbijeenkomst-werkgroep; decisions without a positive outcome: "
        "verlenging-ivp-losser, startnotitie-driehoek (use --force --reason TEXT to override)\n"
    )


def test_a_refused_advance_changes_nothing(ivpflow: Invoke, started: str) -> None:
    before = history_of(ivpflow)
    assert ivpflow("advance", "not").exit_code == 1
    assert history_of(ivpflow) == before
    assert status_of(ivpflow)["phase"] == "opstart"


def test_a_decision_held_over_still_blocks(ivpflow: Invoke, started: str) -> None:
    finish_opstart(ivpflow)
    ivpflow("decide", "not", "prioritering-losser", "--outcome", "aangehouden")
    ivpflow("advance", "not")
    for task in ("veiligheidsmonitor", "cijfers-verzamelen", "evaluatie-huidig-beleid",
                 "rondetafelgesprekken", "advies-prioriteiten"):
        ivpflow("done", "not", task)
    ivpflow("advance", "not")
    ivpflow("done", "not", "conceptprioritering-portefeuillehouders")
    result = ivpflow("advance", "not")
    assert result.exit_code == 1
    assert "prioritering-losser, prioritering-dinkelland" in result.stderr


def test_optional_items_do_not_block(ivpflow: Invoke, started: str) -> None:
    finish_opstart(ivpflow)
    result = ivpflow("advance", "not")
    assert result.exit_code == 0, result.output
    assert result.stdout == "not: opstart → analyse\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--force"], "--force needs --reason TEXT"),
     (["--force", "--reason", "  "], "--force needs --reason TEXT"),
     (["--reason", "why"], "--reason is only used with --force")],
    ids=["force-without-reason", "blank-reason", "reason-without-force"],
)
def test_force_and_reason_go_together(ivpflow: Invoke, started: str, args: list[str],
                                      message: str) -> None:
    result = ivpflow("advance", "not", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_force_with_reason_advances_and_records_what_it_overrode(ivpflow: Invoke,
                                                                 started: str) -> None:
    finish_opstart(ivpflow)
    ivpflow("advance", "not")
    result = ivpflow("advance", "not", "--force", "--reason", "monitor komt later",
                     actor="Marieke")
    assert result.stdout == "not: analyse → prioritering (forced)\n"
    last = history_of(ivpflow)[-1]
    assert last["event"] == "forced" and last["actor"] == "Marieke"
    assert last["from"] == "analyse" and last["to"] == "prioritering"
    assert last["note"] == (
        "monitor komt later (overridden: open tasks: veiligheidsmonitor, cijfers-verzamelen, "
        "evaluatie-huidig-beleid, rondetafelgesprekken, advies-prioriteiten)"
    )


def test_advance_to_a_later_phase_checks_every_phase_it_leaves(ivpflow: Invoke,
                                                              started: str) -> None:
    finish_opstart(ivpflow)
    result = ivpflow("advance", "not", "--to", "prioritering")
    assert result.exit_code == 1
    assert "from 'opstart': open tasks: veiligheidsmonitor" in result.stderr


def test_advance_to_a_later_phase_with_force_marks_the_skipped_phases_done(
        ivpflow: Invoke, started: str) -> None:
    result = ivpflow("advance", "not", "--to", "ivp", "--force", "--reason", "herstart")
    assert result.stdout == "not: opstart → ivp (forced)\n"
    phases = status_of(ivpflow)["phases"]
    assert [p["status"] for p in phases] == ["done", "done", "done", "active", "pending",
                                             "pending", "pending"]


@pytest.mark.parametrize(
    ("to", "message"),
    [("opstart", "'opstart' is not after 'opstart'; use 'ivpflow reopen' to go back"),
     ("nergens", "Process 'not' has no phase 'nergens'; phases: opstart, analyse, "
                 "prioritering, ivp, uitvoeringsplan, looptijd, afgerond")],
    ids=["same-phase", "unknown-phase"],
)
def test_advance_to_a_wrong_phase_is_refused(ivpflow: Invoke, started: str, to: str,
                                             message: str) -> None:
    result = ivpflow("advance", "not", "--to", to)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"


def test_advance_from_the_final_phase_is_refused(ivpflow: Invoke, started: str) -> None:
    ivpflow("advance", "not", "--to", "afgerond", "--force", "--reason", "test")
    result = ivpflow("advance", "not")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not' is at its final phase 'afgerond'; there is "
                             "nothing to advance to\n")


def test_advancing_moves_relative_deadlines_to_the_real_start(ivpflow: Invoke) -> None:
    ivpflow("start", "vng-kernbeleid-veiligheid", "--id", "h", "--start", "2026-01-05",
            now="2026-01-05")
    planned = status_of(ivpflow, "h", now="2026-01-05")["phases"][1]["due"]
    ivpflow("advance", "h", "--force", "--reason", "vroeg klaar", now="2026-01-19")
    actual = status_of(ivpflow, "h", now="2026-01-19")["phases"][1]
    assert (planned, actual["started"], actual["due"]) == ("2026-04-24", "2026-01-19",
                                                           "2026-03-30")


# --------------------------------------------------------------------------- reopen


def test_reopen_goes_back_with_a_reason(ivpflow: Invoke, started: str) -> None:
    finish_opstart(ivpflow)
    ivpflow("advance", "not")
    result = ivpflow("reopen", "not", "--to", "opstart", "--reason", "startnotitie herzien")
    assert result.stdout == "not: analyse → opstart (reopened)\n"
    status = status_of(ivpflow)
    assert [p["status"] for p in status["phases"][:2]] == ["active", "pending"]
    assert status["phases"][1]["started"] is None
    last = history_of(ivpflow)[-1]
    assert (last["event"], last["note"]) == ("reopened", "startnotitie herzien")


def test_reopen_to_a_later_phase_is_refused(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("reopen", "not", "--to", "ivp", "--reason", "x")
    assert result.exit_code == 1
    assert result.stderr == ("Error: 'ivp' is not before 'opstart'; reopen goes back to an "
                             "earlier phase\n")


def test_reopen_needs_a_reason(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("reopen", "not", "--to", "opstart")
    assert result.exit_code == 2
    assert "Missing option '--reason'" in result.stderr


# --------------------------------------------------------------------------- done, decide


def test_done_records_actor_and_note(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "werkgroep-samenstellen", "--note", "8 leden",
                     actor="Anne")
    assert result.stdout == "not: task werkgroep-samenstellen done (2026-03-02)\n"
    task = status_of(ivpflow)["tasks"][0]
    assert (task["status"], task["completed"], task["completed_by"], task["note"]) == (
        "done", "2026-03-02", "Anne", "8 leden")


def test_done_twice_is_refused_and_keeps_the_first(ivpflow: Invoke, started: str) -> None:
    ivpflow("done", "not", "werkgroep-samenstellen", actor="Anne")
    result = ivpflow("done", "not", "werkgroep-samenstellen", now="2026-03-05", actor="Bob")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Task 'werkgroep-samenstellen' of 'not' was done on "
                             "2026-03-02 by Anne; nothing changed\n")
    assert status_of(ivpflow)["tasks"][0]["completed_by"] == "Anne"


def test_done_on_an_unknown_task_lists_the_tasks(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "thematafels")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Process 'not' has no task/document 'thematafels'; "
                                    "none of its ")
    assert result.stderr.endswith(" task/documents is like it (see 'ivpflow status not')\n")


def test_done_on_a_decision_points_to_decide(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", "verlenging-ivp-losser")
    assert result.stderr == ("Error: 'verlenging-ivp-losser' is a decision; record it with "
                             "'ivpflow decide not verlenging-ivp-losser --outcome …'\n")


def test_decide_records_outcome_and_date(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome",
                     "gewijzigd-vastgesteld", "--date", "2026-02-24", "--note", "amendement")
    assert result.stdout == ("not: verlenging-ivp-losser (gemeenteraad Losser) "
                             "gewijzigd-vastgesteld on 2026-02-24\n")
    decision = status_of(ivpflow)["decisions"][0]
    assert (decision["outcome"], decision["date"], decision["body"]) == (
        "gewijzigd-vastgesteld", "2026-02-24", "gemeenteraad Losser")


def test_a_held_over_decision_can_be_taken_later(ivpflow: Invoke, started: str) -> None:
    ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "aangehouden")
    result = ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld",
                     now="2026-03-10")
    assert result.exit_code == 0
    last = history_of(ivpflow)[-1]
    assert (last["from"], last["to"]) == ("aangehouden", "vastgesteld")


def test_a_taken_decision_is_not_overwritten(ivpflow: Invoke, started: str) -> None:
    ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "vastgesteld")
    result = ivpflow("decide", "not", "verlenging-ivp-losser", "--outcome", "verworpen")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Decision 'verlenging-ivp-losser' of 'not' was recorded as "
                             "vastgesteld on 2026-03-02; nothing changed; change it with "
                             "'ivpflow decide not verlenging-ivp-losser --outcome … --correct'\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--outcome", "aangenomen"], "Unknown outcome 'aangenomen'; outcomes: vastgesteld, "
                                   "gewijzigd-vastgesteld, aangehouden, verworpen"),
     (["--outcome", "vastgesteld", "--date", "2026-03-09"],
      "Decision date 2026-03-09 lies after today (2026-03-02); a decision is recorded once "
      "taken")],
    ids=["unknown-outcome", "future-date"],
)
def test_decide_refuses_bad_input(ivpflow: Invoke, started: str, args: list[str],
                                  message: str) -> None:
    result = ivpflow("decide", "not", "verlenging-ivp-losser", *args)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert status_of(ivpflow)["decisions"][0]["outcome"] is None


def test_decide_on_an_unknown_decision(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("decide", "not", "raad-losser", "--outcome", "vastgesteld")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Process 'not' has no decision 'raad-losser'; none of its "
                             "46 decisions is like it (see 'ivpflow status not')\n")


# --------------------------------------------------------------------------- assign


def test_assign_shows_people_in_status(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("assign", "not", "griffie", "--name", "J. Jansen",
                     "--email", "griffie@losser.nl")
    assert result.stdout == "not: griffie — J. Jansen <griffie@losser.nl>\n"
    roles = {r["role"]: r["people"] for r in status_of(ivpflow)["roles"]}
    assert roles["griffie"] == [{"name": "J. Jansen", "email": "griffie@losser.nl",
                                 "municipality": None}]


def test_assign_two_people_to_one_role_and_unassign_one(ivpflow: Invoke, started: str) -> None:
    ivpflow("assign", "not", "werkgroep", "--name", "A", "--email", "a@dinkelland.nl")
    ivpflow("assign", "not", "werkgroep", "--name", "B", "--email", "b@tubbergen.nl")
    ivpflow("unassign", "not", "werkgroep", "--email", "a@dinkelland.nl")
    roles = {r["role"]: r["people"] for r in status_of(ivpflow)["roles"]}
    assert roles["werkgroep"] == [{"name": "B", "email": "b@tubbergen.nl",
                                   "municipality": None}]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["burgemeester", "--name", "X", "--email", "x@losser.nl"],
      "Process 'not' has no role 'burgemeester'; roles: coordinator, driehoek, griffie, "
      "portefeuillehouder, projectmanager, werkgroep"),
     (["griffie", "--name", "X", "--email", "geen-adres"], "'geen-adres' is not an e-mail "
                                                          "address"),
     (["griffie", "--name", "X\nBcc: evil@example.org", "--email", "x@losser.nl"],
      "Name 'X\\nBcc: evil@example.org' must be one line without <, > or quotes, at most 200 "
      "characters")],
    ids=["unknown-role", "bad-email", "name-with-line-break"],
)
def test_assign_refuses_bad_input(ivpflow: Invoke, started: str, args: list[str],
                                  message: str) -> None:
    result = ivpflow("assign", "not", *args)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")


# --------------------------------------------------------------------------- views


def test_status_without_id_uses_the_only_process(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("status")
    assert result.exit_code == 0
    assert result.stdout.startswith("Integraal Veiligheidsplan Noordoost Twente 2027-2030  "
                                    "(not)\n11 overdue · 56 at risk · IVP adoption forecast "
                                    "2026-12-01, 1 day after plan\nPhase: Opstart (opstart) "
                                    "since 2025-09-01, due 2026-02-27\n")


def test_status_json_has_the_contract_keys(ivpflow: Invoke, started: str) -> None:
    status = status_of(ivpflow, now="2026-01-15")
    assert {"id", "workflow", "phase", "phases", "tasks", "decisions", "documents",
            "next_deadline", "overdue"} <= set(status)
    assert set(status["tasks"][0]) >= {"id", "phase", "title", "role", "due", "status",
                                       "overdue"}
    assert set(status["decisions"][0]) >= {"id", "phase", "body", "due", "outcome", "date",
                                           "required"}
    assert set(status["documents"][0]) >= {"id", "phase", "title", "due"}
    assert status["next_deadline"] == {"kind": "decision", "id": "startnotitie-driehoek",
                                       "due": "2026-01-30"}
    assert status["overdue"][0] == {"kind": "task", "id": "werkgroep-samenstellen",
                                    "due": "2025-09-30"}


def test_status_in_a_pipe_is_plain_and_aligned(ivpflow: Invoke, started: str) -> None:
    lines = ivpflow("status", "not").stdout.splitlines()
    assert "\x1b[" not in "\n".join(lines)
    table = lines[lines.index("") + 1:lines.index("") + 8]
    assert table[0].split() == ["phase", "status", "due", "started", "completed"]
    assert len({line.index("  ", 3) for line in table[1:]}) >= 1
    assert table[1].startswith("▶  Opstart             active   2026-02-27  ")


def test_processes_json_lists_every_process(ivpflow: Invoke, started: str) -> None:
    ivpflow("start", "vng-kernbeleid-veiligheid", "--id", "haaksbergen", "--start",
            "2026-03-02")
    rows = json.loads(ivpflow("processes", "--json").stdout)
    assert rows[0] == {"id": "haaksbergen", "workflow": "vng-kernbeleid-veiligheid",
                       "phase": "opstart", "next_deadline": "2026-03-16", "overdue": 0,
                       "at_risk": 0}
    assert (rows[1]["id"], rows[1]["overdue"]) == ("not", 11)
    assert rows[1]["at_risk"] == len(json.loads(ivpflow("plan", "not", "--at-risk",
                                                        "--json").stdout))


@pytest.mark.parametrize("args", [["--sort", "risk"], []], ids=["sort-risk", "default"])
def test_processes_sorted_by_risk_puts_overdue_first(ivpflow: Invoke, started: str,
                                                     args: list[str]) -> None:
    ivpflow("start", "vng-kernbeleid-veiligheid", "--id", "haaksbergen")
    lines = ivpflow("processes", *args).stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["not", "haaksbergen"]


def test_history_json_has_the_contract_keys(ivpflow: Invoke, started: str) -> None:
    event = history_of(ivpflow)[0]
    assert event == {"at": "2026-03-02T09:00:00+01:00", "actor": "coordinator",
                     "event": "started", "from": None, "to": "opstart", "item": None,
                     "note": "Integraal Veiligheidsplan Noordoost Twente 2027-2030; "
                             "start 1 september 2025"}


def test_workflows_json_lists_the_shipped_definitions(ivpflow: Invoke) -> None:
    rows = json.loads(ivpflow("workflows", "--json").stdout)
    assert [r["id"] for r in rows] == [NOT, "vng-kernbeleid-veiligheid"]
    assert rows[0]["phases"] == ["opstart", "analyse", "prioritering", "ivp",
                                 "uitvoeringsplan", "looptijd", "afgerond"]
    assert set(rows[0]) == {"id", "title", "path", "phases"}


def test_workflows_includes_ivpflow_workflows(ivpflow: Invoke, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "own"
    own.mkdir()
    source = Path(find_definition(NOT).path).read_text(encoding="utf-8")
    (own / "losser.yaml").write_text(source.replace(f"id: {NOT}", "id: losser-2027"),
                                     encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_WORKFLOWS", str(own))
    rows = json.loads(ivpflow("workflows", "--json").stdout)
    assert [r["id"] for r in rows] == [NOT, "vng-kernbeleid-veiligheid", "losser-2027"]


# --------------------------------------------------------------------------- check


def test_check_accepts_the_shipped_definitions(ivpflow: Invoke) -> None:
    path = find_definition(NOT).path
    result = ivpflow("check", path)
    assert result.exit_code == 0
    assert result.stdout == (f"{path}: ok ({NOT}: 7 phases, 29 tasks, 46 decisions, "
                             "17 documents)\n")


def test_check_lists_every_problem_with_file_and_line(ivpflow: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nroles: {coordinator: C}\nphases:\n"
                   "  - id: een\n    title: Een\n    tasks:\n"
                   "      - {id: a, title: A, role: coordinator, required: no}\n"
                   "      - {id: a, title: A2, role: nobody}\n"
                   "  - {id: eind, title: Eind, final: true}\n", encoding="utf-8")
    result = ivpflow("check", str(bad))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:8: 'no' is read by YAML as a boolean; write true or false, or quote it (\"no\") "
        "if it is a word",
        f"{bad}:9: duplicate id 'a' (first on line 8)",
        f"{bad}:9: unknown role 'nobody'; roles: coordinator",
    ]
    assert result.stderr == "Error: 3 problems found\n"


def test_start_from_an_invalid_file_is_refused_and_creates_nothing(
        ivpflow: Invoke, tmp_path: Path, store_dir: Path, db_args: list[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: [unclosed\n", encoding="utf-8")
    result = ivpflow("start", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}:3: not valid YAML")
    if db_args:  # PostgreSQL: the test's database exists, and holds no process
        assert json.loads(ivpflow("processes", "--json").stdout) == []
    else:
        assert not store_dir.exists()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [(["status", "nope"], "Unknown process 'nope'; known: not"),
     (["advance", "nope"], "Unknown process 'nope'; known: not"),
     (["history", "nope"], "Unknown process 'nope'; known: not"),
     (["start", "nope"], f"Unknown workflow 'nope'; available: {NOT}, vng-kernbeleid-veiligheid"),
     (["start", NOT, "--id", "met spatie"], "Process id 'met spatie' must be letters, digits, "
                                            "'.', '_' or '-' (at most 100)")],
    ids=["status", "advance", "history", "workflow", "process-id"],
)
def test_unknown_names_get_one_line_and_exit_1(ivpflow: Invoke, started: str, args: list[str],
                                               message: str) -> None:
    result = ivpflow(*args)
    assert (result.exit_code, result.stderr, result.stdout) == (1, f"Error: {message}\n", "")


def test_status_without_id_among_two_processes_names_them(ivpflow: Invoke,
                                                          started: str) -> None:
    ivpflow("start", NOT, "--id", "tweede")
    result = ivpflow("status")
    assert result.stderr == "Error: More than one process; name one of: not, tweede\n"


def test_status_without_any_process(ivpflow: Invoke, store: Store) -> None:
    result = ivpflow("status")
    assert result.stderr == ("Error: No process yet; start one with 'ivpflow start "
                             "WORKFLOW'\n")


def test_a_now_that_does_not_parse(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("status", now="1 april")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for '--now': '1 april' is not a date or moment; use e.g. "
           "2026-06-01, 2026-06-01T08:00, 1-6-2026 08:00, 1 juni 2026, vandaag or morgen 08:00")


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_left_alone(runner: object, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ivpflow.cli import cli

    bad = tmp_path / "store"
    bad.mkdir()
    (bad / "ivpflow.sqlite3").write_bytes(b"dit is geen database\n" * 100)
    digest = hashlib.sha256((bad / "ivpflow.sqlite3").read_bytes()).hexdigest()
    result = CliRunner().invoke(cli, ["--store", str(bad), "start", NOT])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {bad}/ivpflow.sqlite3 is damaged (file is not a database); "
                             f"nothing was changed. Save what it holds with: sqlite3 "
                             f"{bad}/ivpflow.sqlite3 \".recover\" | sqlite3 "
                             f"{bad}/ivpflow-recovered.sqlite3\n")
    assert hashlib.sha256((bad / "ivpflow.sqlite3").read_bytes()).hexdigest() == digest


@pytest.mark.sqlite_only
def test_a_store_that_is_a_file(runner: object, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ivpflow.cli import cli

    (tmp_path / "store").write_text("x")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "processes"])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Cannot use store folder '{tmp_path / 'store'}': it is not a folder\n")


def test_environment_variables_set_the_global_options(runner: object, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ivpflow.cli import cli

    monkeypatch.setenv("IVPFLOW_STORE", str(tmp_path / "elders"))
    monkeypatch.setenv("IVPFLOW_NOW", "2026-04-01")
    monkeypatch.setenv("IVPFLOW_ACTOR", "Piet")
    CliRunner().invoke(cli, ["start", NOT, "--id", "x"])
    events = json.loads(CliRunner().invoke(cli, ["history", "x", "--json"]).stdout)
    assert (events[0]["actor"], events[0]["at"]) == ("Piet", "2026-04-01T00:00:00+02:00")
    assert (tmp_path / "elders" / "ivpflow.sqlite3").exists()


def test_every_command_has_help(runner: object) -> None:
    from click.testing import CliRunner

    from ivpflow.cli import cli, load_commands

    load_commands()
    for name, command in cli.commands.items():
        assert command.help, name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name


def test_every_command_is_in_the_readme() -> None:
    from ivpflow.cli import cli, load_commands

    load_commands()
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"ivpflow {name}" not in readme]
    assert missing == []


def test_commands_run_without_the_cycle_collector_except_the_long_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import ivpflow.outbox.scheduler
    import ivpflow.process.lifecycle
    from ivpflow.cli import main

    seen: dict[str, bool] = {}

    def watch(module: object, name: str) -> None:
        real = getattr(module, name)

        def watched(*args: object, **kwargs: object) -> object:
            seen[name] = gc.isenabled()
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    watch(ivpflow.process.lifecycle, "start_process")
    watch(ivpflow.outbox.scheduler, "tick")
    store = ["--store", str(tmp_path / "store"), "--now", "2026-03-02"]
    assert gc.isenabled()
    for args in (["start", NOT, "--id", "not"], ["tick"]):
        with pytest.raises(SystemExit) as done:
            main([*store, *args])
        assert done.value.code == 0
        assert gc.isenabled()  # what main() switched off is on again afterwards
    assert seen == {"start_process": False, "tick": True}


def test_the_console_script_ends_without_a_last_collection_and_keeps_its_exit_code(
        tmp_path: Path) -> None:
    # What atexit sees is what Python's shutdown would otherwise collect, object by object.
    script = ("import atexit, gc, sys\n"
              "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0,"
              " file=sys.stderr))\n"
              "from ivpflow.cli import console\n"
              "sys.argv = ['ivpflow', '--store', sys.argv[1], '--now', '2026-03-02',\n"
              "            *sys.argv[2:]]\n"
              "console()\n")
    store = str(tmp_path / "store")
    for args, code in ((["start", NOT, "--id", "not"], 0), (["status", "not"], 0),
                       (["status", "nope"], 1)):
        done = subprocess.run([sys.executable, "-c", script, store, *args],
                              capture_output=True, text=True, check=False)
        assert done.returncode == code, done.stderr
        assert done.stderr.splitlines()[-1] == "frozen True"
    # The database was closed at the end: no write-ahead log is left behind.
    assert sorted(path.name for path in (tmp_path / "store").iterdir()) == ["ivpflow.sqlite3"]


def test_each_command_is_found_in_the_module_the_lazy_group_names() -> None:
    from ivpflow.cli import cli, load_commands
    from ivpflow.cli.app import COMMAND_MODULES

    load_commands()
    defined = {name: command.callback.__module__.rsplit(".", 1)[1]
               for name, command in cli.commands.items() if command.callback}
    assert defined == COMMAND_MODULES


def test_status_imports_only_what_it_needs(tmp_path: Path) -> None:
    from ivpflow.dates import parse_moment
    from ivpflow.process.lifecycle import start_process

    store = Store.open(tmp_path)
    start_process(store, find_definition(NOT), now=parse_moment("2026-03-16T08:00"), actor="a")
    store.dispose()
    script = ("import sys\nfrom ivpflow.cli import main\n"
              "try:\n    main(['--store', sys.argv[1], '--now', '2026-03-16', 'status'])\n"
              "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
              "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('alembic', 'jinja2', 'docx', 'babel', 'apscheduler', 'yaml', 'transitions') "
              "or m.startswith('ivpflow.cli.'))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert done.stderr.split() == ["ivpflow.cli.app", "ivpflow.cli.output",
                                   "ivpflow.cli.params", "ivpflow.cli.processes"]
