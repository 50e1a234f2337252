"""Bounded input: dates, numbers and definition files outside the limits are refused with one
line, quickly, and change nothing."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from ivpflow.dates import FIRST_DAY, LAST_DAY, check_range, parse_day, parse_moment
from ivpflow.errors import DateOutOfRangeError

from .conftest import Invoke


@pytest.mark.parametrize("text", ["9999-12-31", "1899-01-01", "9999-12-31T23:00-05:00",
                                  "2100-01-01T00:00"],
                         ids=["year-9999", "year-1899", "overflow-offset", "just-after"])
def test_moments_outside_the_window_are_refused(text: str) -> None:
    with pytest.raises(DateOutOfRangeError, match=rf"^--now '{text}' lies outside the dates "
                                                  r"ivpflow plans with \(2000-01-01 to "
                                                  r"2099-12-31\)$"):
        parse_moment(text)


def test_the_window_holds_its_own_ends() -> None:
    assert parse_day("2000-01-01") == FIRST_DAY
    assert parse_moment("2099-12-31T23:59").date() == LAST_DAY
    with pytest.raises(DateOutOfRangeError, match="^--start '2100-01-01' lies outside"):
        parse_day("2100-01-01", option="--start")
    with pytest.raises(DateOutOfRangeError, match="^closing day 1999-12-31 lies outside"):
        check_range(date(1999, 12, 31), "closing day")


def test_a_far_now_is_one_line_fast_and_changes_nothing(ivpflow: Invoke, started: str) -> None:
    before = ivpflow("history", started, "--json").stdout
    began = time.perf_counter()
    for command in (("status",), ("done", started, "werkgroep-samenstellen"), ("tick",)):
        result = ivpflow(*command, now="9999-12-31")
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--now': moment '9999-12-31' lies outside the dates "
            "ivpflow plans with (2000-01-01 to 2099-12-31)")
    # It was 9.6 s and 530 MB each before it was bounded; the bound is generous for a busy
    # machine, the figure that matters is in the benchmark.
    assert time.perf_counter() - began < 10
    assert ivpflow("history", started, "--json").stdout == before


BASE = """\
id: proef
title: Proef
roles: {coordinator: Coördinator}
phases:
  - id: analyse
    title: Analyse
    due: 2026-06-30
    tasks:
      - {id: taak, title: Taak, role: coordinator, due: 2026-04-30}
    decisions:
      - {id: besluit, title: Besluit, body: gemeenteraad Losser, due: 2026-06-15}
  - {id: klaar, title: Klaar, final: true}
