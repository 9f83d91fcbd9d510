"""Work that reads before it writes must not fail because another process wrote meanwhile."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.core.db import make_engine, read_scope, session_scope
from models.core.migrate import current_revision, head_revision, upgrade


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file with one table, `tally`."""
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tally (n INTEGER)")
    yield engine
    engine.dispose()


def another_writer(
    engine: Engine, n: int, *, hold: float = 0.0, until: threading.Event | None = None
) -> threading.Event:
    """Write `n` in a unit of work of its own, kept open `hold` seconds or `until` set.

    The event returned is set once the row is written, before it is committed.
    """
    written = threading.Event()

    def write() -> None:
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO tally VALUES (:n)"), {"n": n})
            written.set()
            time.sleep(hold)
            if until is not None:
                until.wait(timeout=60)

    threading.Thread(target=write).start()
    return written


def test_a_unit_of_work_that_reads_first_waits_for_a_writer_instead_of_failing(
    sqlite_engine: Engine,
) -> None:
    with session_scope(sqlite_engine) as session:
        before = session.execute(text("SELECT count(*) FROM tally")).scalar_one()
        written = another_writer(sqlite_engine, 2)
        # a reading transaction on SQLite cannot write once another connection has committed
        written.wait(timeout=1.0)
        session.execute(text("INSERT INTO tally VALUES (1)"))
    assert written.wait(timeout=30)
    with session_scope(sqlite_engine) as session:
        kept = list(session.execute(text("SELECT n FROM tally ORDER BY rowid")).scalars())
    assert before == 0
    assert kept == [1, 2]


def test_migrating_waits_for_a_writer_that_commits_meanwhile(sqlite_engine: Engine) -> None:
    # the migration starts while the other write is still open
    assert another_writer(sqlite_engine, 1, hold=1.0).wait(timeout=30)
    upgrade(sqlite_engine)
    assert current_revision(sqlite_engine) == head_revision()


def test_reading_takes_no_lock_so_a_listing_never_waits_for_a_writer(
    sqlite_engine: Engine,
) -> None:
    release = threading.Event()
    assert another_writer(sqlite_engine, 1, until=release).wait(timeout=30)
    try:
        with read_scope(sqlite_engine) as session:
            seen = session.execute(text("SELECT count(*) FROM tally")).scalar_one()
    finally:
        release.set()
    assert seen == 0, "the open write is not seen until it commits"
