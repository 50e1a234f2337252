"""Shared fixtures: a CLI runner on a store in tmp_path, a real SQLite file, a fixed clock."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ivpflow.cli import cli
from ivpflow.dates import parse_moment
from ivpflow.store import Store
from ivpflow.store.reader import read_process
from ivpflow.store.rows import PEOPLE, OutboxRow, ProcessRow
from ivpflow.workflow.loader import find_definition

NOW = parse_moment("2026-03-02T09:00")
# A PostgreSQL server where tests may create databases, e.g.
# postgresql+psycopg://ivpflow:ivpflow@127.0.0.1:5432/ivpflow; unset runs on SQLite files.
POSTGRESQL = os.environ.get("IVPFLOW_TEST_POSTGRESQL") or None
# One template database per test run, so that runs from several checkouts do not drop each
# other's.
TEMPLATE = f"ivpflow_test_template_{os.getpid()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRESQL:
        skip = pytest.mark.skip(reason="about SQLite files; the suite runs on PostgreSQL")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


def _admin_execute(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRESQL or "", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def _database_url(name: str) -> str:
    base, _, _ = (POSTGRESQL or "").rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def postgresql_template() -> Iterator[str | None]:
    """A migrated template database, copied for every test (PostgreSQL runs only)."""
    if not POSTGRESQL:
        yield None
        return
    _admin_execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    _admin_execute(f"CREATE DATABASE {TEMPLATE}")
    Store(_database_url(TEMPLATE)).dispose()
    yield TEMPLATE
    _admin_execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")


@pytest.fixture
def db_url(store_dir: Path, postgresql_template: str | None) -> Iterator[str | None]:
    """The database URL of the test: None (the store folder's SQLite file) or a fresh
    PostgreSQL database copied from the migrated template."""
    if postgresql_template is None:
        yield None
        return
    name = f"ivpflow_test_{uuid.uuid4().hex[:12]}"
    _admin_execute(f"CREATE DATABASE {name} TEMPLATE {postgresql_template}")
    yield _database_url(name)
    _drop_database(name)


def _drop_database(name: str) -> None:
    from sqlalchemy.exc import DBAPIError

    for attempt in range(5):
        try:
            _admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except DBAPIError:
            # A background worker (autovacuum) may hold it for a moment.
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def db_args(db_url: str | None) -> list[str]:
    """The global CLI options that point a command at the test's database."""
    return ["--db", db_url] if db_url else []
NOT = "noordoost-twente-2027-2030"
VNG = "vng-kernbeleid-veiligheid"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch,
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in ("IVPFLOW_STORE", "IVPFLOW_DB", "IVPFLOW_NOW", "IVPFLOW_ACTOR",
                 "IVPFLOW_WORKFLOWS", "IVPFLOW_CONFIG", "IVPFLOW_LANGUAGE", "IVPFLOW_TEMPLATES",
                 "IVPFLOW_HOUSE_STYLE",
                 "IVPFLOW_SMTP_URL", "IVPFLOW_SMTP_USER", "IVPFLOW_SMTP_PASSWORD",
                 "IVPFLOW_MAIL_FROM", "IVPFLOW_SMTP_TIMEOUT", "IVPFLOW_RETRY_HOURS",
                 "IVPFLOW_LEASE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    # The command line speaks the locale's language: English unless a test asks for Dutch.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # Output is fitted and coloured by these; a test that wants them sets them.
    for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # No test reads a developer's own ~/.config/ivpflow/ivpflow.toml.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "xdg-config"))


@pytest.fixture
def now() -> datetime:
    """The fixed moment tests act at unless they say otherwise."""
    return NOW


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_dir: Path, db_url: str | None) -> Iterator[Store]:
    """A real SQLite file in a fresh store folder, or a fresh PostgreSQL database."""
    opened = Store.open(store_dir, db_url)
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
def ivpflow(runner: CliRunner, store_dir: Path, db_args: list[str]) -> Invoke:
    """Run the CLI on the test's store: ivpflow("status", "--json", now="2026-05-01")."""

    def invoke(*args: str, now: str = "2026-03-02T09:00", actor: str = "coordinator",
               input: str | None = None) -> Result:
        return runner.invoke(cli, ["--store", str(store_dir), *db_args, "--now", now,
                                   "--actor", actor, *args], input=input,
                             catch_exceptions=False)

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


def read(store: Store, process_id: str = "not", parts: Any = PEOPLE) -> ProcessRow:
    """A process as the store has it now."""
    with store.transaction() as tx:
        return read_process(tx, process_id, parts=parts)


def outbox_row(store: Store, ident: int) -> OutboxRow:
    """One message of the outbox, whole."""
    from sqlalchemy import select

    from ivpflow.store import tables

    outbox = tables.outbox
    with store.connect() as conn:
        return OutboxRow(*conn.execute(select(*(outbox.c[f] for f in OutboxRow._fields))
                                       .where(outbox.c.id == ident)).one())


def settle_skipped(store: Store, process_id: str, now: datetime) -> list[str]:
    """Record as done (or vastgesteld) what a forced advance left open, as a coordinator does
    for work that ran outside ivpflow, so that it is reminded of no more; the ids."""
    from ivpflow.process.items import complete, decide
    from ivpflow.store.reader import read_definition
    from ivpflow.workflow.model import POSITIVE_OUTCOMES

    with store.transaction() as tx:
        process = read_process(tx, process_id, parts=PEOPLE)
        definition = read_definition(tx, process.definition_digest)
    left = {state.phase for state in process.phases if state.status == "done"}
    settled = []
    for state in process.items:
        item = definition.items[state.item_id]
        if state.phase not in left or not item.required or state.status == "done" \
                or state.outcome in POSITIVE_OUTCOMES:
            continue
        if item.kind == "decision":
            decide(store, process_id, item.id, outcome="vastgesteld", now=now, actor="t")
        else:
            complete(store, process_id, item.id, now=now, actor="t")
        settled.append(item.id)
    return settled


@pytest.fixture
def own_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty IVPFLOW_TEMPLATES folder (documents/ and mail/) for a test's own templates."""
    folder = tmp_path / "eigen"
    for sub in ("documents", "mail"):
        (folder / sub).mkdir(parents=True)
    monkeypatch.setenv("IVPFLOW_TEMPLATES", str(folder))
    return folder


CBS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cbs"


@pytest.fixture
def cbs_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """CBS's two OData catalogues replayed from tests/fixtures/cbs/ by a real HTTP server on
    127.0.0.1 (IVPFLOW_CBS_URL and IVPFLOW_CBS_THIRD_PARTY_URL point at it); yields the list
    of paths asked for. A page after the first ($skip=N) is the file <endpoint>-N.json."""
    import threading
    import urllib.parse
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[str] = []

    class Replay(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urllib.parse.urlsplit(self.path)
            asked.append(urllib.parse.unquote(self.path))
            skip = urllib.parse.parse_qs(url.query).get("$skip")
            name = url.path.strip("/") + (f"-{skip[0]}" if skip else "") + ".json"
            file = CBS_FIXTURES / name
            if ".." in name or not file.is_file():
                self.send_error(404)
                return
            base = f"http://127.0.0.1:{self.server.server_address[1]}/{name.split('/')[0]}"
            body = file.read_text(encoding="utf-8").replace("{BASE}", base).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    monkeypatch.setenv("IVPFLOW_CBS_URL", f"http://127.0.0.1:{port}/cbs")
    monkeypatch.setenv("IVPFLOW_CBS_THIRD_PARTY_URL", f"http://127.0.0.1:{port}/derden")
    try:
        yield asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
