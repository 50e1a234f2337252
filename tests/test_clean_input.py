"""Clean input: every free-text value is refused with one line naming the field, the
character and its position when it holds a character no document can hold, and nothing is
written; what a database holds from before cannot fail the Word writer, the HTML or the mail."""

from __future__ import annotations

import inspect
import json
import types
from collections.abc import Callable, Iterator
from datetime import date
from email import message_from_bytes, policy
from io import BytesIO
from pathlib import Path
from typing import Any, NamedTuple

import docx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select, update

from ivpflow.cli import cli
from ivpflow.documents import content, drafts
from ivpflow.documents.markup import convert
from ivpflow.errors import InvalidValueError, TextError
from ivpflow.process import items, lifecycle, meetings, people, schedules
from ivpflow.store import Store, tables
from ivpflow.store.rows import CONTENT
from ivpflow.text import check_text, scrub
from ivpflow.workflow.loader import find_definition
from ivpflow.workflow.model import Definition, Meeting

from .conftest import NOT, NOW, Invoke, read

BAD = "Jan\x01Jansen"  # the character at position 4
TASK = "werkgroep-samenstellen"
DECISION = "verlenging-ivp-losser"
BODY = "gemeenteraad Losser"
ONE_LINE = "it must be one line, without tabs or other control characters"
LINES = "only line breaks and tabs are allowed"


def events(store: Store, process_id: str = "not") -> int:
    """How many entries the history of a process has."""
    with store.connect() as conn:
        return conn.scalar(select(func.count()).select_from(tables.events)
                           .where(tables.events.c.process_id == process_id)) or 0


@pytest.fixture
def process(store: Store, not_definition: Definition) -> str:
    """The Noordoost Twente process, started as 'not' through the library."""
    return lifecycle.start_process(store, not_definition, now=NOW, actor="t", process_id="not")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    """One SQLite store with the process 'not', for the refusals: none of them changes it."""
    store_dir = tmp_path_factory.mktemp("refusals") / "store"
    store = Store.open(store_dir)
    lifecycle.start_process(store, find_definition(NOT), now=NOW, actor="t", process_id="not")
    yield store, store_dir
    store.dispose()


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(("value", "one_line", "message"), [
    (BAD, True, f"Name 'Jan\\x01Jansen' contains a control character (U+0001) at position 4; "
                f"{ONE_LINE}"),
    (BAD, False, f"Name 'Jan\\x01Jansen' contains a control character (U+0001) at position 4; "
                 f"{LINES}"),
    ("Jan\tJansen", True, f"Name 'Jan\\tJansen' contains a tab (U+0009) at position 4; "
                          f"{ONE_LINE}"),
    ("Jan\nJansen", True, f"Name 'Jan\\nJansen' contains a line break (U+000A) at position 4; "
                          f"{ONE_LINE}"),
    ("Jan\x1b[31m", False, f"Name 'Jan\\x1b[31m' contains a control character (U+001B) at "
                           f"position 4; {LINES}"),
    ("Jan\x7f", False, f"Name 'Jan\\x7f' contains a control character (U+007F) at position 4; "
                       f"{LINES}"),
    ("Jan\x85", False, f"Name 'Jan\\x85' contains a control character (U+0085) at position 4; "
                       f"{LINES}"),
    ("Jan\udcff", False, "Name 'Jan\\udcff' contains a lone surrogate (U+DCFF) at position 4; "
                         "it is not a character (was the input valid UTF-8?)"),
    ("Jan\ufffe", False, "Name 'Jan\\ufffe' contains a non-character (U+FFFE) at position 4; "
                         "no document can hold it"),
    ("Jan\uffff", False, "Name 'Jan\\uffff' contains a non-character (U+FFFF) at position 4; "
                         "no document can hold it"),
], ids=["c0-one-line", "c0-lines", "tab-one-line", "newline-one-line", "escape", "del", "c1",
        "surrogate", "fffe", "ffff"])
def test_check_text_names_the_field_the_character_and_its_position(value: str, one_line: bool,
                                                                   message: str) -> None:
    with pytest.raises(TextError) as refused:
        check_text("Name", value, one_line=one_line)
    assert str(refused.value) == message
    assert (refused.value.what, refused.value.value, refused.value.index) == ("Name", value, 3)


