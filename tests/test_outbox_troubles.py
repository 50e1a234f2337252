"""Nothing fails silently: a draft or a mail template that fails stops nothing else and is
shown; failed and delayed messages make the tick exit 1, show in status, the report and the
digest, and can be requeued; the mails say what their readers need; one digest a week."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from ivpflow.dates import parse_moment
from ivpflow.documents.rendering import SHIPPED
from ivpflow.outbox.mail import MailSettings
from ivpflow.outbox.reminders import message_id, queue_reminders
from ivpflow.outbox.scheduler import tick
from ivpflow.process.lifecycle import advance, start_process
from ivpflow.process.meetings import add_meetings
from ivpflow.process.people import assign
from ivpflow.store import Store, tables
from ivpflow.views.history import history
from ivpflow.views.outbox import outbox_messages
from ivpflow.views.report import report_context
from ivpflow.workflow.model import Definition, Meeting

from .conftest import Invoke, outbox_row, settle_skipped, status_of

SENDER = "IVP Noordoost Twente <ivp@losser.example>"
ROLES = ("coordinator", "projectmanager", "werkgroep", "portefeuillehouder", "griffie")


def staffed(ivpflow: Invoke, process: str = "not") -> None:
    """A process with a person in every role the tests mail."""
    result = ivpflow("start", "noordoost-twente-2027-2030", "--id", process)
    assert result.exit_code == 0, result.output
    for role in ROLES:
        result = ivpflow("assign", process, role, "--name", f"{role.title()} {process.upper()}",
                         "--email", f"{role}.{process}@losser.example")
        assert result.exit_code == 0, result.output


def sent_count(store: Store) -> int:
    return sum(1 for m in outbox_messages(store) if m["status"] == "sent")


# --------------------------------------------------------------------------- drafts


def test_a_failing_draft_stops_no_reminder_and_is_shown_until_it_renders(
        ivpflow: Invoke, store: Store, own_templates: Path, store_dir: Path) -> None:
    staffed(ivpflow)
    (own_templates / "documents" / "startnotitie.md.j2").write_text(
        "# Startnotitie\n{{ 1 // 0 }}\n", encoding="utf-8")
    result = ivpflow("tick", now="2026-03-02T10:00")
    assert result.exit_code == 1
    assert "Problem: draft startnotitie of not failed (attempt 1): Template " in result.stderr
    assert "startnotitie.md.j2:2: ZeroDivisionError: integer division" in result.stderr
    # The reminders went out all the same, and the other drafts were made.
    assert sent_count(store) > 10
    drafted = {p.name for p in (store_dir / "drafts" / "not").iterdir()}
    assert "raadsinformatiebrief-losser-v1.docx" in drafted
    assert not any(name.startswith("startnotitie") for name in drafted)
    failures = status_of(ivpflow, now="2026-03-02T10:05")["draft_failures"]
    assert [(f["document"], f["attempts"]) for f in failures] == [("startnotitie", 1)]
    assert failures[0]["error"].endswith("startnotitie.md.j2:2: ZeroDivisionError: integer "
                                         "division or modulo by zero")
    shown = ivpflow("status", "not", now="2026-03-02T10:05").stdout
    assert "Draft startnotitie failed since 2026-03-02 (1 tries): Template " in shown
    assert ivpflow("tick", now="2026-03-02T10:15").exit_code == 1  # tried again, counted
    assert status_of(ivpflow, now="2026-03-02T10:20")["draft_failures"][0]["attempts"] == 2
    (own_templates / "documents" / "startnotitie.md.j2").unlink()
    result = ivpflow("tick", "--json", now="2026-03-02T10:30")
    assert result.exit_code == 0, result.stderr
    drafts = json.loads(result.stdout)["drafts"]
    assert any(path.endswith("startnotitie-v1.docx") for path in drafts)
    assert status_of(ivpflow, now="2026-03-02T10:35")["draft_failures"] == []


def test_a_mail_template_failing_for_one_process_stops_only_that_process(
        ivpflow: Invoke, store: Store, own_templates: Path) -> None:
    staffed(ivpflow, "not")
    staffed(ivpflow, "two")
    shipped = (SHIPPED / "mail" / "reminder.txt.j2").read_text(encoding="utf-8")
    (own_templates / "mail" / "reminder.txt.j2").write_text(
        '{% if process.id == "two" %}{{ 1 // 0 }}{% endif %}' + shipped, encoding="utf-8")
    result = ivpflow("tick", now="2026-03-02T10:00")
    assert result.exit_code == 1
    assert "Problem: reminders of two: Template " in result.stderr
    assert "reminder.txt.j2:1: ZeroDivisionError" in result.stderr
    by_process = {m["process"] for m in outbox_messages(store) if m["kind"] != "digest"}
    assert by_process == {"not"}
    # Mended, the next tick sends the other process's reminders too.
    (own_templates / "mail" / "reminder.txt.j2").unlink()
    assert ivpflow("tick", now="2026-03-02T10:15").exit_code == 0
    assert {m["process"] for m in outbox_messages(store) if m["kind"] != "digest"} == {
        "not", "two"}


# --------------------------------------------------------------------------- undelivered


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_tick_exits_1_once_a_message_has_waited_an_hour(
        ivpflow: Invoke, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    staffed(ivpflow)
    monkeypatch.setenv("IVPFLOW_SMTP_URL", f"smtp://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("IVPFLOW_SMTP_TIMEOUT", "2")
    first = ivpflow("tick", now="2026-03-02T10:00")
    assert "mail to smtp://127.0.0.1" in first.stderr  # the server is named at once
    assert sent_count(store) == 0
    later = ivpflow("tick", now="2026-03-02T11:15")
    assert later.exit_code == 1
    assert "message(s) waiting an hour or more" in later.stderr
    waiting = status_of(ivpflow, now="2026-03-02T11:20")["undelivered"]
    assert waiting and {m["status"] for m in waiting} == {"queued"}
    assert "waiting an hour or more" in ivpflow("status", "not", now="2026-03-02T11:20").stdout


def fail_all(store: Store, error: str = "550 5.1.1 mailbox unavailable") -> None:
    with store.connect() as conn:
        conn.execute(update(tables.outbox).values(status="failed", error=error))


def test_failed_messages_are_shown_requeued_and_the_requeue_is_recorded(
        ivpflow: Invoke, store: Store) -> None:
    staffed(ivpflow)
    queue_reminders(store, parse_moment("2026-03-02T10:00"), SENDER)
    fail_all(store)
    ids = [m["id"] for m in outbox_messages(store)]
    status = status_of(ivpflow, now="2026-03-02T10:05")
    assert [m["id"] for m in status["undelivered"]] == ids[:50]
    assert "message(s) failed" in ivpflow("status", "not", now="2026-03-02T10:05").stdout
    report = report_context(store, "not", now=parse_moment("2026-03-02T10:05"))
    assert len(report["undelivered"]) == min(len(ids), 50)

    refused = ivpflow("outbox", "retry", str(ids[0]), "999999")
    assert (refused.exit_code, refused.stderr) == (1, "Error: Message 999999 is not in the "
                                                      "outbox\n")
    assert {m["status"] for m in outbox_messages(store)} == {"failed"}  # nothing requeued
    assert ivpflow("outbox", "retry").exit_code == 2
    done = ivpflow("outbox", "retry", str(ids[0]), now="2026-03-02T10:10")
    assert done.exit_code == 0 and f"Requeued 1 message(s): {ids[0]}" in done.stdout
    again = ivpflow("outbox", "retry", str(ids[0]))
    assert again.exit_code == 1 and "is queued; only failed messages are requeued" in again.stderr
    assert ivpflow("outbox", "retry", "--failed", now="2026-03-02T10:11").exit_code == 0
    assert {m["status"] for m in outbox_messages(store)} == {"queued"}
    requeued = [e for e in history(store, "not") if e["event"] == "mail-requeued"]
    assert len(requeued) == len(ids)
    assert requeued[0]["note"].endswith("it failed with: 550 5.1.1 mailbox unavailable")
    # Requeued messages go out on the next tick, once each.
    assert ivpflow("tick", now="2026-03-02T10:15").exit_code == 0
    assert sent_count(store) >= len(ids)


def test_outbox_filters_by_process_address_and_limit(ivpflow: Invoke, store: Store) -> None:
    staffed(ivpflow, "not")
    staffed(ivpflow, "two")
    queue_reminders(store, parse_moment("2026-03-02T10:00"), SENDER)
    everything = json.loads(ivpflow("outbox", "--json").stdout)
    of_two = json.loads(ivpflow("outbox", "--json", "--process", "two").stdout)
    assert of_two and of_two == [m for m in everything if m["process"] == "two"]
    to = json.loads(ivpflow("outbox", "--json", "--to", "COORDINATOR.not@losser.example").stdout)
    assert to and to == [m for m in everything if m["to"] == "coordinator.not@losser.example"]
    newest = json.loads(ivpflow("outbox", "--json", "--limit", "3").stdout)
    assert newest == everything[-3:]
    assert "No messages match." in ivpflow("outbox", "--process", "none").stdout


def test_the_digest_lists_what_did_not_go_out(ivpflow: Invoke, store: Store) -> None:
    staffed(ivpflow)
    queue_reminders(store, parse_moment("2026-03-02T10:00"), SENDER)
    fail_all(store, "550 no such user")
    queue_reminders(store, parse_moment("2026-03-09T08:00"), SENDER)
    digest = next(m for m in outbox_messages(store, "queued") if m["kind"] == "digest")
    body = outbox_row(store, digest["id"]).body_text
    assert "Berichten die hun ontvanger niet bereikten" in body
    assert "niet verstuurd (550 no such user)" in body
    assert "ivpflow outbox retry --failed" in body


# --------------------------------------------------------------------------- mail texts


@pytest.fixture
def analyse(store: Store, not_definition: Definition) -> Store:
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    for role in ROLES:
        assign(store, "not", role, name=f"{role.title()} Losser",
               email=f"{role}@losser.example", now=parse_moment("2026-02-27T09:00"), actor="t")
    advance(store, "not", now=parse_moment("2026-02-27T17:00"), actor="t", force=True,
            reason="r")
    settle_skipped(store, "not", parse_moment("2026-02-27T17:10"))  # opstart ran outside ivpflow
    return store


def test_only_the_coordinator_is_given_commands(analyse: Store) -> None:
    queue_reminders(analyse, parse_moment("2026-05-04T08:00"), SENDER)
    rows = {m["to"]: outbox_row(analyse, m["id"]) for m in outbox_messages(analyse)
            if m["item"] in ("veiligheidsanalyse", "veiligheidsmonitor")}
    coordinator, manager = rows["coordinator@losser.example"], rows["projectmanager@losser.example"]
    assert "ivpflow done not" in coordinator.body_text and coordinator.reply_to is None
    assert "ivpflow" not in manager.body_text.split("\n--\n")[0]
    assert ("Klaar of vertraagd? Laat het Coordinator Losser weten, "
            "coordinator@losser.example (of beantwoord dit bericht).") in manager.body_text
    assert manager.reply_to == "Coordinator Losser <coordinator@losser.example>"
    assert "ivpflow done" not in manager.body_html
    assert manager.message_id.endswith("@losser.example>")


def test_a_decision_reminder_names_its_meeting_and_when_the_papers_are_due(
        analyse: Store) -> None:
    add_meetings(analyse, "not", [Meeting("gemeenteraad Losser", date(2026, 11, 24))],
                 now=parse_moment("2026-03-01T09:00"), actor="t")
    queue_reminders(analyse, parse_moment("2026-11-10T08:00"), SENDER)
    row = next(outbox_row(analyse, m["id"]) for m in outbox_messages(analyse)
               if m["item"] == "vaststelling-ivp-losser" and m["kind"] == "upcoming")
    assert "  Vergadering: gemeenteraad Losser, dinsdag 24 november 2026" in row.body_text
    assert "  Stukken:     uiterlijk dinsdag 3 november 2026 bij de griffie" in row.body_text


def test_an_overdue_reminder_puts_nothing_in_the_agenda(analyse: Store) -> None:
    queue_reminders(analyse, parse_moment("2026-05-04T08:00"), SENDER)
    rows = [outbox_row(analyse, m["id"]) for m in outbox_messages(analyse)]
    overdue = [r for r in rows if r.kind == "overdue"]
    upcoming = [r for r in rows if r.kind == "upcoming"]
    assert overdue and all(r.ics is None and "agenda" not in r.body_text for r in overdue)
    assert upcoming and all(r.ics and "De bijlage zet de termijn in uw agenda." in r.body_text
                            for r in upcoming)


def test_nobody_in_a_role_is_said_plainly(store: Store, not_definition: Definition) -> None:
    start_process(store, not_definition, now=parse_moment("2026-02-27T09:00"), actor="t",
                  process_id="not")
    assign(store, "not", "coordinator", name="C", email="c@losser.example",
           now=parse_moment("2026-02-27T09:00"), actor="t")
    queue_reminders(store, parse_moment("2026-03-02T10:00"), SENDER)
    bodies = [outbox_row(store, m["id"]).body_text for m in outbox_messages(store)]
    wie = sorted({line.strip() for body in bodies for line in body.splitlines()
                  if line.startswith("  Wie:")})
    # The coordinator stands in, and the mail says so, as status does.
    assert "Wie:         C (coördinator, projectmanager onbezet)" in wie
    assert "Wie:         C" in wie and not any("((" in line for line in wie)


def test_message_ids_are_in_the_senders_domain() -> None:
    assert message_id("k", "IVP <ivp@losser.example>").endswith("@losser.example>")
    assert message_id("k", "ivp@oldenzaal.example").endswith("@oldenzaal.example>")
    assert message_id("k", "nobody") == message_id("k", "nobody")
    assert message_id("k", "nobody").endswith("@ivpflow.invalid>")


def test_the_digest_says_week_17(analyse: Store) -> None:
    queue_reminders(analyse, parse_moment("2026-04-20T08:00"), SENDER)
    digest = next(m for m in outbox_messages(analyse) if m["kind"] == "digest")
    assert digest["subject"].startswith("Weekoverzicht week 17: ")
    assert "Weekoverzicht van week 17 (2026)" in outbox_row(analyse, digest["id"]).body_text


def digests(store: Store) -> list[str]:
    return [m["moment"] or "" for m in outbox_messages(store) if m["kind"] == "digest"]


def test_a_first_start_just_before_monday_eight_sends_one_digest(analyse: Store) -> None:
    queue_reminders(analyse, parse_moment("2026-04-20T07:59:30"), SENDER)
    queue_reminders(analyse, parse_moment("2026-04-20T08:00"), SENDER)
    assert digests(analyse) == ["2026-04-20"]


def test_a_really_missed_digest_is_caught_up_once(analyse: Store) -> None:
    queue_reminders(analyse, parse_moment("2026-04-22T10:00"), SENDER)  # Wednesday
    queue_reminders(analyse, parse_moment("2026-04-22T10:15"), SENDER)
    assert digests(analyse) == ["2026-04-20"]
    row = next(m for m in outbox_messages(analyse) if m["kind"] == "digest")
    assert "komt later dan bedoeld" in outbox_row(analyse, row["id"]).body_text
    queue_reminders(analyse, parse_moment("2026-04-27T08:00"), SENDER)
    assert digests(analyse) == ["2026-04-20", "2026-04-27"]


# --------------------------------------------------------------------------- the scheduler


def test_a_bad_setting_from_the_environment_is_one_line(
        ivpflow: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVPFLOW_DELIVER_PAUSE", "abc")
    result = ivpflow("scheduler")
    assert (result.exit_code, result.stderr) == (
        1, "Error: IVPFLOW_DELIVER_PAUSE 'abc' must be a number of seconds from 0 to 60\n")


def test_an_idle_tick_has_nothing_to_log(analyse: Store, tmp_path: Path) -> None:
    settings = MailSettings(sender=SENDER, maildir=tmp_path / "outbox")
    busy = tick(analyse, parse_moment("2026-04-15T08:00"), settings, worker="w")
    assert busy.eventful and busy.ok
    idle = tick(analyse, parse_moment("2026-04-15T08:15"), settings, worker="w")
    assert not idle.eventful and idle.problems() == []


def test_a_mail_server_is_named_without_its_credentials(tmp_path: Path) -> None:
    settings = MailSettings(sender=SENDER, maildir=tmp_path,
                            smtp_url="smtp://ivp:geheim@mail.losser.example:587")
    assert settings.target == "smtp://mail.losser.example:587"
