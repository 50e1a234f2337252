"""Tests for loading, validating and resolving the workflow definitions."""

from __future__ import annotations

import os
import textwrap
from datetime import date
from pathlib import Path

import pytest

from ivpflow.errors import DefinitionError, UnknownWorkflowError
from ivpflow.planning.deadlines import resolve_deadlines
from ivpflow.workflow.loader import (
    SHIPPED_DIR,
    check_files,
    compile_definition,
    definition_paths,
    find_definition,
    load_compiled,
    load_definition,
    parse_definition,
)
from ivpflow.workflow.model import Deadline, Definition

NOT = "noordoost-twente-2027-2030"
VNG = "vng-kernbeleid-veiligheid"
NOT_FILE = SHIPPED_DIR / f"{NOT}.yaml"
VNG_FILE = SHIPPED_DIR / f"{VNG}.yaml"
VNG_PHASES = ["opstart", "analyse", "prioritering", "ivp", "uitvoeringsplan"]
NOT_MUNICIPALITIES = ("Losser", "Dinkelland", "Oldenzaal", "Tubbergen")

# The smallest valid definition; `changed` swaps one of its lines for others.
MINIMAL = """\
id: wf
title: Testproces
roles:
  coordinator: Coördinator
phases:
  - id: opstart
    title: Opstart
    due: 2026-06
    tasks:
      - id: taak
        title: Taak
        role: coordinator
        due: 2026-05-15
  - id: klaar
    title: Klaar
    final: true
"""


def changed(old: str, *new: str, text: str = MINIMAL) -> str:
    """Text with its one line reading `old` replaced by `new` lines at the same indent."""
    lines = text.splitlines()
    found = [index for index, line in enumerate(lines) if line.strip() == old]
    assert len(found) == 1, f"{old!r} is on {len(found)} lines"
    index = found[0]
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index : index + 1] = [indent + line for line in new]
    return "\n".join(lines) + "\n"


def before_final(block: str, indent: int = 6, text: str = MINIMAL) -> str:
    """Text with the dedented block inserted before the final phase (from line 14 of MINIMAL),
    indented for a list entry of opstart's tasks (6) or for a key of opstart itself (4)."""
    lines = textwrap.indent(textwrap.dedent(block), " " * indent)
    assert text.count("\n  - id: klaar\n") == 1
    return text.replace("  - id: klaar\n", lines + "  - id: klaar\n")


def problems_of(text: str) -> list[str]:
    """The problems parse_definition reports for text (which must be invalid)."""
    with pytest.raises(DefinitionError) as exc:
        parse_definition(text, "wf.yaml")
    return exc.value.problems


def item_dues(text: str, start: date = date(2026, 1, 5)) -> dict[str, date | None]:
    """The resolved due date of every item of a definition text started on `start`."""
    return resolve_deadlines(parse_definition(text, "wf.yaml"), start)[1]


def bool_problem(line: int, word: str) -> str:
    return (f"wf.yaml:{line}: '{word}' is read by YAML as a boolean; write true or false, "
            f"or quote it (\"{word}\") if it is a word")


@pytest.fixture(scope="module")
def noordoost() -> Definition:
    return load_definition(NOT_FILE)


@pytest.fixture(scope="module")
def vng() -> Definition:
    return load_definition(VNG_FILE)


# --------------------------------------------------------------------------- shipped workflows


@pytest.mark.parametrize("file", [NOT_FILE, VNG_FILE], ids=["noordoost-twente", "vng"])
def test_shipped_workflow_has_the_five_vng_phases_then_a_final_phase(file: Path) -> None:
    definition = load_definition(file)

    assert definition.phase_ids[:5] == VNG_PHASES
    # Noordoost Twente's 2027-2030 cycle (looptijd) follows the five, before the final state.
    cycle = [definition.cycle] if definition.cycle else []
    assert definition.phase_ids[5:-1] == cycle
    assert [phase.final for phase in definition.phases] == [False] * (5 + len(cycle)) + [True]


@pytest.mark.parametrize(("file", "workflow"), [(NOT_FILE, NOT), (VNG_FILE, VNG)],
                         ids=["noordoost-twente", "vng"])
def test_shipped_workflow_id_matches_its_file_name(file: Path, workflow: str) -> None:
    assert load_definition(file).id == workflow


def test_noordoost_twente_has_its_four_municipalities(noordoost: Definition) -> None:
    assert noordoost.municipalities == NOT_MUNICIPALITIES


@pytest.mark.parametrize("municipality", NOT_MUNICIPALITIES, ids=str.lower)
def test_noordoost_twente_ivp_is_adopted_by_each_gemeenteraad(
    noordoost: Definition, municipality: str
) -> None:
    item = noordoost.items[f"vaststelling-ivp-{municipality.lower()}"]
    _, due, _ = resolve_deadlines(noordoost, date(2025, 9, 1))

    assert (item.kind, item.phase, item.body, item.municipality, item.required) == (
        "decision", "ivp", f"gemeenteraad {municipality}", municipality, True)
    assert item.title == ("Vaststelling IVP Noordoost Twente 2027-2030 door de raad van "
                          f"{municipality}")
    assert due[item.id] == date(2026, 11, 30)


