"""`ivpflow init`: a commented workflow file for one gemeente or several that `check` accepts
as it is and `start` starts."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from ivpflow.workflow.loader import find_definition, load_definition
from ivpflow.workflow.template import MINIMUM_WEEKS, make_workflow, schedule

from .conftest import VNG, Invoke, status_of

THREE = ["Losser", "Dinkelland", "Oldenzaal"]


def init(ivpflow: Invoke, out: Path, *names: str, start: str = "2026-03-02",
         adopt_by: str = "2026-11-30", extra: tuple[str, ...] = ()) -> str:
    """Run init for these gemeenten into `out`; returns its output."""
    args = [arg for name in names for arg in ("--municipality", name)]
    result = ivpflow("init", *args, "--period", "2027-2030", "--start", start, "--adopt-by",
                     adopt_by, "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("names", [["Losser"], THREE], ids=["one", "three"])
def test_check_accepts_the_file_without_a_problem_or_a_warning(ivpflow: Invoke, tmp_path: Path,
                                                               names: list[str]) -> None:
    out = tmp_path / "ivp.yaml"
    init(ivpflow, out, *names)
    result = ivpflow("check", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{out}: ok ({'-'.join(n.lower() for n in names)}-2027-2030: 6 phases, "
        f"{24 + 1 * (len(names) - 1)} tasks, {2 + 7 * len(names)} decisions, "
        f"{5 + 2 * len(names)} documents)"]


def test_start_from_the_file_has_the_decisions_of_every_gemeente(ivpflow: Invoke,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "not.yaml"
    init(ivpflow, out, *THREE)
    assert ivpflow("start", str(out), "--id", "drie").stdout == "drie\n"
    decisions = {d["id"]: d for d in status_of(ivpflow, "drie")["decisions"]}
    for name in THREE:
        bodies = {d["body"] for d in decisions.values() if d["body"].endswith(" " + name)}
        assert bodies == {f"college {name}", f"raadscommissie {name}", f"gemeenteraad {name}"}
        adoption = decisions[f"vaststelling-ivp-{name.lower()}"]
        assert (adoption["phase"], adoption["body"], adoption["due"], adoption["required"]) == (
            "ivp", f"gemeenteraad {name}", "2026-11-30", True)
    assert decisions["uitvoeringsplan-driehoek"]["required"] is True  # joint: the driehoek adopts


def test_a_fresh_process_from_it_has_nothing_at_risk(ivpflow: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "losser.yaml"
    init(ivpflow, out, "Losser")
    ivpflow("start", str(out), "--id", "losser")
    result = ivpflow("plan", "losser", "--at-risk")
    assert (result.exit_code, result.stdout) == (0, "Nothing at risk.\n")


def test_the_default_file_is_named_by_the_id_here_and_the_next_step_is_printed(
        ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = ivpflow("init", "--municipality", "Tubbergen", "--start", "2026-01-05")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Wrote tubbergen-2027-2030.yaml: Integraal Veiligheidsplan Tubbergen 2027-2030 "
        "(6 phases, 24 tasks, 9 decisions, 7 documents)",
        "Next: check it with: ivpflow check tubbergen-2027-2030.yaml; start it with: "
        "ivpflow start tubbergen-2027-2030.yaml"]
    definition = load_definition(tmp_path / "tubbergen-2027-2030.yaml")
    # Without --adopt-by: the end of the ninth month on (October 2026); the period follows.
    assert (definition.start, definition.target, definition.period) == (
        date(2026, 1, 5), ("ivp", date(2026, 10, 30)), "2027-2030")


def test_an_existing_file_is_kept_unless_force(ivpflow: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "ivp.yaml"
    out.write_text("mine\n", encoding="utf-8")
    args = ("init", "--municipality", "Losser", "--start", "2026-03-02", "--out", str(out))
    result = ivpflow(*args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: Cannot write '{out}': it exists already; use --force to "
                             "overwrite it\n")
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert ivpflow(*args, "--force").exit_code == 0
    assert load_definition(out).municipalities == ("Losser",)


@pytest.mark.parametrize(("args", "error"), [
    (["--municipality", "Losser", "--period", "2030-2027"],
     "Error: --period '2030-2027' runs backwards; write 2027-2030"),
    (["--municipality", "Losser", "--period", "2027-2031"],
     "Error: --period '2027-2031' is 5 years; the raad sets its goals at least once every 4 "
     "years (Politiewet art. 38b)"),
    (["--municipality", "Losser", "--adopt-by", "2026-02-27"],
     "Error: --adopt-by 2026-02-27 lies before --start (2026-03-02)"),
    (["--municipality", "Losser", "--adopt-by", "2026-06-30"],
     "Error: --adopt-by 2026-06-30 is 17 weeks after --start 2026-03-02; the steps up to "
     "adoption need at least 26 weeks (six to twelve months is usual)"),
    (["--municipality", "Losser", "--adopt-by", "2026-12-22"],
     "Error: --adopt-by 2026-12-22 falls in the kerstreces (2026-12-21 to 2027-01-01), when "
     "councils do not meet; choose the last raad meeting before it or the first after it"),
    ([], "Error: Missing --municipality NAME: name the gemeente (repeat it for a joint plan of "
         "several)"),
    (["--municipality", "Losser", "--municipality", "losser"],
     "Error: --municipality 'losser' is given twice (as 'Losser')"),
    (["--municipality", "Losser", "--id", "IVP_Losser"],
     "Error: --id 'IVP_Losser' must be lower-case letters, digits and '-' (at most 100)"),
    (["--municipality", "Losser", "--title", "IVP {municipality}"],
     "Error: --title 'IVP {municipality}' must be text without { or }"),
], ids=["period-backwards", "period-too-long", "adopt-before-start", "too-short",
        "adopt-in-recess", "no-municipality", "twice", "bad-id", "bad-title"])
def test_bad_options_get_one_line_and_write_nothing(ivpflow: Invoke, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    args: list[str], error: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = ivpflow("init", "--start", "2026-03-02", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", error + "\n")
    assert list(tmp_path.iterdir()) == []


def test_the_file_explains_every_section_in_a_comment(ivpflow: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "ivp.yaml"
    init(ivpflow, out, *THREE)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Integraal Veiligheidsplan Losser, Dinkelland en Oldenzaal")
    explained = []
    for index, line in enumerate(lines):
        if line and line[0].isalpha() or line.startswith("  - id: "):
            above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
            if above.lstrip().startswith("# "):
                explained.append(line.split(":")[0].strip() if line[0].isalpha()
                                 else line.split(": ")[1])
    assert explained == ["id", "period", "replaces", "start", "target", "municipalities",
                         "calendar", "lead_times", "roles", "reminders", "phases", "opstart",
                         "analyse", "prioritering", "ivp", "uitvoeringsplan", "afgerond"]


def test_the_phases_are_those_of_the_vng_template() -> None:
    made = make_workflow(["Losser"], start=date(2026, 3, 2), adopt_by=date(2026, 11, 30))
    assert made.definition.phase_ids == find_definition(VNG).phase_ids


@pytest.mark.parametrize("weeks", [26, 30, 39, 45, 52], ids=lambda w: f"{w}-weeks")
def test_the_schedule_keeps_every_step_its_least_and_prioritering_out_of_the_recess(
        weeks: int) -> None:
    start = date(2026, 1, 5)
    ends = schedule(start, start + timedelta(weeks=weeks))
    assert list(ends) == ["opstart", "analyse", "prioritering", "ivp", "uitvoeringsplan"]
    assert ends["ivp"] == start + timedelta(weeks=weeks)
    begins = [start, *list(ends.values())[:3]]
    for (phase, end), begin in zip(list(ends.items())[:4], begins, strict=True):
        assert (end - begin).days >= 7 * MINIMUM_WEEKS[phase] - 3, phase  # a weekend rolled
    assert not date(2026, 7, 6) <= ends["prioritering"] <= date(2026, 8, 21)


def test_names_that_yaml_would_misread_are_quoted(ivpflow: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "ivp.yaml"
    init(ivpflow, out, "'s-Hertogenbosch", "Bergen (NH)", "Súdwest-Fryslân")
    definition = load_definition(out)
    assert definition.municipalities == ("'s-Hertogenbosch", "Bergen (NH)", "Súdwest-Fryslân")
    assert "vaststelling-ivp-s-hertogenbosch" in definition.items
    assert definition.items["vaststelling-ivp-sudwest-fryslan"].body == \
        "gemeenteraad Súdwest-Fryslân"


def test_start_takes_a_file_without_a_yaml_suffix_from_the_printed_path(
        ivpflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = init(ivpflow, Path("plan"), "Losser")
    assert out.splitlines()[-1] == ("Next: check it with: ivpflow check ./plan; start it with: "
                                    "ivpflow start ./plan")
    assert ivpflow("start", "./plan", "--id", "p").exit_code == 0
    assert json.loads(ivpflow("status", "p", "--json").stdout)["workflow"] == "losser-2027-2030"