def test_check_text_keeps_line_breaks_and_tabs_in_text_of_several_lines() -> None:
    assert check_text("Note", "regel 1\r\nregel 2\rregel 3\tmet tab") == \
        "regel 1\nregel 2\nregel 3\tmet tab"
    assert check_text("Name", "Anne-Marie van ’t Hof – Ø ✓ 😀", one_line=True) == \
        "Anne-Marie van ’t Hof – Ø ✓ 😀"
    assert check_text("Note", None) is None


def test_a_long_text_is_quoted_around_the_character() -> None:
    with pytest.raises(TextError) as refused:
        check_text("Note", "a" * 1000 + "\x01" + "b" * 1000)
    assert str(refused.value) == (f"Note '…{'a' * 30}\\x01{'b' * 29}…' contains a control "
                                  f"character (U+0001) at position 1001; {LINES}")


def test_scrub_shows_what_no_document_holds_as_the_replacement_character() -> None:
    assert scrub("Jan\x01\x7f\x85\udcff\ufffe Jansen\n\tregel\r\n") == \
        "Jan\ufffd\ufffd\ufffd\ufffd\ufffd Jansen\n\tregel\r\n"


# --------------------------------------------------------------------------- library


# Every free-text parameter of the functions that write a process: the field its refusal
# names, a call that gives it a value, a clean value, and what has to be done first. A text
# parameter neither here nor in LOOKUPS fails test_every_text_parameter_is_checked_or_looked_up.
Call = Callable[[Store, Path, str], Any]
W: dict[str, Any] = {"now": NOW, "actor": "t"}


class Entry(NamedTuple):
    field: str
    call: Call
    clean: str = "Jan Jansen"
    setup: Callable[[Store], Any] | None = None


def _content(function: Callable[..., Any], ident: str, fields: dict[str, Any],
             field: str) -> Entry:
    """add_priority/indicator/action with one field given the value."""
    return Entry(field.capitalize(),
                 lambda s, d, v: function(s, "not", ident, **{**fields, field: v}, **W))