def test_noordoost_twente_uitvoeringsplan_is_decided_by_four_colleges_and_the_driehoek(
    noordoost: Definition,
) -> None:
    decisions = noordoost.phase("uitvoeringsplan").of_kind("decision")

    assert [(item.id, item.body) for item in decisions] == [
        ("uitvoeringsplan-college-losser", "college Losser"),
        ("uitvoeringsplan-college-dinkelland", "college Dinkelland"),
        ("uitvoeringsplan-college-oldenzaal", "college Oldenzaal"),
        ("uitvoeringsplan-college-tubbergen", "college Tubbergen"),
        ("uitvoeringsplan-driehoek", "gezagsdriehoek NOT"),
    ]


def test_noordoost_twente_opstart_extends_the_losser_ivp(noordoost: Definition) -> None:
    item = noordoost.items["verlenging-ivp-losser"]

    assert (item.kind, item.phase, item.body, item.municipality) == (
        "decision", "opstart", "gemeenteraad Losser", None)


def test_noordoost_twente_opstart_has_an_optional_raadsinformatiebrief(
    noordoost: Definition,
) -> None:
    item = noordoost.items["raadsinformatiebrief"]

    assert (item.kind, item.phase, item.required) == ("document", "opstart", False)


def test_noordoost_twente_phase_dues_are_last_working_days_of_months(
    noordoost: Definition,
) -> None:
    phase_due, _, _ = resolve_deadlines(noordoost, date(2025, 9, 1))

    assert phase_due == {
        "opstart": date(2026, 2, 27),
        "analyse": date(2026, 5, 29),
        "prioritering": date(2026, 6, 30),
        "ivp": date(2026, 11, 30),
        "uitvoeringsplan": date(2026, 12, 31),
        "looptijd": date(2030, 12, 31),
        "afgerond": None,
    }


def test_vng_plan_from_a_start_date(vng: Definition) -> None:
    phase_due, _, phase_start = resolve_deadlines(vng, date(2026, 1, 5))

    # 6 weeks after Monday 5 January; analyse starts on that planned date and its
    # 10 weeks end on Koningsdag, Monday 27 April, so it rolls back to Friday 24 April.
    assert (phase_start["opstart"], phase_due["opstart"]) == (date(2026, 1, 5),
                                                             date(2026, 2, 16))
    assert (phase_start["analyse"], phase_due["analyse"]) == (date(2026, 2, 16),
                                                             date(2026, 4, 24))


def test_vng_opstart_due_on_bevrijdingsdag_rolls_back_to_the_working_day_before(
    vng: Definition,
) -> None:
    phase_due, _, _ = resolve_deadlines(vng, date(2026, 3, 24))

    # 24 March + 6 weeks = Tuesday 5 May 2026.
    assert phase_due["opstart"] == date(2026, 5, 4)


def test_vng_analyse_deadlines_follow_its_actual_start(vng: Definition) -> None:
    phase_due, item_due, phase_start = resolve_deadlines(
        vng, date(2026, 1, 5), started={"analyse": date(2026, 3, 2)})

    assert phase_due["opstart"] == date(2026, 2, 16)
    assert (phase_start["analyse"], phase_due["analyse"]) == (date(2026, 3, 2),
                                                             date(2026, 5, 11))
    assert item_due["werkgroep-procesafspraken"] == date(2026, 3, 9)  # 1 week after start
    assert item_due["veiligheidsanalyse"] == date(2026, 5, 4)  # 1 week before end
    assert phase_start["prioritering"] == date(2026, 5, 11)


def test_vng_next_phase_starts_when_the_previous_one_was_completed(vng: Definition) -> None:
    phase_due, _, phase_start = resolve_deadlines(
        vng, date(2026, 1, 5), completed={"opstart": date(2026, 2, 2)})

    assert (phase_start["analyse"], phase_due["analyse"]) == (date(2026, 2, 2),
                                                             date(2026, 4, 13))


def test_vng_item_id_may_equal_a_phase_id(vng: Definition) -> None:
    assert (vng.items["ivp"].kind, vng.items["ivp"].phase) == ("document", "ivp")
    assert vng.phase("ivp").title == "Opstellen IVP"


# --------------------------------------------------------------------------- valid input


