"""Work that reads before it writes must not fail because another process wrote meanwhile."""

import threading
import time
from pathlib import Path

from sqlalchemy import text

from models.core.db import make_engine, session_scope
from models.core.migrate import current_revision, head_revision, upgrade


def test_a_unit_of_work_that_reads_first_waits_for_a_writer_instead_of_failing(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tally (n INTEGER)")
    other_wrote = threading.Event()

    def other_process_writes() -> None:
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO tally VALUES (2)"))
        other_wrote.set()

    with session_scope(engine) as session:
        before = session.execute(text("SELECT count(*) FROM tally")).scalar_one()
        writer = threading.Thread(target=other_process_writes)
        writer.start()
        # a reading transaction on SQLite cannot write once another connection has committed
        other_wrote.wait(timeout=1.0)
        session.execute(text("INSERT INTO tally VALUES (1)"))
    writer.join(timeout=30)
    with engine.connect() as connection:
        kept = [n for (n,) in connection.exec_driver_sql("SELECT n FROM tally ORDER BY rowid")]
    engine.dispose()
    assert before == 0
    assert kept == [1, 2]


def test_migrating_waits_for_a_writer_that_commits_meanwhile(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrating.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE other_process (n INTEGER)")
    holding = threading.Event()

    def other_process_writes() -> None:
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO other_process VALUES (1)"))
            holding.set()
            time.sleep(1.0)  # the migration starts while this write is still open

    writer = threading.Thread(target=other_process_writes)
    writer.start()
    holding.wait(timeout=30)
    upgrade(engine)
    writer.join(timeout=30)
    assert current_revision(engine) == head_revision()
    engine.dispose()