PRIORITY: dict[str, Any] = {"veld": 1, "theme": "T", "title": "T"}
INDICATOR: dict[str, Any] = {"veld": 1, "title": "T"}
ACTION: dict[str, Any] = {"title": "T"}
FREE_TEXT: dict[tuple[str, str], Entry] = {
    ("start_process", "process_id"): Entry("Process id", lambda s, d, v: lifecycle.start_process(
        s, find_definition(NOT), process_id=v, **W), "Jan-Jansen"),
    ("advance", "note"): Entry("Note", lambda s, d, v: lifecycle.advance(
        s, "not", force=True, reason="r", note=v, **W)),
    ("advance", "reason"): Entry("Reason", lambda s, d, v: lifecycle.advance(
        s, "not", force=True, reason=v, **W)),
    ("reopen", "reason"): Entry("Reason", lambda s, d, v: lifecycle.reopen(
        s, "not", to="opstart", reason=v, **W),
        setup=lambda s: lifecycle.advance(s, "not", force=True, reason="r", **W)),
    ("suspend", "reason"): Entry("Reason", lambda s, d, v: lifecycle.suspend(
        s, "not", reason=v, **W)),
    ("resume", "note"): Entry("Note", lambda s, d, v: lifecycle.resume(
        s, "not", note=v, **W), setup=lambda s: lifecycle.suspend(s, "not", reason="r", **W)),
    ("complete", "note"): Entry("Note", lambda s, d, v: items.complete(
        s, "not", TASK, note=v, **W)),
    ("decide", "note"): Entry("Note", lambda s, d, v: items.decide(
        s, "not", DECISION, outcome="vastgesteld", note=v, **W)),
    ("add_meetings", "meetings"): Entry("Body", lambda s, d, v: meetings.add_meetings(
        s, "not", [Meeting(v, date(2026, 11, 24), None)], **W), BODY),
    ("assign", "name"): Entry("Name", lambda s, d, v: people.assign(
        s, "not", "griffie", name=v, email="g@losser.nl", **W)),
    ("assign", "email"): Entry("E-mail address", lambda s, d, v: people.assign(
        s, "not", "griffie", name="G", email=v, **W), "jan@losser.nl"),
    ("add_priority", "priority_id"): Entry("Priority id", lambda s, d, v: content.add_priority(
        s, "not", v, **PRIORITY, **W), "jan-jansen"),
    **{("add_priority", f): _content(content.add_priority, "p", PRIORITY, f)
       for f in ("theme", "title", "rationale")},
    ("add_indicator", "indicator_id"): Entry("Indicator id", lambda s, d, v:
                                             content.add_indicator(s, "not", v, **INDICATOR,
                                                                   **W), "jan-jansen"),
    **{("add_indicator", f): _content(content.add_indicator, "i", INDICATOR, f)
       for f in ("title", "source", "baseline", "target")},
    ("add_action", "action_id"): Entry("Action id", lambda s, d, v: content.add_action(
        s, "not", v, **ACTION, **W), "jan-jansen"),
    **{("add_action", f): _content(content.add_action, "a", ACTION, f)
       for f in ("title", "doelstelling", "activiteiten", "trekker", "betrokkenen", "kosten")},
    ("set_value", "value"): Entry("portefeuillehouder", lambda s, d, v: content.set_value(
        s, "not", "portefeuillehouder", v, **W)),
    ("draft", "reason"): Entry("Reason", lambda s, d, v: drafts.draft(
        s, d, "not", "startnotitie", reason=v, **W), "op verzoek"),
    # Every write: the unit of work checks who acts.
    ("*", "actor"): Entry("Actor", lambda s, d, v: items.complete(s, "not", TASK, now=NOW,
                                                                  actor=v)),
}
# Text parameters that name something the process or its definition has (looked up, never
# kept as given), that are parsed, or that are not kept at all.
LOOKUPS = {
    ("advance", "to"), ("reopen", "to"), ("complete", "item_id"), ("decide", "decision_id"),
    ("decide", "outcome"), ("add_meetings", "source"), ("remove_meeting", "body"),
    ("assign", "role"), ("unassign", "role"), ("unassign", "email"),
    ("assign", "municipality"), ("unassign", "municipality"), ("add_priority", "veld"),
    ("add_priority", "gemeente"),
    ("remove_priority", "priority_id"), ("add_indicator", "priority"),
    ("add_indicator", "veld"), ("remove_indicator", "indicator_id"),
    ("add_action", "priority"), ("add_action", "termijn"), ("remove_action", "action_id"),
    ("set_value", "key"), ("set_value", "municipality"), ("unset_value", "key"),
    ("unset_value", "municipality"), ("set_value", "document"), ("unset_value", "document"),
    ("render_markdown", "document"),
    ("draft", "store_dir"), ("draft", "document"), ("draft", "formats"), ("draft", "out"),
    ("render_due_drafts", "store_dir"),
    # A calendar's names are mapped to the definition's bodies (the values are looked up).
    ("import_meetings", "mapping"), ("schedule_meetings", "body"),
    ("schedule_meetings", "rule_text"), ("unschedule_meetings", "body"),
}
MODULES = [lifecycle, items, meetings, schedules, people, content, drafts]


def parameters(module: types.ModuleType) -> list[tuple[str, str, str]]:
    """(function, parameter, annotation) of every public function of a module that takes the
    store first."""
    found = []
    for name, function in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(function) \
                or function.__module__ != module.__name__:
            continue
        signature = list(inspect.signature(function).parameters.values())
        if signature and signature[0].name == "store":
            found += [(name, p.name, str(p.annotation)) for p in signature]
    return found


def test_every_text_parameter_is_checked_or_looked_up() -> None:
    every = [entry for module in MODULES for entry in parameters(module)]
    text = {(f, p) for f, p, annotation in every if "str" in annotation}
    unclassified = {(f, p) for f, p in text - set(FREE_TEXT) - LOOKUPS
                    if p != "actor" and (p != "process_id" or f == "start_process")}
    assert unclassified == set()
    assert {pair for pair in FREE_TEXT if pair[0] != "*"} <= {(f, p) for f, p, _ in every}
    assert len(text) > 60  # the functions were found