def test_minimal_definition_is_valid() -> None:
    definition = parse_definition(MINIMAL, "wf.yaml")

    assert (definition.id, definition.title, definition.path) == ("wf", "Testproces", "wf.yaml")
    assert definition.roles == {"coordinator": "Coördinator"}
    assert definition.phase_ids == ["opstart", "klaar"]
    assert definition.items["taak"].due == Deadline(text="2026-05-15", day=date(2026, 5, 15))


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        pytest.param("tasks", "role: coordinator", True, id="task"),
        pytest.param("decisions", "body: college", True, id="decision"),
        pytest.param("documents", "role: coordinator", False, id="document"),
    ],
)
def test_required_defaults_by_kind(kind: str, extra: str, expected: bool) -> None:
    text = changed("tasks:", f"{kind}:", text=changed("role: coordinator", extra))

    assert parse_definition(text, "wf.yaml").items["taak"].required is expected


def test_item_id_equal_to_a_phase_id_is_allowed() -> None:
    definition = parse_definition(changed("- id: taak", "- id: opstart"), "wf.yaml")

    assert definition.items["opstart"].phase == "opstart"
    assert definition.phase("opstart").of_kind("task")[0].id == "opstart"


def test_per_municipality_item_is_expanded_for_each_municipality() -> None:
    text = changed("title: Taak", "title: Taak voor {municipality}", "per_municipality: true")
    text = changed("title: Testproces", "title: Testproces",
                   "municipalities: [Súdwest-Fryslân, De Fryske Marren]", text=text)
    items = parse_definition(text, "wf.yaml").phase("opstart").items

    assert [(item.id, item.title, item.municipality, item.line) for item in items] == [
        ("taak-sudwest-fryslan", "Taak voor Súdwest-Fryslân", "Súdwest-Fryslân", 11),
        ("taak-de-fryske-marren", "Taak voor De Fryske Marren", "De Fryske Marren", 11),
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("6 weeks after start of opstart",
                     Deadline(text="6 weeks after start of opstart", amount=6, unit="weeks",
                              anchor_kind="start", anchor="opstart"), id="weeks-after-start-of"),
        pytest.param("1 week before end",
                     Deadline(text="1 week before end", amount=-1, unit="weeks",
                              anchor_kind="end", anchor="opstart"), id="before-own-end"),
        pytest.param("10  Working Days   after start",
                     Deadline(text="10 Working Days after start", amount=10,
                              unit="working_days", anchor_kind="start", anchor="opstart"),
                     id="working-days-spaces-and-case"),
        pytest.param("2 months after start of klaar",
                     Deadline(text="2 months after start of klaar", amount=2, unit="months",
                              anchor_kind="start", anchor="klaar"), id="months"),
        pytest.param("1 day after start",
                     Deadline(text="1 day after start", amount=1, unit="days",
                              anchor_kind="start", anchor="opstart"), id="day"),
        pytest.param("end of opstart",
                     Deadline(text="end of opstart", anchor_kind="end", anchor="opstart"),
                     id="end-of"),
        pytest.param("start", Deadline(text="start", anchor_kind="start", anchor="opstart"),
                     id="start"),
        pytest.param("2026-06", Deadline(text="2026-06", month=(2026, 6)), id="month"),
    ],
)
def test_deadline_text_is_parsed(written: str, expected: Deadline) -> None:
    definition = parse_definition(changed("due: 2026-05-15", f"due: {written}"), "wf.yaml")

    assert definition.items["taak"].due == expected


# --------------------------------------------------------------------------- bad input


def test_yaml_syntax_error_is_reported_with_its_line() -> None:
    assert problems_of(changed("title: Opstart", "title: Opstart: fase")) == [
        "wf.yaml:7: not valid YAML: mapping values are not allowed in this context"]


@pytest.mark.parametrize(
    "text", ["- a\n- b\n", "gewoon tekst\n", "# leeg\n"], ids=["list", "scalar", "empty"]
)
def test_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    assert problems_of(text) == [
        "wf.yaml:1: a definition is a mapping with id, title, roles and phases"]


def test_unknown_top_level_key_is_reported() -> None:
    assert problems_of(changed("title: Testproces", "title: Testproces", "owner: wie")) == [
        "wf.yaml:3: unknown key 'owner' in definition; allowed: calendar, chain_lead_times, "
        "clock, cycle, description, id, lead_times, meeting_sources, meetings, municipalities, "
        "period, phases, purpose, reminders, replaces, roles, start, target, title"]


def test_unknown_item_key_is_reported() -> None:
    assert problems_of(changed("due: 2026-05-15", "due: 2026-05-15", "body: college")) == [
        "wf.yaml:14: unknown key 'body' in task; allowed: description, due, id, "
        "per_municipality, required, role, roll, title"]


def test_missing_title_is_reported_on_the_first_line_of_the_mapping() -> None:
    assert problems_of(changed("title: Testproces")) == ["wf.yaml:1: missing 'title'"]


