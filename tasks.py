#!/usr/bin/env python3
"""Set up and run ivpflow with nothing but Python 3.11+: `python3 tasks.py run` or `test`.

Each command creates `.venv` (once), installs ivpflow into it (again when setup.cfg changes)
and then:
  run   starts the Noordoost Twente process in store/ if it is absent (placeholder people in
        its roles), shows its status and runs one tick: reminders land in store/outbox/;
  test  runs ruff, mypy and the whole pytest suite;
  bench runs bench/run.py beside the SpiffWorkflow peer (installed into .venv-peer) and prints
        one table; set IVPFLOW_BENCH_POSTGRESQL to a server URL to include PostgreSQL.
Extra arguments after `test` go to pytest, after `bench` to bench/run.py.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
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


def run() -> int:
    """The main job on the embedded default: the Noordoost Twente process in store/.

    Starts it (with placeholder people in its roles) if absent, shows its status, and runs one
    tick at the current moment: the reminders and digest land in store/outbox/ (a Maildir).
    """
    setup()
    ivpflow = BIN / "ivpflow"
    known = sh(ivpflow, "processes", "--json", capture_output=True).stdout
    if f'"id": "{PROCESS_ID}"' not in known:
        sh(ivpflow, "start", WORKFLOW, "--id", PROCESS_ID)
        for role, name in EXAMPLE_PEOPLE.items():
            sh(ivpflow, "assign", PROCESS_ID, role, "--name", name,
               "--email", f"{role}@example.org")
    code = sh(ivpflow, "status", PROCESS_ID, check=False).returncode
    code = code or sh(ivpflow, "tick", check=False).returncode
    print(f"Reminders are in {ROOT / 'store' / 'outbox' / 'new'}; see them with "
          "`.venv/bin/ivpflow outbox`.")
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


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())
