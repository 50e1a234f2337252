"""The database: engine set-up, the SQLite recipe, schema upgrades, and transactions.

Two ways in:
- `Store.transaction()` runs statements compiled once (`Sql`) on the driver's own connection,
  for the reader and the writer of a process: no statement machinery per call, and on
  PostgreSQL every step's statements go in one pipeline (one round trip).
- `Store.connect()` is a SQLAlchemy Core connection in one transaction, for the set-wise work
  of the outbox and the scheduler.

On SQLite a writing transaction takes the write lock at its start (BEGIN IMMEDIATE) and waits
the busy timeout for it, so two writers never meet halfway. A pooled connection that the
server dropped (a restart) is replaced and the first step retried, without a ping before
every transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, literal_column, select, text
from sqlalchemy.exc import (
    DatabaseError,
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
)

from ..errors import CorruptStoreError, NoStoreError, StoreBusyError, StoreError

# The newest migration in store/migrations/versions; a test keeps the two equal. Comparing
# against it avoids importing Alembic (a quarter of a second) when the schema is current.
SCHEMA_HEAD = "0014"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000
# A SQLite file of at most this many pages (4 KiB each) is checked (PRAGMA quick_check) before
# the first write of a Store, so that a damaged page elsewhere in the file is found before
# anything is written next to it. Measured here: 3 ms for a store of 30 processes (140
# pages), 0.4 s for 20,000 pages; reads are never checked, so `status` stays as fast. A
# larger file is not checked; a damaged page is then still refused where a statement meets it.
MAX_CHECKED_PAGES = 5_000
# What SQLite says of a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB).
_DAMAGED = ("malformed", "file is not a database", "database corruption")

Params = Mapping[str, Any]


def default_url(store: str | Path) -> str:
    """The SQLite URL of the embedded database in a store folder."""
    return f"sqlite:///{Path(store) / 'ivpflow.sqlite3'}"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Python 3.11's sqlite3 driver opens transactions on its own schedule; take that over
    # (SQLAlchemy's documented recipe) so BEGIN and BEGIN IMMEDIATE mean what they say.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # On the driver's connection: BEGIN is in every transaction.
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.connection.driver_connection.execute(f"BEGIN {mode}".strip())


def _postgresql_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # A pooled connection the server dropped (a restart) is known without a round trip: an
    # idle connection has nothing to read, and a server that went away left its goodbye (or
    # the end of the stream) on the socket. Looking costs a system call, not a ping.
    import select

    from sqlalchemy.exc import DisconnectionError

    pgconn = dbapi_connection.pgconn
    try:
        waiting, _, _ = select.select([pgconn.socket], [], [], 0)
    except Exception:  # no socket any more
        raise DisconnectionError() from None
    if waiting:
        raise DisconnectionError()


class Duplicate(Exception):
    """A row with the same key exists already (the driver's integrity error)."""


class Stale(Exception):
    """The checked statement of a batch touched no row: what it expected has changed."""


class Sql:
    """A Core statement compiled once per dialect, run on the driver's connection.

    `keys` names the columns an INSERT gives (all of them by default).
    """

    __slots__ = ("statement", "keys", "_prepared", "_checked")

    def __init__(self, statement: Any, keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.keys = list(keys) if keys is not None else None
        self._prepared: dict[str, Prepared] = {}
        self._checked: Sql | None = None

    def checked(self) -> Sql:
        """The UPDATE as a statement that fails when it touches no row: `1 / count(*)` of
        what it returned. Sent before a COMMIT in one pipeline, a failed check makes the
        database skip that COMMIT."""
        if self._checked is None:
            changed = self.statement.returning(literal_column("1")).cte("changed")
            self._checked = Sql(select(literal_column("1") / select(func.count())
                                       .select_from(changed).scalar_subquery()))
        return self._checked

    def prepare(self, dialect: Any) -> Prepared:
        """The statement's text and value conversions for this dialect, made once."""
        found = self._prepared.get(dialect.name)
        if found is None:
            found = self._prepared[dialect.name] = Prepared(self.statement, self.keys, dialect)
        return found


class Prepared:
    """A statement's SQL text for the driver, and the conversions its values need."""

    __slots__ = ("text", "binds", "results", "defaults")

    def __init__(self, statement: Any, keys: list[str] | None, dialect: Any) -> None:
        if dialect.name == "sqlite":
            # Named parameters, so the driver takes the same mappings as psycopg does.
            dialect = type(dialect)(paramstyle="named")
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        self.text: str = compiled.string
        # Literal values in the statement (`status == "queued"`) are parameters too.
        self.defaults: dict[str, Any] = {name: value for name, value in compiled.params.items()
                                         if not compiled.binds[name].required}
        binds = []
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                binds.append((name, processor))
        self.binds: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(binds)
        results = []
        for index, column in enumerate(getattr(statement, "selected_columns", ())):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                results.append((index, processor))
        self.results: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(results)

    def params(self, values: Params) -> Params:
        """The values as the driver takes them (dates as text on SQLite)."""
        if not self.binds and not self.defaults:
            return values
        converted = {**self.defaults, **values}
        for name, processor in self.binds:
            if name in converted:
                converted[name] = processor(converted[name])
        return converted

    def rows(self, raw: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Rows as the driver gave them, with their values converted back."""
        if not self.results:
            return [tuple(row) for row in raw]
        out = []
        for row in raw:
            values = list(row)
            for index, processor in self.results:
                values[index] = processor(values[index])
            out.append(tuple(values))
        return out


class Tx:
    """One transaction on the driver's connection (see `Store.transaction`)."""

    def __init__(self, store: Store, write: bool, durable: bool = True) -> None:
        self.store = store
        self.write = write
        self.durable = durable
        self.dialect = store.engine.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self._raw: Any = None
        self._begun = False
        self._begin = ""

    # ---------------------------------------------------------------- the connection

    def _driver(self) -> Any:
        """The driver's connection, in this transaction: begun on SQLite; on PostgreSQL in
        autocommit mode, the BEGIN going out with the first step's statements."""
        if self._raw is None:
            self._raw = self.store.engine.raw_connection()
        driver = self._raw.driver_connection
        if not self._begun:
            if self.postgresql:
                # psycopg would wait for its own BEGIN: a round trip of its own.
                driver.autocommit = True
                self._begin = "BEGIN" if self.write else \
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            else:
                driver.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
            self._begun = True
            if self.write and not self.postgresql:
                self.store.verify(driver)  # a refusal rolls the BEGIN back
        return driver

    def _opening(self, driver: Any) -> None:
        """On PostgreSQL, the BEGIN in front of the first statement of a step (once)."""
        if self._begin:
            driver.execute(self._begin)
            if not self.durable:
                driver.execute("SET LOCAL synchronous_commit TO off")
            self._begin = ""

    def _step(self, work: Callable[[Any], Any]) -> Any:
        """Run one step; a lost connection before anything was done is replaced once."""
        first = not self._begun
        try:
            return work(self._driver())
        except Exception as exc:
            if first and self.postgresql and self._lost(exc):
                self._discard()
                return work(self._driver())
            raise

    def _lost(self, exc: Exception) -> bool:
        driver = self._raw.driver_connection if self._raw is not None else None
        return bool(self.dialect.is_disconnect(exc, driver, None))  # type: ignore[arg-type]

    def _discard(self) -> None:
        if self._raw is not None:
            self._raw.invalidate()
            self._raw = None
        self._begun = False

    # ---------------------------------------------------------------- statements

    def fetch(self, queries: Sequence[tuple[Sql, Params]]) -> list[list[tuple[Any, ...]]]:
        """Run SELECTs, in one round trip on PostgreSQL; the rows of each."""
        prepared = [(sql.prepare(self.dialect), params) for sql, params in queries]

        def run(driver: Any) -> list[list[tuple[Any, ...]]]:
            if self.postgresql:
                with driver.pipeline():
                    self._opening(driver)
                    cursors = [driver.execute(p.text, p.params(params)) for p, params in prepared]
                return [p.rows(cursor.fetchall()) for (p, _), cursor in zip(prepared, cursors,
                                                                            strict=True)]
            return [p.rows(driver.execute(p.text, p.params(params)).fetchall())
                    for p, params in prepared]

        return list(self._step(run))

    def execute(self, writes: Sequence[tuple[Sql, Params | Sequence[Params]]], *,
                check: int | None = None, commit: bool = False) -> list[int]:
        """Run INSERTs, UPDATEs and DELETEs (a list of values: once per entry), in one round
        trip on PostgreSQL; the rows each touched.

        `check` names the UPDATE that must touch exactly one row (else Stale, and nothing is
        kept); with `commit` the transaction ends with the batch (on PostgreSQL in the same
        round trip: the check fails inside the database, which then skips the COMMIT).
        """
        prepared = [((sql.checked() if index == check and self.postgresql else sql)
                     .prepare(self.dialect), values)
                    for index, (sql, values) in enumerate(writes)]

        def one(driver: Any, statement: Prepared, values: Params | Sequence[Params]) -> Any:
            if isinstance(values, Mapping):
                return driver.execute(statement.text, statement.params(values))
            converted = [statement.params(v) for v in values]
            if self.postgresql:
                cursor = driver.cursor()
                cursor.executemany(statement.text, converted)
                return cursor
            return driver.executemany(statement.text, converted)

        def run(driver: Any) -> list[int]:
            if self.postgresql:
                from psycopg.errors import DivisionByZero

                try:
                    with driver.pipeline():
                        self._opening(driver)
                        cursors = [one(driver, p, values) for p, values in prepared]
                        if commit:
                            driver.execute("COMMIT")
                except DivisionByZero:
                    raise Stale() from None
                if commit:
                    self._begun = False
                return [1 if index == check else cursor.rowcount
                        for index, cursor in enumerate(cursors)]
            counts = [one(driver, p, values).rowcount for p, values in prepared]
            if check is not None and counts[check] != 1:
                raise Stale()
            if commit:
                self.commit()
            return counts

        return list(self._step(run))

    # ---------------------------------------------------------------- the end

    def commit(self) -> None:
        if self._raw is None or not self._begun:
            return
        if not self._begin:  # a BEGIN went out (on PostgreSQL: only with a first statement)
            self._raw.driver_connection.execute("COMMIT")
        self._begun = False

    def rollback(self) -> None:
        if self._raw is None or not self._begun:
            return
        driver = self._raw.driver_connection
        try:
            if not self._begin:
                driver.execute("ROLLBACK")
        except Exception:  # the connection is gone: nothing to undo on it
            self._discard()
        self._begun = False

    def close(self) -> None:
        if self._raw is not None:
            if self.postgresql and not self._raw.driver_connection.closed:
                self._raw.driver_connection.autocommit = False  # as SQLAlchemy lent it
            self._raw.close()
            self._raw = None


class Store:
    """The database behind ivpflow; every fact lives here."""

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = url
        self.engine = self._create_engine(url)
        self._verified = not url.startswith("sqlite")
        if upgrade:
            self.upgrade()

    @classmethod
    def open(cls, store_dir: str | Path | None = None, url: str | None = None, *,
             create: bool = True) -> Store:
        """Open (and create or upgrade) the database named by a URL or a store folder.

        With `create=False` (the commands that only read) a store folder, SQLite file or
        database without ivpflow's tables is refused (NoStoreError) and nothing is created.
        """
        if url is None:
            folder = Path(store_dir or "store")
            if folder.exists() and not folder.is_dir():
                raise StoreError("use store folder", f"'{folder}'", "it is not a folder")
            if not create:
                if not (folder / "ivpflow.sqlite3").is_file():
                    reason = "ivpflow.sqlite3 not found" if folder.is_dir() \
                        else "no such folder"
                    raise NoStoreError(str(folder.absolute()), reason)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError("create store folder", f"'{folder}'",
                                 str(exc.strerror)) from None
            url = default_url(folder)
        elif not create:
            file = _sqlite_file(url)
            if file is not None and not file.is_file():
                raise NoStoreError(str(file.absolute()), "no such database file")
        if create:
            return cls(url)
        store = cls(url, upgrade=False)
        try:
            if store.current_revision() is None:
                raise NoStoreError(store.describe(), "it has no ivpflow tables yet")
            store.upgrade()
        except BaseException:
            store.dispose()
            raise
        return store

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return str(self.engine.dialect.name)

    def _create_engine(self, url: str) -> Engine:
        try:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", _sqlite_connect)
                event.listen(engine, "begin", _sqlite_begin)
                return engine
            engine = create_engine(url)
            if engine.dialect.driver == "psycopg":
                event.listen(engine, "checkout", _postgresql_checkout)
            return engine
        except Exception as exc:  # bad URLs and missing drivers raise many kinds
            raise StoreError("use database URL", f"'{_hide_password(url)}'", str(exc)) from None

    def describe(self) -> str:
        """The database for messages, without a password."""
        return _hide_password(self.url)

    def current_revision(self) -> str | None:
        """The schema revision stored in the database, or None for an empty database."""
        try:
            with self.engine.connect() as conn:
                names = conn.dialect.get_table_names(conn)
                if "alembic_version" not in names:
                    if names:
                        raise StoreError("open", self.describe(), "it holds other tables "
                                         "and is not an ivpflow database")
                    return None
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DatabaseError as exc:
            raise self._damaged(exc) or StoreError("open", self.describe(), _reason(exc)) \
                from None

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest revision (Alembic), if it is not."""
        if self.current_revision() == SCHEMA_HEAD:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.connect() as conn:
                config.attributes["connection"] = conn.execution_options(
                    sqlite_begin="IMMEDIATE"
                )
                command.upgrade(config, "head")
        except DatabaseError as exc:
            raise self._damaged(exc) or StoreError("upgrade", self.describe(), _reason(exc)) \
                from None

    def verify(self, driver: Any) -> None:
        """Before the first write on a SQLite file: refuse it if it is damaged (a quick_check,
        when the file is small enough for one to be cheap)."""
        if self._verified:
            return
        pages = driver.execute("PRAGMA page_count").fetchone()[0]
        if pages <= MAX_CHECKED_PAGES:
            found = [row[0] for row in driver.execute("PRAGMA quick_check(1)").fetchall()]
            if found != ["ok"]:
                # Not marked verified: a scheduler's next tick is refused the same way.
                detail = str(found[0]).replace("*** in database main ***", "")
                raise self._corrupt("quick_check: " + " ".join(detail.split())[:200])
        self._verified = True

    @contextmanager
    def transaction(self, *, write: bool = False, durable: bool = True) -> Iterator[Tx]:
        """One transaction on the driver's connection, committed when the block ends.

        A writing one holds SQLite's write lock from its start; a reading one sees one
        snapshot (REPEATABLE READ on PostgreSQL). One that need not be `durable` does not
        wait on PostgreSQL for its commit to reach the disk: a crash of the server in the
        next moment may forget it, nothing else can.
        """
        tx = Tx(self, write, durable)
        try:
            with self._errors():
                try:
                    yield tx
                    tx.commit()
                except BaseException:
                    tx.rollback()
                    raise
        finally:
            tx.close()

    @contextmanager
    def connect(self, *, immediate: bool = False) -> Iterator[Connection]:
        """A Core connection in one transaction, committed at the end.

        `immediate` takes SQLite's write lock at the start (BEGIN IMMEDIATE): for every
        transaction that writes.
        """
        with self._errors(), self.engine.connect() as conn:
            if immediate and self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if immediate and self.dialect == "sqlite":
                    self.verify(conn.connection.driver_connection)
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database errors as ivpflow's own: busy, or a one-line StoreError."""
        dbapi = self.engine.dialect.loaded_dbapi
        try:
            yield
        except (IntegrityError, dbapi.IntegrityError) as exc:
            raise Duplicate(str(exc)) from None
        except (OperationalError, ProgrammingError, InternalError) as exc:
            raise self._translate(exc.orig or exc) from None
        except (dbapi.OperationalError, dbapi.ProgrammingError, dbapi.InternalError) as exc:
            raise self._translate(exc) from None
        except (DatabaseError, dbapi.DatabaseError) as exc:
            # SQLite reports a damaged page (met in the middle of a read) as the bare
            # DatabaseError; any other one of that kind is a bug and keeps its traceback.
            damaged = self._damaged(exc)
            if damaged is None:
                raise
            raise damaged from None
        # Anything else (a value the column cannot take, …) is a bug: it keeps its traceback.

    def _damaged(self, exc: BaseException) -> CorruptStoreError | None:
        """The error for a damaged SQLite file, if that is what `exc` says."""
        reason = _reason(exc)
        if self.dialect != "sqlite" or not any(word in reason.lower() for word in _DAMAGED):
            return None
        return self._corrupt(reason)

    def _corrupt(self, reason: str) -> CorruptStoreError:
        file = _sqlite_file(self.url)
        return CorruptStoreError(str(file) if file else self.describe(), reason)

    def _translate(self, exc: BaseException) -> StoreError:
        damaged = self._damaged(exc)
        if damaged is not None:
            return damaged
        message = str(exc).lower()
        # SQLite: another writer held the lock past the busy timeout; PostgreSQL: a deadlock
        # or serialization failure between two transactions. Nothing was written.
        if any(word in message for word in ("locked", "busy", "could not serialize",
                                            "deadlock")):
            return StoreBusyError(self.describe(), BUSY_TIMEOUT_MS // 1000)
        return StoreError("use", self.describe(), _reason(exc))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database or one in memory."""
    prefix, sep, database = url.partition(":///")
    if not sep or not prefix.startswith("sqlite"):
        return None
    database = database.split("?", 1)[0]
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