"""
TASK = "      - {id: taak, title: Taak, role: coordinator, due: 2026-04-30}\n"
DECISION = "      - {id: besluit, title: Besluit, body: gemeenteraad Losser, due: 2026-06-15}\n"


def variant(old: str, new: str, extra: str = "") -> str:
    assert old in BASE
    return BASE.replace(old, new) + extra


BAD_DEFINITIONS = [
    pytest.param(variant("due: 2026-04-30", "due: 100000000 working days after start"),
                 "9: deadline '100000000 working days after start' moves 100000000 working "
                 "days; at most 2000 (about eight years)", id="working-days"),
    pytest.param(variant("due: 2026-04-30", "due: 97 months before end"),
                 "9: deadline '97 months before end' moves 97 months; at most 96 (about eight "
                 "years)", id="months"),
    pytest.param(variant(TASK, "".join(
        f"      - {{id: t{n}, title: T, role: coordinator, due: 1900 working days after "
        f"{'start' if n == 0 else f't{n - 1}'}}}\n" for n in range(4))),
                 "12: relative deadlines add up to about 31 years (t0 -> t1 -> t2 -> t3); a "
                 "plan spans at most 20", id="chain"),
    pytest.param(variant("due: 2026-06-30", "duration: 401 weeks"),
                 "7: duration is 2005 working days; at most 2000 (about eight years)",
                 id="duration"),
    pytest.param(variant("due: 2026-04-30", "due: 9999-12-31"),
                 "9: deadline 9999-12-31 lies outside the dates ivpflow plans with (2000-01-01 "
                 "to 2099-12-31)", id="date"),
    pytest.param(BASE + "start: 1999-12-31\n",
                 "13: start 1999-12-31 lies outside the dates ivpflow plans with (2000-01-01 to "
                 "2099-12-31)", id="start"),
    pytest.param(BASE + "calendar:\n  closed:\n    - {from: 2026-07-01, to: 2026-12-31, why: a}"
                        "\n    - {from: 2027-01-01, to: 2027-07-31, why: b}\n",
                 "14: closed periods run together from 2026-07-01 to 2027-07-31; at most 366 "
                 "days in a row", id="closures"),
    pytest.param(variant(DECISION, DECISION.replace("title: Besluit, ", "")),
                 "11: missing 'title'", id="decision-title"),
    pytest.param(variant("title: Taak", "title: '  '"), "9: 'title' must not be empty",
                 id="blank-title"),
    pytest.param(BASE + "meetings:\n  - {body: gemeenteraad Losser, date: 2026-06-10}\n"
                        "  - {body: gemeenteraad Losser, date: 2026-06-10}\n",
                 "15: meeting of gemeenteraad Losser on 2026-06-10 is listed twice",
                 id="meeting-twice"),
    pytest.param(BASE + "meetings:\n  - {body: gemeenteraad Losser, date: 2026-06-10, "
                        "papers_due: 2026-06-11}\n",
                 "14: papers due 2026-06-11 lie after the meeting of gemeenteraad Losser on "
                 "2026-06-10", id="papers-after"),
]


@pytest.mark.parametrize(("text", "problem"), BAD_DEFINITIONS)
def test_check_refuses_what_start_cannot_plan(ivpflow: Invoke, tmp_path: Path, text: str,
                                              problem: str) -> None:
    file = tmp_path / "proef.yaml"
    file.write_text(text, encoding="utf-8")
    checked = ivpflow("check", str(file))
    assert (checked.exit_code, checked.stdout) == (1, f"{file}:{problem}\n")
    started = ivpflow("start", str(file))
    assert (started.exit_code, started.stderr) == (1, f"Error: {file}:{problem}\n")
    listed = ivpflow("processes", "--json")  # SQLite: no store was made; PostgreSQL: empty
    assert listed.exit_code == 1 or json.loads(listed.stdout) == []


def test_the_limits_themselves_are_accepted(ivpflow: Invoke, tmp_path: Path) -> None:
    file = tmp_path / "proef.yaml"
    file.write_text(variant("due: 2026-04-30", "due: 2000 working days after start",
                            "start: 2000-01-03\ncalendar:\n  closed:\n"
                            "    - {from: 2026-07-01, to: 2027-07-01, why: dicht}\n"),
                    encoding="utf-8")
    assert ivpflow("start", str(file), "--id", "p").exit_code == 0
    plan = {row["id"]: row["planned"] for row in json.loads(ivpflow("plan", "p", "--json").stdout)}
    assert plan["taak"] == "2007-11-12"  # 2000 working days: weekends and feestdagen out


def test_a_stored_definition_is_read_as_it_was_accepted() -> None:
    from ivpflow.workflow.loader import compile_definition, load_compiled, parse_definition

    text = variant("due: 2026-04-30", "due: 2000 working days after start")
    compiled = json.loads(compile_definition(parse_definition(text, "proef.yaml")))
    # As processes started before these rules keep it: a longer offset, no decision title.
    phase = compiled["data"]["phases"][0]
    phase["tasks"][0]["due"] = "2500 working days after start"
    del phase["decisions"][0]["title"]
    definition = load_compiled(json.dumps(compiled), text, "proef.yaml")
    assert definition.items["taak"].due.amount == 2500  # type: ignore[union-attr]
    assert definition.items["besluit"].title == "gemeenteraad Losser"


def laughs(levels: int = 9) -> str:
    """A 'billion laughs' file: each level nine aliases of the one before (9**9 strings)."""
    lines = ["id: lol", "title: LOL", "roles: {coordinator: C}", 'a: &a ["lol", "lol"]']
    for level in range(1, levels):
        name, before = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]")
    return "\n".join([*lines, f"phases: *{chr(ord('a') + levels - 1)}"]) + "\n"


def test_billion_laughs_is_refused_at_once_in_little_memory(ivpflow: Invoke,
                                                            tmp_path: Path) -> None:
    import tracemalloc

    file = tmp_path / "lol.yaml"
    file.write_text(laughs(), encoding="utf-8")
    tracemalloc.start()
    began = time.perf_counter()
    result = ivpflow("check", str(file))
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 1 and elapsed < 0.5 and peak < 5_000_000
    assert result.stdout.splitlines()[0] == (f"{file}:5: aliases ('*name') are not supported; "
                                             "write the value out")


def test_a_star_that_is_no_alias_is_read(tmp_path: Path) -> None:
    from ivpflow.workflow.loader import parse_definition

    definition = parse_definition(variant("title: Taak", "title: '*belangrijk* *'"))
    assert definition.items["taak"].title == "*belangrijk* *"


def test_a_meetings_file_with_an_alias_is_refused(ivpflow: Invoke, started: str,
                                                  tmp_path: Path) -> None:
    file = tmp_path / "raad.yaml"
    file.write_text("- &m {body: gemeenteraad Losser, date: 2026-11-10}\n- *m\n",
                    encoding="utf-8")
    result = ivpflow("meeting", "import", started, str(file))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "line 2: aliases ('*name') are not supported; write the value out" in result.stderr
    assert json.loads(ivpflow("meeting", "list", started, "--json").stdout) == []


@pytest.mark.parametrize(("command", "message"), [
    (("outbox", "--limit", "1" + "0" * 23), "Invalid value for '--limit': 1" + "0" * 23
     + " is not in the range 1<=x<=1000000."),
    (("processes", "--limit", "1000001"), "Invalid value for '--limit': 1000001 is not in the "
                                          "range 1<=x<=1000000."),
    (("outbox", "retry", "9" * 20), "Invalid value for '[ID]...': " + "9" * 20 + " is not in "
                                    "the range 1<=x<=9223372036854775807."),
    (("scheduler", "--every", "1e308"), "Invalid value for '--every': 1e+308 is not in the "
                                        "range 0.01<=x<=1440."),
], ids=["outbox-limit", "processes-limit", "retry-id", "scheduler-every"])
def test_numbers_past_their_bounds_are_usage_errors(ivpflow: Invoke, started: str,
                                                    command: tuple[str, ...],
                                                    message: str) -> None:
    before = ivpflow("history", started, "--json").stdout
    result = ivpflow(*command)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert ivpflow("history", started, "--json").stdout == before


def test_a_binary_value_is_refused_by_check_not_by_start(ivpflow: Invoke,
                                                         tmp_path: Path) -> None:
    file = tmp_path / "proef.yaml"
    file.write_text(BASE + "description: !!binary aGFsbG8=\n", encoding="utf-8")
    problem = (f"{file}:13: values tagged '!!binary' are not supported; write text, a number "
               "or a date")
    assert ivpflow("check", str(file)).stdout == problem + "\n"
    assert ivpflow("start", str(file)).stderr == f"Error: {problem}\n"


def test_yaml_nested_a_thousand_deep_is_one_problem(tmp_path: Path) -> None:
    from ivpflow.errors import DefinitionError
    from ivpflow.workflow.loader import load_definition

    file = tmp_path / "diep.yaml"
    file.write_text(BASE + "description: " + "[" * 900 + "]" * 900 + "\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        load_definition(file)
    assert f"{file}:13: nested more than 50 deep" in refused.value.problems
