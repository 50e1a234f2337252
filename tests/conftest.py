"""Shared fixtures: a CLI runner on a store in tmp_path, a real SQLite file, a fixed clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ivpflow.cli import cli
from ivpflow.dates import parse_moment
from ivpflow.definitions import find_definition
from ivpflow.store import Store

NOW = parse_moment("2026-03-02T09:00")
NOT = "noordoost-twente-2027-2030"
VNG = "vng-kernbeleid-veiligheid"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IVPFLOW_STORE", "IVPFLOW_DB", "IVPFLOW_NOW", "IVPFLOW_ACTOR",
                 "IVPFLOW_WORKFLOWS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def now() -> datetime:
    """The fixed moment tests act at unless they say otherwise."""
    return NOW


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    """A real SQLite file in a fresh store folder."""
    opened = Store.open(store_dir)
    yield opened
    opened.dispose()


@pytest.fixture
def not_definition() -> Any:
    return find_definition(NOT)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


Invoke = Callable[..., Result]


@pytest.fixture
def ivpflow(runner: CliRunner, store_dir: Path) -> Invoke:
    """Run the CLI on the test's store: ivpflow("status", "--json", now="2026-05-01")."""

    def invoke(*args: str, now: str = "2026-03-02T09:00", actor: str = "coordinator",
               input: str | None = None) -> Result:
        return runner.invoke(cli, ["--store", str(store_dir), "--now", now, "--actor", actor,
                                   *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def started(ivpflow: Invoke) -> str:
    """The Noordoost Twente process, started as 'not' on 2 March 2026."""
    result = ivpflow("start", NOT, "--id", "not")
    assert result.exit_code == 0, result.output
    return "not"


def status_of(ivpflow: Invoke, process: str = "not", now: str = "2026-03-02T09:00") -> Any:
    result = ivpflow("status", process, "--json", now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