def written(store: Store) -> tuple[int, int, int, int]:
    """What the database holds: processes, their versions summed, events, named values."""
    with store.connect() as conn:
        return tuple(conn.scalar(query) or 0 for query in (  # type: ignore[return-value]
            select(func.count()).select_from(tables.processes),
            select(func.sum(tables.processes.c.version)),
            select(func.count()).select_from(tables.events),
            select(func.count()).select_from(tables.process_values)))


def refuses(shared: tuple[Store, Path], entry: tuple[str, str], character: str) -> None:
    """Call an entry with the character at position 4 of its clean value: refused before
    anything else is looked at, naming the field, and nothing written."""
    store, store_dir = shared
    field, call, clean, _ = FREE_TEXT[entry]
    before = written(store)
    with pytest.raises(TextError) as refused:
        call(store, store_dir, clean[:3] + character + clean[3:])
    assert (refused.value.what, refused.value.index, refused.value.character) == \
        (field, 3, character)
    assert written(store) == before


@pytest.mark.parametrize("entry", FREE_TEXT, ids=[f"{f}-{p}" for f, p in FREE_TEXT])
def test_every_free_text_parameter_refuses_a_control_character_and_writes_nothing(
        shared: tuple[Store, Path], entry: tuple[str, str]) -> None:
    refuses(shared, entry, "\x01")


@pytest.mark.parametrize("entry", [("set_value", "value"), ("assign", "name"),
                                   ("add_action", "doelstelling")],
                         ids=["value", "name", "content"])
@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\ud800", "\uffff"],
                         ids=["nul", "esc", "del", "c1", "surrogate", "non-character"])
def test_every_kind_of_character_no_document_holds_is_refused(
        shared: tuple[Store, Path], entry: tuple[str, str], character: str) -> None:
    refuses(shared, entry, character)


@pytest.mark.parametrize("entry", FREE_TEXT, ids=[f"{f}-{p}" for f, p in FREE_TEXT])
def test_every_free_text_parameter_takes_clean_text(store: Store, store_dir: Path,
                                                     process: str, entry: tuple[str, str]) -> None:
    """The same calls succeed with clean text: what is refused above is the character."""
    _, call, clean, setup = FREE_TEXT[entry]
    if setup is not None:
        setup(store)
    events = written(store)[2]
    call(store, store_dir, clean)
    assert written(store)[2] > events


