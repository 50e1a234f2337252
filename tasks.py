#!/usr/bin/env python3
"""Set up and run ivpflow with nothing but Python 3.11+: `python3 tasks.py run` or `test`.

Each command creates `.venv` (once), installs ivpflow into it (again when setup.cfg changes)
and then:
  run   starts the Noordoost Twente demo process in store/ if it is absent (placeholder
        people in its roles) and records the reference case's progress up to today (or
        IVPFLOW_NOW) on the dates of its published schedule, shows its status and runs one
        tick: reminders land in store/outbox/;
  test  runs ruff, mypy and the whole pytest suite;
  bench runs bench/run.py beside the SpiffWorkflow peer (installed into .venv-peer) and prints
        one table; set IVPFLOW_BENCH_POSTGRESQL to a server URL to include PostgreSQL;
  messages
        extracts the command line's messages into ivpflow/locale/ivpflow.pot (Babel), merges
        them into the Dutch catalogue ivpflow/locale/nl/LC_MESSAGES/ivpflow.po and compiles
        it; translate what it reports as untranslated, then run it again.
Extra arguments after `test` go to pytest, after `bench` to bench/run.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PROCESS_ID = "not-2027-2030"
WORKFLOW = "noordoost-twente-2027-2030"


def sh(*args: str | Path, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command from the repository root, echoing it."""
    print("$", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=check, text=True, **kwargs)