def test_decision_without_body_is_reported() -> None:
    text = changed("tasks:", "decisions:").replace("        role: coordinator\n", "")

    assert problems_of(text) == ["wf.yaml:10: missing 'body'"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param("id: wf", "id: Mijn_Proces",
                     "wf.yaml:1: definition id 'Mijn_Proces' must be lower-case letters, digits "
                     "and '-'", id="definition"),
        pytest.param("- id: taak", "- id: -taak",
                     "wf.yaml:10: task id '-taak' must be lower-case letters, digits and '-'",
                     id="leading-dash"),
    ],
)
def test_bad_id_characters_are_reported(old: str, new: str, problem: str) -> None:
    assert problems_of(changed(old, new)) == [problem]


def test_bad_phase_id_characters_are_reported() -> None:
    text = before_final("""\
        - id: op start
          title: Op start
        """, indent=2)

    assert problems_of(text) == [
        "wf.yaml:14: phase id 'op start' must be lower-case letters, digits and '-'"]


def test_bad_phase_id_is_the_only_problem_reported() -> None:
    assert problems_of(changed("- id: opstart", "- id: Opstart")) == [
        "wf.yaml:6: phase id 'Opstart' must be lower-case letters, digits and '-'"]


def test_bad_role_id_characters_are_reported() -> None:
    text = changed("coordinator: Coördinator", "Co_ordinator: Coördinator",
                   text=changed("role: coordinator", "role: Co_ordinator"))

    assert problems_of(text) == [
        "wf.yaml:4: role id 'Co_ordinator' must be lower-case letters, digits and '-' "
        "(at most 100)"]


def test_duplicate_item_id_is_reported_with_the_first_line() -> None:
    text = before_final("""\
        - id: taak
          title: Nog een taak
          role: coordinator
        """)

    assert problems_of(text) == ["wf.yaml:14: duplicate id 'taak' (first on line 10)"]


def test_duplicate_item_id_in_another_phase_is_reported() -> None:
    text = changed("- id: klaar", "- id: afronden", "  title: Afronden", "  tasks:",
                   "    - id: taak", "      title: Taak", "      role: coordinator",
                   "- id: klaar")

    assert problems_of(text) == ["wf.yaml:17: duplicate id 'taak' (first on line 10)"]


def test_duplicate_phase_id_is_reported_with_the_first_line() -> None:
    text = changed("- id: klaar", "- id: opstart", "  title: Nog eens", "- id: klaar")

    assert problems_of(text) == ["wf.yaml:14: duplicate phase id 'opstart' (first on line 6)"]


def test_duplicate_mapping_key_is_reported() -> None:
    text = changed("due: 2026-05-15", "due: 2026-05-15", "due: 2026-05-22")

    assert problems_of(text) == ["wf.yaml:14: duplicate key 'due' (first on line 13)"]


def test_unknown_role_is_reported() -> None:
    assert problems_of(changed("role: coordinator", "role: burgemeester")) == [
        "wf.yaml:12: unknown role 'burgemeester'; roles: coordinator"]


def test_unknown_phase_in_start_of_is_reported() -> None:
    text = changed("due: 2026-05-15", "due: 1 week after start of analyse")

    assert problems_of(text) == [
        "wf.yaml:10: deadline '1 week after start of analyse' names unknown phase 'analyse'; "
        "phases: opstart, klaar"]


def test_unknown_phase_in_end_of_is_reported() -> None:
    assert problems_of(changed("due: 2026-06", "due: end of analyse")) == [
        "wf.yaml:6: deadline 'end of analyse' names unknown phase 'analyse'; "
        "phases: opstart, klaar"]


def test_unknown_item_anchor_is_reported() -> None:
    text = changed("due: 2026-05-15", "due: 5 working days after startnotitie")

    assert problems_of(text) == [
        "wf.yaml:10: deadline '5 working days after startnotitie' names unknown item or phase "
        "'startnotitie'"]


def per_municipality_anchor(municipalities: str, anchor: str = "besluit") -> str:
    """MINIMAL with municipalities on line 3, a per-municipality decision 'besluit' and
    the task 'taak' (line 11) due 1 week after `anchor`."""
    text = before_final("""\
        decisions:
          - id: besluit
            title: raad van {municipality}
            body: raad van {municipality}
            due: 2026-05-29
            per_municipality: true
        """, indent=4, text=changed("due: 2026-05-15", f"due: 1 week after {anchor}"))
    return changed("title: Testproces", "title: Testproces", municipalities, text=text)


def test_per_municipality_group_id_as_anchor_gives_a_hint() -> None:
    text = per_municipality_anchor("municipalities: [Losser, Dinkelland]")

    assert problems_of(text) == [
        "wf.yaml:11: deadline '1 week after besluit' names unknown item or phase 'besluit'; "
        "it is per municipality, name one such as 'besluit-…'"]


def test_per_municipality_hint_also_for_a_municipality_with_a_dash() -> None:
    text = per_municipality_anchor("municipalities: [Súdwest-Fryslân, Bergen op Zoom]")

    assert problems_of(text) == [
        "wf.yaml:11: deadline '1 week after besluit' names unknown item or phase 'besluit'; "
        "it is per municipality, name one such as 'besluit-…'"]


