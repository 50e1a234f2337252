"""Tests for the line-aware YAML reader behind workflow definitions."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

import pytest

from ivpflow.workflow.yamlsource import INVALID, LDict, LList, Text, load_yaml


def load(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The value read from dedented YAML text, and the problems noted on the way."""
    problems: list[tuple[int, str]] = []
    value = load_yaml(textwrap.dedent(text), problems)
    return value, problems


NESTED = """\
    # a comment first
    id: wf
    roles:
      coordinator: Coördinator
      griffie: Griffie
    phases:
      - id: opstart
        title: Opstart
      - id: klaar
    """


def test_mapping_remembers_the_line_of_each_key() -> None:
    data, problems = load(NESTED)

    assert problems == []
    assert isinstance(data, LDict)
    assert data.key_lines == {"id": 2, "roles": 3, "phases": 6}
    assert data["roles"].key_lines == {"coordinator": 4, "griffie": 5}


def test_mapping_line_is_the_line_of_its_first_key() -> None:
    data, _ = load(NESTED)

    assert (data.line, data["roles"].line, data["phases"][0].line) == (2, 4, 7)


def test_line_of_an_absent_key_is_the_mappings_own_line() -> None:
    data, _ = load(NESTED)

    assert data["roles"].line_of("manager") == 4


def test_sequence_remembers_its_line_and_the_line_of_each_entry() -> None:
    data, _ = load(NESTED)

    phases = data["phases"]
    assert isinstance(phases, LList)
    assert (phases.line, phases.item_lines) == (7, [7, 9])


def test_entry_that_starts_on_the_line_after_its_dash_has_that_line() -> None:
    data, problems = load("""\
        items:
          - eerste
          -
            id: tweede
          - derde
        """)

    assert problems == []
    assert data["items"].item_lines == [2, 4, 5]


def test_string_scalar_is_text_with_its_line() -> None:
    data, _ = load(NESTED)

    title = data["phases"][0]["title"]
    assert isinstance(title, Text)
    assert (title, title.line) == ("Opstart", 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("value: 2026-05-15\n", date(2026, 5, 15), id="date"),
        pytest.param("value: 2026-06\n", "2026-06", id="month-stays-text"),
        pytest.param("value: 42\n", 42, id="int"),
        pytest.param("value: ~\n", None, id="null"),
        pytest.param("value: 6 weeks after start\n", "6 weeks after start", id="text"),
    ],
)
def test_scalars_are_read_as_safe_yaml_values(text: str, expected: object) -> None:
    data, problems = load(text)

    assert problems == []
    assert data["value"] == expected


def test_duplicate_key_is_a_problem_and_the_first_value_is_kept() -> None:
    data, problems = load("""\
        id: eerste
        title: Titel
        id: tweede
        """)

    assert problems == [(3, "duplicate key 'id' (first on line 1)")]
    assert data == {"id": "eerste", "title": "Titel"}


def test_merge_key_is_refused_and_left_out() -> None:
    data, problems = load("""\
        basis: &basis {role: coordinator}
        taak:
          <<: *basis
          title: Taak
        """)

    assert problems == [(3, "merge keys ('<<') are not supported; write it out")]
    assert data["taak"] == {"title": "Taak"}


def test_mapping_key_that_is_not_a_scalar_is_refused() -> None:
    data, problems = load("""\
        ? [a, b]
        : waarde
        """)

    assert problems == [(1, "mapping keys must be plain words")]
    assert data == {}


@pytest.mark.parametrize(
    "word", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF"], ids=str
)
def test_yaml_1_1_boolean_word_is_a_problem_and_read_as_invalid(word: str) -> None:
    data, problems = load(f"""\
        id: wf
        required: {word}
        """)

    assert problems == [(2, f"'{word}' is read by YAML as a boolean; write true or false, "
                            f"or quote it (\"{word}\") if it is a word")]
    assert data == {"id": "wf", "required": INVALID}


@pytest.mark.parametrize(
    ("word", "expected"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False)],
    ids=["true", "false", "capitalised-true", "upper-case-false"],
)
def test_true_and_false_are_booleans_without_a_problem(word: str, expected: bool) -> None:
    data, problems = load(f"required: {word}\n")

    assert problems == []
    assert data["required"] is expected


@pytest.mark.parametrize("quoted", ['"no"', "'no'"], ids=["double", "single"])
def test_quoted_no_is_a_string(quoted: str) -> None:
    data, problems = load(f"title: {quoted}\n")

    assert problems == []
    assert isinstance(data["title"], Text)
    assert data["title"] == "no"


def test_boolean_word_as_a_key_is_just_a_word() -> None:
    data, problems = load("no: nee\n")

    assert problems == []
    assert data == {"no": "nee"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("a: [1, 2\n", (2, "not valid YAML: did not find expected ',' or ']'"),
                     id="unclosed-flow-list"),
        pytest.param("a: b\n  c: d\n", (2, "not valid YAML: mapping values are not allowed "
                                           "in this context"), id="bad-indentation"),
        pytest.param('a: "open\n', (2, "not valid YAML: found unexpected end of stream"),
                     id="unclosed-quote"),
    ],
)
def test_syntax_error_is_one_problem_with_its_line(text: str, problem: tuple[int, str]) -> None:
    data, problems = load(text)

    assert data is None
    assert problems == [problem]


def test_empty_text_is_none_without_a_problem() -> None:
    assert load("# nothing but a comment\n") == (None, [])


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01"], ids=["30-february", "month-13"])
def test_date_that_does_not_exist_is_a_problem_not_a_crash(day: str) -> None:
    data, problems = load(f"""\
        id: wf
        due: {day}
        """)

    assert data == {"id": "wf", "due": INVALID}
    assert [line for line, _ in problems] == [2]
    assert day in problems[0][1]