@pytest.mark.parametrize(("value", "error", "message"), [
    ("not\n", TextError, r"^Process id 'not\\n' contains a line break \(U\+000A\) at position 4"),
    ("not\t", TextError, r"^Process id 'not\\t' contains a tab \(U\+0009\) at position 4"),
    ("not ", InvalidValueError, r"^Process id 'not ' must be letters, digits"),
], ids=["newline", "tab", "space"])
def test_a_process_id_must_match_whole(store: Store, not_definition: Definition, value: str,
                                       error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        lifecycle.start_process(store, not_definition, now=NOW, actor="t", process_id=value)
    assert written(store) == (0, 0, 0, 0)


def test_a_content_id_with_a_trailing_newline_is_refused(store: Store, process: str) -> None:
    with pytest.raises(TextError, match=r"^Priority id 'jeugd\\n' contains a line break"):
        content.add_priority(store, "not", "jeugd\n", veld=3, theme="T", title="T", **W)
    assert read(store, parts=CONTENT).priorities == ()


# --------------------------------------------------------------------------- the command line


CLI: dict[str, list[str]] = {
    "start --id": ["start", NOT, "--id", BAD],
    "advance --note": ["advance", "not", "--force", "--reason", "r", "--note", BAD],
    "advance --reason": ["advance", "not", "--force", "--reason", BAD],
    "reopen --reason": ["reopen", "not", "--to", "opstart", "--reason", BAD],
    "suspend --reason": ["suspend", "not", "--reason", BAD],
    "resume --note": ["resume", "not", "--note", BAD],
    "done --note": ["done", "not", TASK, "--note", BAD],
    "decide --note": ["decide", "not", DECISION, "--outcome", "vastgesteld", "--note", BAD],
    "meeting add BODY": ["meeting", "add", "not", BAD, "2026-11-24"],
    "assign --name": ["assign", "not", "griffie", "--name", BAD, "--email", "g@losser.nl"],
    "assign --email": ["assign", "not", "griffie", "--name", "G", "--email",
                       "jan\x01@losser.nl"],
    "priority add PRIORITY": ["priority", "add", "not", "jan\x01", "--veld", "1", "--theme",
                              "T", "--title", "T"],
    **{f"priority add --{f}": ["priority", "add", "not", "p", "--veld", "1",
                               *(["--theme", "T"] if f != "theme" else []),
                               *(["--title", "T"] if f != "title" else []), f"--{f}", BAD]
       for f in ("theme", "title", "rationale")},
    "indicator add INDICATOR": ["indicator", "add", "not", "jan\x01", "--veld", "1",
                                "--title", "T"],
    **{f"indicator add --{f}": ["indicator", "add", "not", "i", "--veld", "1",
                                *(["--title", "T"] if f != "title" else []), f"--{f}", BAD]
       for f in ("title", "source", "baseline", "target")},
    "action add ACTION": ["action", "add", "not", "jan\x01", "--title", "T"],
    **{f"action add --{f}": ["action", "add", "not", "a",
                             *(["--title", "T"] if f != "title" else []), f"--{f}", BAD]
       for f in ("title", "doelstelling", "activiteiten", "trekker", "betrokkenen", "kosten")},
    "set VALUE": ["set", "not", "portefeuillehouder", BAD],
    "set VALUE dekking": ["set", "not", "dekking", BAD],
}


@pytest.mark.parametrize("args", CLI.values(), ids=list(CLI))
def test_every_command_refuses_a_control_character_in_one_error_line(
        ivpflow: Invoke, started: str, store: Store, args: list[str]) -> None:
    before = written(store)
    result = ivpflow(*args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "contains a control character (U+0001) at position 4; " in result.stderr
    assert written(store) == before


@pytest.mark.parametrize(("args", "message"), [
    (["assign", "not", "griffie", "--name", BAD, "--email", "g@losser.nl"],
     f"Name 'Jan\\x01Jansen' contains a control character (U+0001) at position 4; {ONE_LINE}"),
    (["set", "not", "portefeuillehouder", BAD],
     f"portefeuillehouder 'Jan\\x01Jansen' contains a control character (U+0001) at "
     f"position 4; {ONE_LINE}"),
    (["set", "not", "dekking", "Uit de\nreserve\x1b[2J"],
     f"dekking 'Uit de\\nreserve\\x1b[2J' contains a control character (U+001B) at "
     f"position 15; {LINES}"),
    (["done", "not", TASK, "--note", "klaar\x7f"],
     f"Note 'klaar\\x7f' contains a control character (U+007F) at position 6; {LINES}"),
    (["done", "not", TASK, "--note", "klaar\udcff"],
     "Note 'klaar\\udcff' contains a lone surrogate (U+DCFF) at position 6; it is not a "
     "character (was the input valid UTF-8?)"),
    (["action", "add", "not", "a", "--title", "Veilige\tschool"],
     f"Title 'Veilige\\tschool' contains a tab (U+0009) at position 8; {ONE_LINE}"),
], ids=["name", "one-line-value", "value-of-lines", "del", "surrogate", "tab-in-a-title"])
def test_the_error_line_names_field_character_and_position(ivpflow: Invoke, started: str,
                                                          args: list[str], message: str) -> None:
    result = ivpflow(*args)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_an_actor_with_a_control_character_is_refused(runner: CliRunner, store_dir: Path,
                                                      db_args: list[str], started: str,
                                                      store: Store, how: str) -> None:
    before = written(store)
    actor = ["--actor", BAD] if how == "option" else []
    result = runner.invoke(cli, ["--store", str(store_dir), *db_args, *actor, "done", "not",
                                 TASK], env={"IVPFLOW_ACTOR": BAD if how != "option" else None})
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Actor 'Jan\\x01Jansen' contains a control character (U+0001) at position "
           f"4; {ONE_LINE}\n")
    assert written(store) == before


def test_meeting_import_refuses_a_body_with_a_control_character(ivpflow: Invoke, started: str,
                                                                store: Store,
                                                                tmp_path: Path) -> None:
    file = tmp_path / "vergaderingen.csv"
    file.write_text(f"body,date\n{BODY},2026-11-24\ngemeenteraad\x01Losser,2026-12-15\n",
                    encoding="utf-8")
    before = written(store)
    result = ivpflow("meeting", "import", "not", str(file))
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Body 'gemeenteraad\\x01Losser' contains a control character (U+0001) at "
           f"position 13; {ONE_LINE}\n")
    assert written(store) == before