def test_per_municipality_item_id_is_a_valid_anchor() -> None:
    text = per_municipality_anchor("municipalities: [Losser, Dinkelland]", "besluit-dinkelland")

    assert item_dues(text)["taak"] == date(2026, 6, 5)


def test_items_anchored_on_each_other_form_a_cycle() -> None:
    text = before_final("""\
        - id: vervolg
          title: Vervolg
          role: coordinator
          due: 1 week after taak
        """, text=changed("due: 2026-05-15", "due: 1 week before vervolg"))

    assert problems_of(text) == [
        "wf.yaml:10: relative deadlines form a cycle: taak -> vervolg -> taak"]


def test_item_before_end_of_a_phase_without_its_own_due_is_a_cycle() -> None:
    text = changed("due: 2026-05-15", "due: 1 week before end", text=changed("due: 2026-06"))

    assert problems_of(text) == [
        "wf.yaml:6: relative deadlines form a cycle: end of opstart -> taak -> end of opstart"]


def test_phase_due_at_its_own_end_is_a_cycle() -> None:
    assert problems_of(changed("due: 2026-06", "due: end")) == [
        "wf.yaml:6: relative deadlines form a cycle: end of opstart -> end of opstart"]


def test_phase_due_before_the_start_of_the_next_phase_is_a_cycle() -> None:
    text = changed("due: 2026-06", "due: 1 week before start of klaar")

    assert problems_of(text) == [
        "wf.yaml:6: relative deadlines form a cycle: end of opstart -> start of klaar -> "
        "end of opstart"]


def test_cycle_through_a_phase_without_deadlines_is_reported() -> None:
    text = changed("- id: klaar", "- id: leeg", "  title: Leeg", "- id: klaar",
                   text=changed("due: 2026-06", "due: 1 week before start of klaar"))

    with pytest.raises(DefinitionError, match=r"^wf\.yaml:\d+: relative deadlines form a cycle: "):
        parse_definition(text, "wf.yaml")


@pytest.mark.parametrize(
    ("old", "new", "line", "word"),
    [
        pytest.param("role: coordinator", ["role: coordinator", "required: no"], 13, "no",
                     id="required-no"),
        pytest.param("- id: taak", ["- id: no"], 10, "no", id="item-id-no"),
        pytest.param("title: Testproces", ["title: no"], 2, "no", id="title-no"),
        pytest.param("title: Opstart", ["title: Off"], 7, "Off", id="phase-title-off"),
        pytest.param("due: 2026-05-15", ["due: no"], 13, "no", id="due-no"),
        pytest.param("role: coordinator", ["role: yes"], 12, "yes", id="role-yes"),
    ],
)
def test_yaml_1_1_boolean_is_the_only_problem_reported(old: str, new: list[str], line: int,
                                                       word: str) -> None:
    assert problems_of(changed(old, *new)) == [bool_problem(line, word)]


def test_final_written_as_on_is_the_only_problem_reported() -> None:
    assert problems_of(changed("final: true", "final: on")) == [bool_problem(16, "on")]


def test_final_written_as_on_is_reported_as_a_boolean() -> None:
    assert bool_problem(16, "on") in problems_of(changed("final: true", "final: on"))


def test_required_written_as_a_string_is_reported() -> None:
    text = changed("role: coordinator", "role: coordinator", 'required: "yes"')

    assert problems_of(text) == ["wf.yaml:13: 'required' must be true or false, not 'yes'"]


def test_per_municipality_written_as_a_number_is_reported() -> None:
    text = changed("role: coordinator", "role: coordinator", "per_municipality: 1")

    assert problems_of(text) == ["wf.yaml:13: 'per_municipality' must be true or false, not '1'"]


def test_quoted_no_is_a_valid_title() -> None:
    definition = parse_definition(changed("title: Opstart", 'title: "no"'), "wf.yaml")

    assert definition.phase("opstart").title == "no"


def test_last_phase_that_is_not_final_is_reported() -> None:
    assert problems_of(changed("final: true")) == [
        "wf.yaml:6: the last phase must be the final state ('final: true')"]


def test_final_phase_in_the_middle_is_reported() -> None:
    text = changed("- id: klaar", "- id: tussen", "  title: Tussen", "  final: true",
                   "- id: klaar")

    assert problems_of(text) == ["wf.yaml:14: only the last phase may be final, not 'tussen'"]


def test_final_phase_with_items_is_reported() -> None:
    text = changed("final: true", "final: true", "tasks:", "  - id: opruimen",
                   "    title: Opruimen", "    role: coordinator")

    assert problems_of(text) == ["wf.yaml:14: final phase 'klaar' cannot have a deadline or items"]


def test_final_phase_with_a_deadline_is_reported() -> None:
    text = changed("final: true", "final: true", "due: 2026-12")

    assert problems_of(text) == ["wf.yaml:14: final phase 'klaar' cannot have a deadline or items"]


