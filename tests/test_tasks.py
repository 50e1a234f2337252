"""`python3 tasks.py run`, the README's first command, on an empty folder: it starts the demo
with its progress, shows its status and ticks (the set-up of .venv is left out: the test runs
in the environment it was installed into)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_run_starts_the_demo_in_an_empty_store_and_again_finds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("tasks_under_test", ROOT / "tasks.py")
    assert spec is not None and spec.loader is not None
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    monkeypatch.setattr(tasks, "setup", lambda extra="": None)
    monkeypatch.setattr(tasks, "BIN", Path(sys.executable).parent)
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setenv("IVPFLOW_NOW", "2026-12-01T09:00")
    monkeypatch.delenv("IVPFLOW_STORE", raising=False)
    monkeypatch.delenv("IVPFLOW_DB", raising=False)
    assert tasks.run() == 0
    first = capfd.readouterr().out
    assert "the demo process not-2027-2030 and its progress up to 2026-12-01" in first
    assert (tmp_path / "store" / "ivpflow.sqlite3").is_file()
    assert list((tmp_path / "store" / "outbox" / "new").iterdir())
    # Again: the demo is there, nothing is recorded twice.
    assert tasks.run() == 0
    assert "progress up to" not in capfd.readouterr().out
    listed = subprocess.run([sys.executable, "-m", "ivpflow", "--store",
                             str(tmp_path / "store"), "processes", "--json"],
                            capture_output=True, text=True, check=True)
    assert [p["id"] for p in json.loads(listed.stdout)] == ["not-2027-2030"]