def setup(extra: str = "") -> None:
    """Create the virtual environment and install ivpflow when anything changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be run by an older python3
        sys.exit(f"ivpflow needs Python 3.11 or newer, not {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "setup.cfg").read_bytes() + extra.encode()).hexdigest()
    stamp = VENV / ".ivpflow-installed"
    if not stamp.exists() or stamp.read_text() != wanted:
        sh(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        sh(BIN / "python", "-m", "pip", "install", "--quiet", "-e", f".{extra}")
        stamp.write_text(wanted)
    # Compiled once here, the modules load without being compiled at every start, even where
    # PYTHONDONTWRITEBYTECODE is set.
    sh(BIN / "python", "-m", "compileall", "-q", "ivpflow", "tests")


# Placeholder people for a first run, so reminders have somewhere to go; example.org is
# reserved for examples. Replace them with `ivpflow assign` and `ivpflow unassign`.
EXAMPLE_PEOPLE = {
    "coordinator": "Coördinator IVP NOT",
    "projectmanager": "Projectmanager IVP NOT",
    "portefeuillehouder": "Portefeuillehouder OOV",
    "werkgroep": "Werkgroep IVP NOT",
    "griffie": "Griffie",
    "driehoek": "Secretaris gezagsdriehoek NOT",
}


# The reference case's schedule as the four gemeenten published it (Losser's raadsvoorstel
# "Verlengen Integraal Veiligheidsbeleid", 2025; Dinkelland's raadsinformatiebrief, 2025):
# veiligheidsmonitor in April 2026, rondetafelgesprekken and advice on the priorities in May,
# prioritisation in the commissies in June, writing the IVP July-September, adoption by the
# four raden in October/November, the uitvoeringsplan by the colleges and the driehoek in
# December. A month named there is its last working day; a step the schedule does not date is
# done on its deadline in the definition. So the rondetafelgesprekken, due 22 May in the
# definition, are done on 29 May: a week late, as the schedule has them.
MUNICIPALITIES = ("losser", "dinkelland", "oldenzaal", "tubbergen")
DEMO: list[tuple[str, str, tuple[str, ...]]] = [
    # (moment, command, items)
    ("2025-09-30", "done", ("werkgroep-samenstellen",)),
    ("2025-10-31", "done", ("startnotitie-opstellen", "startnotitie")),
    ("2025-11-28", "done", ("raadsinformatiebrief-versturen", "raadsinformatiebrief",
                            "raadsvoorstel-verlenging-losser")),
    ("2025-12-31", "decide", ("verlenging-ivp-losser",)),
    ("2025-12-31", "done", ("veiligheidsmonitor-opdracht",)),
    ("2026-01-30", "decide", ("startnotitie-driehoek",)),
    ("2026-02-27", "done", ("startbijeenkomst-werkgroep",)),
    ("2026-02-27T16:00", "advance", ()),
    ("2026-04-30", "done", ("veiligheidsmonitor", "cijfers-verzamelen",
                            "evaluatie-huidig-beleid")),
    ("2026-05-15", "done", ("veiligheidsanalyse",)),
    ("2026-05-29", "done", ("rondetafelgesprekken", "advies-prioriteiten")),
    ("2026-05-29T16:00", "advance", ()),
    ("2026-06-05", "done", ("conceptprioritering-portefeuillehouders", "prioriteringsnotitie")),
    ("2026-06-30", "decide", tuple(f"prioritering-{m}" for m in MUNICIPALITIES)),
    ("2026-06-30T16:00", "advance", ()),
    ("2026-09-04", "done", ("concept-ivp",)),
    ("2026-09-11", "done", ("werkgroep-concept",)),
    ("2026-09-18", "done", ("portefeuillehouders-concept",)),
    ("2026-09-25", "done", ("check-ketenpartners",)),
    ("2026-09-30", "done", ("ivp",)),
    ("2026-10-02", "done", tuple(f"raadsvoorstel-ivp-{m}" for m in MUNICIPALITIES)),
    ("2026-10-09", "decide", tuple(f"raadsvoorstel-college-{m}" for m in MUNICIPALITIES)),
    ("2026-11-30", "decide", tuple(f"vaststelling-ivp-{m}" for m in MUNICIPALITIES)),
    ("2026-11-30", "done", ("driehoek-informeren",)),
    ("2026-11-30T16:00", "advance", ()),
    ("2026-12-04", "done", ("acties-trekkers", "uitvoeringsplan")),
    ("2026-12-31", "decide", (*(f"uitvoeringsplan-college-{m}" for m in MUNICIPALITIES),
                              "uitvoeringsplan-driehoek")),
    ("2026-12-31", "done", ("raden-informeren",)),
    ("2026-12-31T16:00", "advance", ()),
]
DEMO_START = "2025-09-01"


def demo_commands(today: str) -> list[list[str]]:
    """The commands that start the demo process and record its progress up to `today`
    (ISO): each with --now at the moment the step was taken."""
    commands = [["--now", DEMO_START, "start", WORKFLOW, "--id", PROCESS_ID]]
    commands += [["--now", DEMO_START, "assign", PROCESS_ID, role, "--name", name,
                  "--email", f"{role}@example.org"] for role, name in EXAMPLE_PEOPLE.items()]
    for moment, command, items in DEMO:
        if moment[:10] > today:
            break
        if command == "advance":
            commands.append(["--now", moment, "advance", PROCESS_ID])
        for item in items:
            extra = ["--outcome", "vastgesteld"] if command == "decide" else []
            commands.append(["--now", moment, command, PROCESS_ID, item, *extra])
    return [["--actor", "demo", *command] for command in commands]


# Runs the commands in one interpreter of the venv: one start instead of one per step.
REPLAY = """
import contextlib, io, json, sys
from ivpflow.cli import cli
for args in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(args=args, prog_name="ivpflow", standalone_mode=False)
"""


def run() -> int:
    """The main job on the embedded default: the Noordoost Twente demo process in store/.

    Starts it (with placeholder people in its roles) if absent and records the reference
    case's progress up to today, or up to IVPFLOW_NOW when that is set; shows its status and
    runs one tick at that moment: the reminders and digest land in store/outbox/ (a Maildir).
    """
    setup()
    ivpflow = BIN / "ivpflow"
    # A first run finds no store (read commands never create one) and starts the demo.
    listing = sh(ivpflow, "processes", "--json", capture_output=True, check=False)
    if listing.returncode and "No ivpflow store" not in listing.stderr:
        sys.stderr.write(listing.stderr)
        return listing.returncode
    if f'"id": "{PROCESS_ID}"' not in listing.stdout:
        today = (os.environ.get("IVPFLOW_NOW") or datetime.now().isoformat())[:10]
        commands = demo_commands(today)
        print(f"$ ivpflow … ({len(commands)} commands: the demo process {PROCESS_ID} and its "
              f"progress up to {today})", flush=True)
        subprocess.run([str(BIN / "python"), "-c", REPLAY, json.dumps(commands)], cwd=ROOT,
                       check=True)
    code = sh(ivpflow, "status", PROCESS_ID, check=False).returncode
    code = code or sh(ivpflow, "tick", check=False).returncode
    print(f"Reminders are in {ROOT / 'store' / 'outbox' / 'new'}; see them with "
          "`.venv/bin/ivpflow outbox`. A process of your own: see README.md, 'Your own "
          "process'.")
    return code


def test(pytest_args: list[str]) -> int:
    """Lint, type-check and run the whole test suite."""
    setup("[test]")
    for step in ([BIN / "ruff", "check", "ivpflow", "tests", "tasks.py"],
                 [BIN / "mypy", "ivpflow"]):
        if sh(*step, check=False).returncode:
            return 1
    return sh(BIN / "python", "-m", "pytest", *pytest_args, check=False).returncode


def bench(args: list[str]) -> int:
    """The benchmark, with the peer measured in the same run."""
    setup("[test]")
    peer = ROOT / ".venv-peer"
    peer_bin = peer / ("Scripts" if os.name == "nt" else "bin")
    if not (peer_bin / "python").exists():
        venv.EnvBuilder(with_pip=True).create(peer)
        sh(peer_bin / "python", "-m", "pip", "install", "--quiet", "SpiffWorkflow==3.2.0",
           "SQLAlchemy")
    return sh(BIN / "python", "bench/run.py", "--peer", peer_bin / "python", *args,
              check=False).returncode


LOCALE = ROOT / "ivpflow" / "locale"
CATALOGUE = LOCALE / "nl" / "LC_MESSAGES" / "ivpflow.po"


def messages() -> int:
    """Extract, merge and compile the command line's message catalogue (Babel)."""
    setup("[test]")
    pybabel = BIN / "pybabel"
    template = LOCALE / "ivpflow.pot"
    sh(pybabel, "-q", "extract", "--project", "ivpflow", "--add-location", "file",
       "--sort-by-file", "--no-wrap", "-k", "_", "-k", "ngettext:1,2", "-o", template,
       "ivpflow")
    if CATALOGUE.exists():
        sh(pybabel, "-q", "update", "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching",
           "-i", template, "-d", LOCALE, "-D", "ivpflow", "-l", "nl")
    else:
        sh(pybabel, "-q", "init", "--no-wrap", "-i", template, "-d", LOCALE, "-D", "ivpflow",
           "-l", "nl")
    sh(pybabel, "-q", "compile", "--statistics", "-d", LOCALE, "-D", "ivpflow", "-l", "nl")
    return 0


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    if command == "messages":
        return messages()
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())