def test_single_phase_is_reported() -> None:
    text = MINIMAL.split("  - id: klaar")[0]

    assert problems_of(text) == [
        "wf.yaml:6: a definition needs at least one phase and a final state"]


@pytest.mark.parametrize("month", ["2026-13", "2026-00"], ids=["13", "00"])
def test_month_that_does_not_exist_is_reported(month: str) -> None:
    assert problems_of(changed("due: 2026-05-15", f"due: {month}")) == [
        f"wf.yaml:13: month '{month}' does not exist"]


@pytest.mark.parametrize(
    "written",
    ["sometime soon", "6 weeks after", "six weeks after start", "2 fortnights after start",
     "1 week around start", "2026-05-15 10:00"],
    ids=["words", "no-anchor", "number-in-words", "unknown-unit", "unknown-direction",
         "time-without-seconds"],
)
def test_deadline_text_that_is_not_understood_is_reported(written: str) -> None:
    assert problems_of(changed("due: 2026-05-15", f"due: {written}")) == [
        f"wf.yaml:13: deadline '{written}' not understood; write a date (2026-06-30), a month "
        "(2026-06) or e.g. '6 weeks after start of analyse', '10 working days before "
        "vaststelling'"]


def test_deadline_that_is_a_number_is_reported() -> None:
    assert problems_of(changed("due: 2026-05-15", "due: 14")) == [
        "wf.yaml:13: deadline '14' is not a date, a month or a relative deadline"]


def test_deadline_with_a_time_is_reported() -> None:
    assert problems_of(changed("due: 2026-05-15", "due: 2026-05-15 10:00:00")) == [
        "wf.yaml:13: deadline '2026-05-15 10:00:00' must be a date without a time"]


def test_start_with_a_time_is_reported() -> None:
    text = changed("title: Testproces", "title: Testproces", "start: 2026-01-05 09:00:00")

    assert problems_of(text) == [
        "wf.yaml:3: start must be a date (YYYY-MM-DD), not '2026-01-05 09:00:00'"]


def test_date_that_does_not_exist_is_reported() -> None:
    with pytest.raises(DefinitionError, match=r"^wf\.yaml:13: .*2026-02-30"):
        parse_definition(changed("due: 2026-05-15", "due: 2026-02-30"), "wf.yaml")


def test_unknown_roll_is_reported() -> None:
    assert problems_of(changed("due: 2026-05-15", "due: 2026-05-15", "roll: sideways")) == [
        "wf.yaml:14: roll must be one of previous, next, none, not 'sideways'"]


def test_per_municipality_without_municipalities_is_reported() -> None:
    text = changed("title: Taak", "title: Taak voor {municipality}", "per_municipality: true")

    assert problems_of(text) == [
        "wf.yaml:12: per_municipality needs a list of municipalities in the definition"]


def test_per_municipality_without_placeholder_is_reported() -> None:
    text = changed("title: Testproces", "title: Testproces", "municipalities: [Losser]",
                   text=changed("title: Taak", "title: Taak", "per_municipality: true"))

    assert problems_of(text) == [
        "wf.yaml:13: per_municipality task 'taak' must name {municipality} in its title"]


def test_municipality_listed_twice_is_reported() -> None:
    text = changed("title: Testproces", "title: Testproces", "municipalities:", "  - Losser",
                   "  - Dinkelland", "  - losser")

    assert problems_of(text) == ["wf.yaml:6: municipality 'losser' is listed twice"]


@pytest.mark.parametrize("key", ["description", "period", "replaces"])
def test_top_level_text_that_is_a_list_is_reported(key: str) -> None:
    text = changed("title: Testproces", "title: Testproces", f"{key}: [2027, 2030]")

    assert problems_of(text) == [f"wf.yaml:3: '{key}' must be text"]


def test_every_problem_is_reported_sorted_by_line() -> None:
    text = textwrap.dedent("""\
        id: Wf
        roles:
          coordinator: Coördinator
        phases:
          - id: opstart
            title: Opstart
            due: 2026-13
            tasks:
              - id: taak
                title: Taak
                role: burgemeester
          - id: klaar
            title: Klaar
        owner: wie
        """)

    assert problems_of(text) == [
        "wf.yaml:1: definition id 'Wf' must be lower-case letters, digits and '-'",
        "wf.yaml:1: missing 'title'",
        "wf.yaml:5: the last phase must be the final state ('final: true')",
        "wf.yaml:7: month '2026-13' does not exist",
        "wf.yaml:11: unknown role 'burgemeester'; roles: coordinator",
        "wf.yaml:14: unknown key 'owner' in definition; allowed: calendar, chain_lead_times, "
        "clock, cycle, description, id, lead_times, meeting_sources, meetings, municipalities, "
        "period, phases, purpose, reminders, replaces, roles, start, target, title",
    ]


