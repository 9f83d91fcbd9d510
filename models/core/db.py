"""Database engines and sessions for SQLite (embedded default) and PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine

from models.core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
Row = TypeVar("Row")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(conn: Any) -> None:
    """Emit BEGIN ourselves (pysqlite's implicit transactions break SAVEPOINT and DDL).

    A writing unit of work asks for BEGIN IMMEDIATE: it waits for the write lock up front,
    where the busy timeout applies, instead of failing when a read later turns into a write.
    """
    immediate = conn.get_execution_options().get("sqlite_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for `url`, with SQLite tuned for several processes."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "isolation_level": None})
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin)
    return engine


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: the configured database)."""
    return make_engine(url or get_settings().resolved_database_url())


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds SQLite's write lock from its start (no-op on PostgreSQL).

    The caller commits; an error rolls back.
    """
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={"sqlite_write": True})
        yield session


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One writing unit of work, holding SQLite's write lock: commit on success, else roll back.

    A read that turns into a write fails at once on SQLite when another process wrote since
    the read began; taking the lock first waits out the busy timeout instead.
    """
    with write_session(engine or get_engine()) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that only reads: it takes no lock, so it never keeps a writer waiting."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


def insert_once(session: Session, row: Row, find: Callable[[], Row | None]) -> tuple[Row, bool]:
    """Insert `row` and say True; if another run has just inserted its unique key, that row.

    Two runs of one flow may check for a row at the same moment and both find none; the
    insert runs in a savepoint, so the one that loses keeps a usable transaction.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found, False
    return row, True
