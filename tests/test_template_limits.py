"""A municipality's own templates within limits: a macro that calls itself and output without
end give one line naming the template, in `draft` and in the scheduler's tick alike."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import Invoke

RECURSIVE = "# IVP\n{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(0) }}\n"
ENDLESS = ("# IVP\n{% for i in range(100000) %}{% for j in range(100000) %}"
           "{{ 'regel ' * 100 }}{% endfor %}{% endfor %}\n")
LONG_IN_A_MACRO = ("# IVP\n{% macro m() %}{% for i in range(100000) %}{{ 'x' * 2000 }}"
                   "{% endfor %}{% endmacro %}{{ m() }}\n")
HUGE_PRODUCT = "# IVP\n{{ 'x' * 10 ** 9 }}\n"
HUGE_POWER = "# IVP\n{{ 10 ** 100000000 }}\n"
TOO_LONG = "its output passes 10 million characters (a loop without end?)"


@pytest.mark.parametrize(("text", "where", "cause"), [
    (RECURSIVE, 2, "calls nest too deep (a macro that calls itself without end?)"),
    (ENDLESS, 2, TOO_LONG),
    (LONG_IN_A_MACRO, 2, TOO_LONG),
    (HUGE_PRODUCT, 2, TOO_LONG),
    (HUGE_POWER, 2, "a power above 10000 is not allowed"),
], ids=["recursive-macro", "endless-loop", "long-macro", "huge-product", "huge-power"])
def test_an_own_template_out_of_bounds_is_one_line(ivpflow: Invoke, started: str,
                                                   own_templates: Path, store_dir: Path,
                                                   text: str, where: int, cause: str) -> None:
    template = own_templates / "documents" / "ivp.md.j2"
    template.write_text(text, encoding="utf-8")
    began = time.perf_counter()
    result = ivpflow("draft", started, "ivp")
    assert time.perf_counter() - began < 5
    assert (result.exit_code, result.stderr) == (1, f"Error: Template {template}:{where}: "
                                                    f"{cause}\n")
    assert not (store_dir / "drafts").exists()


def test_a_recursive_mail_template_is_a_problem_line_of_the_tick(ivpflow: Invoke,
                                                                 started: str,
                                                                 own_templates: Path) -> None:
    (own_templates / "mail" / "reminder.txt.j2").write_text(RECURSIVE, encoding="utf-8")
    result = ivpflow("assign", started, "coordinator", "--name", "C", "--email", "c@x.nl")
    assert result.exit_code == 0
    result = ivpflow("tick", now="2026-03-02T10:00")
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if "calls nest too deep" in line]
    assert problems and all(line.startswith("Problem: ") for line in problems)
    assert "Traceback" not in result.output