def test_error_message_names_the_first_problem_and_counts_the_rest() -> None:
    text = changed("title: Testproces").replace("role: coordinator", "role: burgemeester")

    with pytest.raises(DefinitionError, match=r"^wf\.yaml:1: missing 'title' \(and 1 more "
                                              r"problem\)$"):
        parse_definition(text, "wf.yaml")


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        pytest.param("2026-05", date(2026, 5, 29), id="may-2026-ends-on-sunday"),
        pytest.param("2027-01", date(2027, 1, 29), id="january-2027-ends-on-sunday"),
        pytest.param("2026-06", date(2026, 6, 30), id="june-2026-ends-on-tuesday"),
        pytest.param("2026-12", date(2026, 12, 31), id="december-2026"),
    ],
)
def test_month_deadline_is_its_last_working_day(month: str, expected: date) -> None:
    assert item_dues(changed("due: 2026-05-15", f"due: {month}"))["taak"] == expected


@pytest.mark.parametrize(
    ("roll", "expected"),
    [
        pytest.param([], date(2026, 6, 12), id="default-previous-friday"),
        pytest.param(["roll: previous"], date(2026, 6, 12), id="previous-friday"),
        pytest.param(["roll: next"], date(2026, 6, 15), id="next-monday"),
        pytest.param(["roll: none"], date(2026, 6, 13), id="none-keeps-saturday"),
    ],
)
def test_date_on_a_saturday_rolls(roll: list[str], expected: date) -> None:
    text = changed("due: 2026-05-15", "due: 2026-06-13", *roll)

    assert item_dues(text)["taak"] == expected


def test_phase_roll_applies_to_the_phase_deadline() -> None:
    text = changed("due: 2026-06", "due: 2026-06-27", "roll: next")

    assert resolve_deadlines(parse_definition(text, "wf.yaml"), date(2026, 1, 5))[0] == {
        "opstart": date(2026, 6, 29), "klaar": None}


def anchored(due: str, anchor_due: str = "2026-04-24") -> str:
    """MINIMAL with 'taak' due on anchor_due and a task 'vervolg' due `due`."""
    return before_final(f"""\
        - id: vervolg
          title: Vervolg
          role: coordinator
          due: {due}
        """, text=changed("due: 2026-05-15", f"due: {anchor_due}"))


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        pytest.param("1 working day after taak", date(2026, 4, 28), id="skips-koningsdag"),
        pytest.param("5 working days after taak", date(2026, 5, 4), id="to-monday-4-may"),
        pytest.param("6 working days after taak", date(2026, 5, 6), id="skips-bevrijdingsdag"),
        pytest.param("5 days after taak", date(2026, 4, 29), id="calendar-days"),
        pytest.param("3 days after taak", date(2026, 4, 24), id="days-onto-koningsdag-roll"),
    ],
)
def test_working_days_skip_koningsdag_and_bevrijdingsdag(due: str, expected: date) -> None:
    # taak is due on Friday 24 April 2026; 27 April and 5 May are feestdagen.
    assert item_dues(anchored(due))["vervolg"] == expected


def test_working_days_before_an_item_count_back_over_feestdagen() -> None:
    text = anchored("6 working days before taak", anchor_due="2026-05-06")

    assert item_dues(text)["vervolg"] == date(2026, 4, 24)


def test_weeks_before_an_item() -> None:
    assert item_dues(anchored("2 weeks before taak", "2026-06-30"))["vervolg"] == date(
        2026, 6, 16)


@pytest.mark.parametrize(
    ("start", "due", "expected"),
    [
        pytest.param(date(2026, 1, 31), "1 month after start", date(2026, 2, 27),
                     id="31-jan-clamps-to-saturday-28-feb-rolled"),
        pytest.param(date(2028, 1, 31), "1 month after start", date(2028, 2, 29),
                     id="leap-year-29-feb"),
        pytest.param(date(2026, 3, 31), "1 month before start", date(2026, 2, 27),
                     id="before-clamps"),
        pytest.param(date(2026, 11, 30), "2 months after start", date(2027, 1, 29),
                     id="over-the-year-end-rolled"),
    ],
)
def test_months_are_calendar_months_clamped_to_the_month_end(start: date, due: str,
                                                             expected: date) -> None:
    text = changed("due: 2026-05-15", f"due: {due}",
                   text=changed("due: 2026-06", "due: 6 months after start"))

    assert item_dues(text, start)["taak"] == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        pytest.param("start", date(2026, 3, 31), id="start"),
        pytest.param("end", date(2026, 4, 28), id="end"),
        pytest.param("start of opstart", date(2026, 1, 5), id="start-of-other"),
        pytest.param("end of opstart", date(2026, 3, 31), id="end-of-other"),
        pytest.param("1 week before end", date(2026, 4, 21), id="before-end"),
    ],
)
def test_phase_edges_as_deadlines(due: str, expected: date) -> None:
    # opstart ends on Tuesday 31 March 2026; analyse runs 4 weeks from then.
    text = before_final(f"""\
        - id: analyse
          title: Analyse
          due: 4 weeks after start
          tasks:
            - id: analyseren
              title: Analyseren
              role: coordinator
              due: {due}
        """, indent=2, text=changed("due: 2026-06", "due: 2026-03"))

    assert item_dues(text)["analyseren"] == expected


