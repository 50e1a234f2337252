"""Taking a corrected definition into a running process (`upgrade`), and finding a workflow
started from a file by its id afterwards. (Schema migrations are test_upgrade.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ivpflow.dates import parse_moment
from ivpflow.outbox.reminders import queue_reminders
from ivpflow.store import Store, tables
from ivpflow.views.outbox import outbox_messages

from .conftest import Invoke, status_of

SENDER = "ivpflow <ivpflow@klein.example>"
KLEIN = """\
id: klein
title: Klein proces
roles:
  coordinator: Coördinator
  college: College
phases:
  - id: opstart
    title: Opstart
    due: 2026-04-30
    tasks:
      - id: werkgroep
        title: Werkgroep samenstellen
        role: coordinator
        due: 2026-03-13
      - id: planning
        title: Planning maken
        role: coordinator
        due: 2026-03-20
    decisions:
      - id: startnotitie
        title: Startnotitie vaststellen
        body: college van B&W
        role: college
        due: 2026-04-14
  - id: analyse
    title: Analyse
    due: 2026-06-30
    tasks:
      - id: cijfers
        title: Cijfers verzamelen
        role: coordinator
        due: 2026-05-29
  - id: klaar
    title: Klaar
    final: true
"""
LATER = "2026-03-10T09:00"


@pytest.fixture
def started(ivpflow: Invoke, tmp_path: Path) -> Path:
    """Process 'p' of workflow 'klein', started from a file on 2 March 2026; werkgroep done
    (with a note) on 5 March."""
    file = tmp_path / "klein.yaml"
    file.write_text(KLEIN, encoding="utf-8")
    assert ivpflow("start", str(file), "--id", "p").exit_code == 0
    done = ivpflow("done", "p", "werkgroep", "--note", "vier mensen", now="2026-03-05T10:00")
    assert done.exit_code == 0, done.output
    return file


def corrected(tmp_path: Path, *replacements: tuple[str, str]) -> str:
    """A corrected copy of KLEIN, with each (old, new) text replaced once."""
    text = KLEIN
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    file = tmp_path / "klein-v2.yaml"
    file.write_text(text, encoding="utf-8")
    return str(file)


PLANNING_TASK = """\
      - id: planning
        title: Planning maken
        role: coordinator
        due: 2026-03-20
"""
WERKGROEP_TASK = """\
      - id: werkgroep
        title: Werkgroep samenstellen
        role: coordinator
        due: 2026-03-13
"""
ADDED_TASK = """\
      - id: risicos
        title: Risico's inventariseren
        role: coordinator
        due: 2026-04-10