def test_a_note_keeps_its_line_breaks_and_tabs(ivpflow: Invoke, started: str) -> None:
    result = ivpflow("done", "not", TASK, "--note", "regel 1\r\nregel 2\n\tingesprongen")
    assert result.exit_code == 0, result.output
    history = json.loads(ivpflow("history", "not", "--json").stdout)
    assert history[-1]["note"] == "regel 1\nregel 2\n\tingesprongen"


# --------------------------------------------------------------------------- stored before


def test_a_value_stored_before_it_was_checked_drafts_in_every_format(
        ivpflow: Invoke, started: str, store: Store) -> None:
    """A value with a control character that reached the database (here by SQL, past every
    check) shows as U+FFFD in the drafts; the Word file opens again with the text."""
    with store.connect() as conn:
        conn.execute(insert(tables.process_values), [
            {"process_id": "not", "key": "portefeuillehouder@Losser", "value": BAD},
            {"process_id": "not", "key": "team", "value": "Vei\x85lig\x0bheid\x7f"}])
        conn.commit()
    result = ivpflow("draft", "not", "raadsvoorstel-ivp-losser", "--format", "md",
                     "--format", "docx", "--format", "html")
    assert result.exit_code == 0, result.output
    md, word, html = (Path(line) for line in result.stdout.splitlines())
    shown = "Jan\ufffdJansen"
    assert shown in md.read_text(encoding="utf-8") and shown in html.read_text(encoding="utf-8")
    cells = [c.text for t in docx.Document(str(word)).tables for row in t.rows
             for c in row.cells]
    assert shown in cells and "Vei\ufffdlig\ufffdheid\ufffd" in cells


def test_the_word_writer_replaces_what_xml_cannot_hold() -> None:
    text = "# Kop\x01\n\nJan\x00\x08\x0b\x0c\x1f\x7f\x9f\ud800\udfff\ufffe\uffff Jansen\n"
    data = convert(text, "docx", title="Titel\x02")
    document = docx.Document(BytesIO(data))
    assert [p.text for p in document.paragraphs if p.text] == [
        "Kop\ufffd", "Jan" + "\ufffd" * 11 + " Jansen"]
    assert (document.core_properties.title, document.core_properties.subject) == \
        ("Titel\ufffd", "Kop\ufffd")


def test_a_tick_drafts_and_mails_on_stored_control_characters(
        ivpflow: Invoke, started: str, store: Store, store_dir: Path) -> None:
    """What the tester saw: a tick after a control character reached the database drafts the
    Word files and sends the reminders, on this tick and the next."""
    ivpflow("assign", "not", "coordinator", "--name", "M", "--email", "m@losser.nl")
    with store.connect() as conn:
        conn.execute(update(tables.assignments).values(name=BAD))
        conn.execute(insert(tables.process_values),
                     {"process_id": "not", "key": "team", "value": BAD})
        conn.commit()
    result = ivpflow("tick", now="2026-03-03T08:00")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("; 10 sent, 0 to retry, 0 failed; "
                                                  "12 drafts rendered")
    word = docx.Document(str(store_dir / "drafts" / "not"
                             / "raadsvoorstel-verlenging-losser-v1.docx"))
    assert "Jan\ufffdJansen" in [c.text for t in word.tables for r in t.rows for c in r.cells]
    mail = next((store_dir / "outbox" / "new").iterdir()).read_bytes()
    message = message_from_bytes(mail, policy=policy.default)
    body = message.get_body(("plain",))
    assert body is not None and body.get_content().startswith("Beste Jan\ufffdJansen,")
    assert str(message["To"]).startswith("Jan\ufffdJansen <")  # no control character either
    assert ivpflow("tick", now="2026-03-04T08:00").exit_code == 0