def test_phase_without_due_is_due_with_its_last_item() -> None:
    text = before_final("""\
        - id: later
          title: Later
          role: coordinator
          due: 2026-05-22
        """, text=changed("due: 2026-06"))

    assert resolve_deadlines(parse_definition(text, "wf.yaml"), date(2026, 1, 5))[0] == {
        "opstart": date(2026, 5, 22), "klaar": None}


# --------------------------------------------------------------------------- compiled form


@pytest.mark.parametrize("file", [NOT_FILE, VNG_FILE], ids=["noordoost-twente", "vng"])
def test_compiled_definition_loads_back_the_same(file: Path) -> None:
    original = load_definition(file)
    loaded = load_compiled(compile_definition(original), original.source, original.path)

    assert loaded.phases == original.phases
    assert loaded.items == original.items
    assert (loaded.id, loaded.title, loaded.path, loaded.roles, loaded.municipalities) == (
        original.id, original.title, original.path, original.roles, original.municipalities)
    assert (loaded.description, loaded.period, loaded.replaces, loaded.start) == (
        original.description, original.period, original.replaces, original.start)
    assert loaded.digest == original.digest


@pytest.mark.parametrize("file", [NOT_FILE, VNG_FILE], ids=["noordoost-twente", "vng"])
def test_compiled_definition_resolves_the_same_deadlines(file: Path) -> None:
    original = load_definition(file)
    loaded = load_compiled(compile_definition(original), original.source, original.path)

    assert resolve_deadlines(loaded, date(2026, 1, 5)) == resolve_deadlines(original,
                                                                            date(2026, 1, 5))


def test_compiled_definition_of_another_format_is_refused() -> None:
    compiled = compile_definition(parse_definition(MINIMAL, "wf.yaml")).replace(
        '"format":2,', '"format":3,')

    with pytest.raises(ValueError, match=r"^compiled definition format 3 is not supported$"):
        load_compiled(compiled, MINIMAL, "wf.yaml")


# --------------------------------------------------------------------------- files


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_files_collects_the_problems_of_every_file(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", changed("title: Testproces"))
    good = write(tmp_path, "b.yaml", MINIMAL)
    third = write(tmp_path, "c.yaml", changed("role: coordinator", "role: burgemeester"))

    assert check_files([first, good, third, VNG_FILE]) == [
        f"{first}:1: missing 'title'",
        f"{third}:12: unknown role 'burgemeester'; roles: coordinator",
    ]


def test_check_files_reports_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    missing = tmp_path / "weg.yaml"

    assert check_files([missing]) == [
        f"{missing}: cannot read: [Errno 2] No such file or directory: '{missing}'"]


def test_check_files_of_the_shipped_workflows_finds_nothing() -> None:
    assert check_files(sorted(SHIPPED_DIR.glob("*.yaml"))) == []


def test_definition_paths_finds_the_shipped_workflows() -> None:
    paths = definition_paths()

    assert (paths[NOT], paths[VNG]) == (NOT_FILE, VNG_FILE)


def test_definition_paths_adds_the_files_of_an_extra_directory(tmp_path: Path) -> None:
    local = write(tmp_path, "lokaal.yml", changed("id: wf", "id: lokaal-ivp"))
    write(tmp_path, "notities.txt", "id: geen-definitie\n")

    paths = definition_paths(str(tmp_path))

    assert (paths["lokaal-ivp"], paths[NOT], paths[VNG]) == (local, NOT_FILE, VNG_FILE)
    assert "geen-definitie" not in paths


def test_definition_in_an_extra_directory_overrides_a_shipped_one(tmp_path: Path) -> None:
    own = write(tmp_path, "eigen.yaml", changed("id: wf", f"id: {VNG}"))

    assert definition_paths(str(tmp_path))[VNG] == own
    assert find_definition(VNG, str(tmp_path)).title == "Testproces"


def test_definition_paths_takes_several_entries_and_single_files(tmp_path: Path) -> None:
    (tmp_path / "map").mkdir()
    in_folder = write(tmp_path / "map", "een.yaml", changed("id: wf", "id: een"))
    single = write(tmp_path, "twee.yaml", changed("id: wf", "id: twee"))

    paths = definition_paths(f"{tmp_path / 'map'}{os.pathsep}{single}")

    assert (paths["een"], paths["twee"]) == (in_folder, single)


def test_find_definition_of_an_unknown_id_names_the_available_ones() -> None:
    with pytest.raises(UnknownWorkflowError, match=rf"^Unknown workflow 'onbekend'; available: "
                                                    rf"{NOT}, {VNG}$"):
        find_definition("onbekend")