"""


def history_of(ivpflow: Invoke, process: str = "p") -> list[dict[str, Any]]:
    result = ivpflow("history", process, "--json", now=LATER)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def item(status: dict[str, Any], item_id: str) -> dict[str, Any]:
    found = [t for kind in ("tasks", "decisions", "documents") for t in status[kind]
             if t["id"] == item_id]
    assert len(found) <= 1
    return found[0] if found else {}


def stored_definitions(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(tables.definitions)) or 0)


# --------------------------------------------------------------------------- what changes


def test_an_added_task_is_open_planned_and_reminded(ivpflow: Invoke, store: Store,
                                                    started: Path, tmp_path: Path) -> None:
    file = corrected(tmp_path, (PLANNING_TASK, PLANNING_TASK + ADDED_TASK))
    result = ivpflow("upgrade", "p", file, now=LATER)
    assert result.exit_code == 0, result.output
    assert "  + task risicos 'Risico's inventariseren' (phase opstart, due 2026-04-10)\n" \
        in result.stdout
    added = item(status_of(ivpflow, "p", now=LATER), "risicos")
    assert (added["status"], added["due"], added["phase"]) == ("open", "2026-04-10", "opstart")
    plan = json.loads(ivpflow("plan", "p", "--json", now=LATER).stdout)
    assert [(r["planned"], r["actual"]) for r in plan if r["id"] == "risicos"] == \
        [("2026-04-10", None)]
    assert ivpflow("assign", "p", "coordinator", "--name", "Anne", "--email",
                   "anne@klein.example", now=LATER).exit_code == 0
    queue_reminders(store, parse_moment("2026-04-10T08:00"), SENDER)
    assert [(m["kind"], m["to"]) for m in outbox_messages(store) if m["item"] == "risicos"] \
        == [("due", "anne@klein.example")]


def test_a_changed_title_keeps_the_facts(ivpflow: Invoke, started: Path,
                                         tmp_path: Path) -> None:
    file = corrected(tmp_path, ("title: Werkgroep samenstellen", "title: Werkgroep vormen"))
    result = ivpflow("upgrade", "p", file, now=LATER)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  ~ task werkgroep: title 'Werkgroep samenstellen' → 'Werkgroep vormen'"]
    kept = item(status_of(ivpflow, "p", now=LATER), "werkgroep")
    assert (kept["title"], kept["status"]) == ("Werkgroep vormen", "done")


def test_a_decision_and_a_meeting_survive_an_upgrade(ivpflow: Invoke, started: Path,
                                                     tmp_path: Path) -> None:
    assert ivpflow("meeting", "add", "p", "college van B&W", "2026-04-07",
                   now=LATER).exit_code == 0
    assert ivpflow("decide", "p", "startnotitie", "--outcome", "vastgesteld", "--date",
                   "2026-03-09", now=LATER).exit_code == 0
    file = corrected(tmp_path, ("title: Cijfers verzamelen", "title: Cijfers ophalen"))
    assert ivpflow("upgrade", "p", file, now=LATER).exit_code == 0
    decision = item(status_of(ivpflow, "p", now=LATER), "startnotitie")
    assert (decision["outcome"], decision["date"]) == ("vastgesteld", "2026-03-09")
    meetings = json.loads(ivpflow("meeting", "list", "p", "--json", now=LATER).stdout)
    assert [(m["body"], m["date"]) for m in meetings] == [("college van B&W", "2026-04-07")]


def test_a_removed_open_task_is_gone_with_its_queued_reminder(
        ivpflow: Invoke, store: Store, started: Path, tmp_path: Path) -> None:
    assert ivpflow("assign", "p", "coordinator", "--name", "Anne", "--email",
                   "anne@klein.example", now="2026-03-05T10:00").exit_code == 0
    queue_reminders(store, parse_moment("2026-03-18T08:00"), SENDER)
    queued = [m for m in outbox_messages(store) if m["item"] == "planning"]
    assert [m["status"] for m in queued] == ["queued"]
    result = ivpflow("upgrade", "p", corrected(tmp_path, (PLANNING_TASK, "")), now=LATER)
    assert result.exit_code == 0, result.output
    assert "  - task planning 'Planning maken' (open)\n" in result.stdout
    assert item(status_of(ivpflow, "p", now=LATER), "planning") == {}
    after = [(m["status"], m["error"]) for m in outbox_messages(store) if m["item"] == "planning"]
    assert after == [("cancelled", "item removed by an upgrade")]


def test_removing_a_done_task_is_refused_without_force(ivpflow: Invoke, store: Store,
                                                       started: Path, tmp_path: Path) -> None:
    before = history_of(ivpflow)
    result = ivpflow("upgrade", "p", corrected(tmp_path, (WERKGROEP_TASK, "")), now=LATER)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Cannot upgrade 'p': it would drop what has recorded facts: task werkgroep "
        "(done 2026-03-05, a note) (--rename OLD=NEW if it was renamed, or --force --reason "
        "TEXT to drop it; the history keeps it)\n")
    assert history_of(ivpflow) == before
    assert stored_definitions(store) == 1


def test_a_dry_run_of_a_refused_drop_shows_what_would_change_and_why_not(
        ivpflow: Invoke, started: Path, tmp_path: Path) -> None:
    file = corrected(tmp_path, (WERKGROEP_TASK, ""))
    result = ivpflow("upgrade", "p", file, "--dry-run", now=LATER)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "  - task werkgroep 'Werkgroep samenstellen' (done 2026-03-05, a note: dropped; the "
        "history keeps it)"]
    assert result.stderr.startswith("Error: Cannot upgrade 'p': it would drop what has "
                                    "recorded facts: task werkgroep")


def test_removing_a_done_task_with_force_keeps_it_in_the_history(
        ivpflow: Invoke, started: Path, tmp_path: Path) -> None:
    file = corrected(tmp_path, (WERKGROEP_TASK, ""))
    result = ivpflow("upgrade", "p", file, "--force", "--reason", "dubbel met de startnotitie",
                     now=LATER)
    assert result.exit_code == 0, result.output
    assert ("  - task werkgroep 'Werkgroep samenstellen' (done 2026-03-05, a note: dropped; "
            "the history keeps it)\n") in result.stdout
    assert item(status_of(ivpflow, "p", now=LATER), "werkgroep") == {}
    events = history_of(ivpflow)
    assert [(e["event"], e["item"]) for e in events if e["item"] == "werkgroep"] == \
        [("done", "werkgroep")]
    assert events[-1]["note"].endswith("; forced: dubbel met de startnotitie (dropped: task "
                                       "werkgroep (done 5 maart 2026, a note))")


def test_force_needs_a_reason(ivpflow: Invoke, started: Path, tmp_path: Path) -> None:
    result = ivpflow("upgrade", "p", corrected(tmp_path, (WERKGROEP_TASK, "")), "--force")
    assert result.exit_code == 2
    assert "--force needs --reason TEXT" in result.stderr


def test_a_rename_carries_the_facts_over(ivpflow: Invoke, started: Path,
                                         tmp_path: Path) -> None:
    file = corrected(tmp_path, ("- id: werkgroep", "- id: werkgroep-vormen"))
    result = ivpflow("upgrade", "p", file, "--rename", "werkgroep=werkgroep-vormen", now=LATER)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  ~ task werkgroep-vormen: renamed from werkgroep; done 2026-03-05, a note "
        "carried over"]
    renamed = item(status_of(ivpflow, "p", now=LATER), "werkgroep-vormen")
    assert (renamed["status"], item(status_of(ivpflow, "p", now=LATER), "werkgroep")) == \
        ("done", {})
    events = history_of(ivpflow)
    assert [e["item"] for e in events if e["event"] == "done"] == ["werkgroep"]
    assert events[-1]["note"].endswith("; no change to phases or items; renamed werkgroep → "
                                       "werkgroep-vormen")


def test_a_rename_of_the_current_phase(ivpflow: Invoke, started: Path, tmp_path: Path) -> None:
    file = corrected(tmp_path, ("- id: opstart", "- id: start"))
    refused = ivpflow("upgrade", "p", file, now=LATER)
    assert refused.exit_code == 1
    assert refused.stderr == ("Error: Cannot upgrade 'p': its current phase 'opstart' is not "
                              f"in {file}; name its new id with --rename opstart=NEW\n")
    assert ivpflow("upgrade", "p", file, "--rename", "opstart=start", now=LATER).exit_code == 0
    status = status_of(ivpflow, "p", now=LATER)
    assert (status["phase"], status["phases"][0]["status"]) == ("start", "active")


def test_a_dry_run_writes_nothing(ivpflow: Invoke, store: Store, started: Path,
                                  tmp_path: Path) -> None:
    before, version = history_of(ivpflow), status_of(ivpflow, "p", now=LATER)
    file = corrected(tmp_path, (PLANNING_TASK, ADDED_TASK))
    result = ivpflow("upgrade", "p", file, "--dry-run", now=LATER)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("; dry run, nothing written")
    assert result.stdout.splitlines()[1:] == [
        "  + task risicos 'Risico's inventariseren' (phase opstart, due 2026-04-10)",
        "  - task planning 'Planning maken' (open)"]
    assert history_of(ivpflow) == before
    assert status_of(ivpflow, "p", now=LATER) == version
    assert stored_definitions(store) == 1


def test_another_workflow_is_refused(ivpflow: Invoke, started: Path, tmp_path: Path) -> None:
    file = corrected(tmp_path, ("id: klein", "id: groot"))
    result = ivpflow("upgrade", "p", file, now=LATER)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: Cannot upgrade 'p': {file} is workflow 'groot' and the "
                             "process runs 'klein'; upgrade takes a corrected definition of "
                             "the same workflow\n")


def test_an_invalid_file_is_refused_with_the_message_of_check(
        ivpflow: Invoke, started: Path, tmp_path: Path) -> None:
    file = corrected(tmp_path, ("due: 2026-03-20", "due: 3 weeks after nergens"))
    checked = ivpflow("check", file)
    result = ivpflow("upgrade", "p", file, now=LATER)
    assert (checked.exit_code, result.exit_code) == (1, 1)
    assert result.stdout == checked.stdout and result.stdout.startswith(f"{file}:")
    assert result.stderr == f"Error: 1 problem found in {file}; nothing changed\n"


def test_the_same_definition_again_changes_nothing(ivpflow: Invoke, started: Path) -> None:
    result = ivpflow("upgrade", "p", str(started), now=LATER)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: Process 'p' runs this definition of {started} already; "
                             "nothing changed\n")


def test_the_upgraded_event_in_the_history(ivpflow: Invoke, store: Store, started: Path,
                                           tmp_path: Path) -> None:
    file = corrected(tmp_path, (PLANNING_TASK, ADDED_TASK))
    assert ivpflow("upgrade", "p", file, now=LATER, actor="bob").exit_code == 0
    with store.connect() as conn:
        digests = dict(conn.execute(select(tables.definitions.c.path,
                                           tables.definitions.c.digest)).all())
    event = history_of(ivpflow)[-1]
    assert event == {"at": "2026-03-10T09:00:00+01:00", "actor": "bob", "event": "upgraded",
                     "from": digests[str(started)][:12], "to": digests[file][:12],
                     "item": None,
                     "note": f"from {file}; + task risicos, - task planning"}


# --------------------------------------------------------------------------- found by id


def test_a_workflow_started_from_a_file_is_found_by_id_when_the_file_is_gone(
        ivpflow: Invoke, started: Path) -> None:
    started.unlink()
    diagram = ivpflow("diagram", "klein")
    assert diagram.exit_code == 0, diagram.output
    assert 'title: "Klein proces"' in diagram.stdout
    assert diagram.stderr == (f"Using workflow 'klein' as the store holds it (last from "
                              f"{started}); it is not shipped or on IVPFLOW_WORKFLOWS\n")
    second = ivpflow("start", "klein")
    assert (second.exit_code, second.stdout) == (0, "klein\n")
    listed = json.loads(ivpflow("workflows", "--json").stdout)
    assert [(w["id"], w["path"], w.get("source")) for w in listed if w["id"] == "klein"] == \
        [("klein", str(started), "stored")]


def test_a_second_start_takes_the_upgraded_definition(ivpflow: Invoke, started: Path,
                                                      tmp_path: Path) -> None:
    file = corrected(tmp_path, (PLANNING_TASK, PLANNING_TASK + ADDED_TASK))
    assert ivpflow("upgrade", "p", file, now=LATER).exit_code == 0
    started.unlink()
    Path(file).unlink()
    assert ivpflow("start", "klein", "--id", "q", now=LATER).exit_code == 0
    assert item(status_of(ivpflow, "q", now=LATER), "risicos")["status"] == "open"


def test_a_shipped_workflow_wins_over_a_stored_one_of_the_same_id(
        ivpflow: Invoke, tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parent.parent / "workflows/vng-kernbeleid-veiligheid.yaml"
    own = tmp_path / "eigen.yaml"
    own.write_text(shipped.read_text(encoding="utf-8").replace(
        "title: Integraal Veiligheidsplan volgens VNG Kernbeleid Veiligheid",
        "title: Eigen variant", 1), encoding="utf-8")
    assert ivpflow("start", str(own), "--id", "eigen").exit_code == 0
    diagram = ivpflow("diagram", "vng-kernbeleid-veiligheid")
    assert (diagram.exit_code, diagram.stderr) == (0, "")
    assert "Eigen variant" not in diagram.stdout


def test_an_unknown_workflow_lists_the_stored_ones(ivpflow: Invoke, started: Path) -> None:
    result = ivpflow("start", "onbekend")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Unknown workflow 'onbekend'; available: klein, "
                             "noordoost-twente-2027-2030, vng-kernbeleid-veiligheid\n")


def test_a_dry_run_in_dutch_says_every_change_in_dutch(ivpflow: Invoke, started: Path,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    file = corrected(tmp_path, (WERKGROEP_TASK, ""), (PLANNING_TASK, ADDED_TASK),
                     ("due: 2026-05-29", "due: 2026-06-12"))
    monkeypatch.setenv("IVPFLOW_LANGUAGE", "nl")
    result = ivpflow("upgrade", "p", file, "--dry-run", now=LATER)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "  + taak risicos 'Risico's inventariseren' (fase opstart, uiterlijk 10 april 2026)",
        "  ~ taak cijfers: termijn '2026-05-29' → '2026-06-12'",
        "  - taak werkgroep 'Werkgroep samenstellen' (afgerond op 5 maart 2026, een notitie: "
        "vervalt; de geschiedenis bewaart het)",
        "  - taak planning 'Planning maken' (open)",
        "  termijn van taak cijfers: 29 mei → 12 juni 2026"]
    assert "taak werkgroep (afgerond op 5 maart 2026, een notitie)" in result.stderr
