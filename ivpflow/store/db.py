"""Opening the database: engine set-up, the SQLite recipe, schema upgrades and transactions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError

from ..errors import ConflictError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# The newest migration in store/migrations/versions; a test keeps the two equal. Comparing
# against it avoids importing Alembic (a quarter of a second) when the schema is current.
SCHEMA_HEAD = "0005"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000


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
    # On the driver's connection: BEGIN is in every transaction, and SQLAlchemy's statement
    # machinery around it cost a tenth of an `advance`.
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.connection.driver_connection.execute(f"BEGIN {mode}".strip())


class Store:
    """The database behind ivpflow; every fact lives here."""

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = url
        self.engine = self._create_engine(url)
        if upgrade:
            self.upgrade()

    @classmethod
    def open(cls, store_dir: str | Path | None = None, url: str | None = None) -> Store:
        """Open (and create or upgrade) the database named by a URL or a store folder."""
        if url is None:
            folder = Path(store_dir or "store")
            if folder.exists() and not folder.is_dir():
                raise StoreError(f"Store '{folder}' is not a folder")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"Cannot create store folder '{folder}': {exc.strerror}") from None
            url = default_url(folder)
        return cls(url)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def _create_engine(self, url: str) -> Engine:
        try:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", _sqlite_connect)
                event.listen(engine, "begin", _sqlite_begin)
                return engine
            return create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # bad URLs and missing drivers raise many kinds
            raise StoreError(f"Cannot use database URL '{_hide_password(url)}': {exc}") from None

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
                        raise StoreError(f"{self.describe()} holds other tables and is not an "
                                         "ivpflow database")
                    return None
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DatabaseError as exc:
            raise StoreError(f"Cannot open {self.describe()}: {_reason(exc)}") from None

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
            raise StoreError(f"Cannot upgrade {self.describe()}: {_reason(exc)}") from None

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """The ORM's session factory, made on first use: the read paths (status, plan) work on
        Core connections, and importing the ORM is a sixth of their cold start."""
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @contextmanager
    def transaction(self, process_id: str = "", *, immediate: bool = False) -> Iterator[Session]:
        """An ORM session in one transaction; a concurrent change of the same rows is a conflict.

        `immediate` takes SQLite's write lock at the start (BEGIN IMMEDIATE), for claims.
        """
        from sqlalchemy.orm.exc import StaleDataError

        session = self.sessions()
        try:
            with self._errors(process_id):
                try:
                    if immediate and self.dialect == "sqlite":
                        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                    yield session
                    session.commit()
                except StaleDataError:  # the ORM's version counter saw someone else's change
                    session.rollback()
                    raise ConflictError(process_id) from None
                except BaseException:
                    session.rollback()
                    raise
        finally:
            session.close()

    @contextmanager
    def connect(self, process_id: str = "") -> Iterator[Connection]:
        """A Core connection in one transaction, committed at the end; errors as transaction().

        For the paths that read a process whole or change a few rows of it (status, plan,
        advance): no ORM objects are built, no mappers configured.
        """
        with self._errors(process_id), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _errors(self, process_id: str) -> Iterator[None]:
        """Database errors as ivpflow's own: a conflict, or a one-line StoreError."""
        try:
            yield
        except OperationalError as exc:
            if _is_conflict(exc):
                raise ConflictError(process_id) from None
            raise StoreError(f"Database error on {self.describe()}: {_reason(exc)}") from None
        except ProgrammingError as exc:
            raise StoreError(f"Database error on {self.describe()}: {_reason(exc)}") from None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _is_conflict(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    # SQLite reports a write after someone else's commit (stale snapshot) or a lock held past
    # the busy timeout as "locked"; PostgreSQL reports serialization failures and deadlocks.
    return any(word in message for word in ("locked", "could not serialize", "deadlock"))


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
