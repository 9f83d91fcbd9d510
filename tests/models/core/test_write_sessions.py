"""A unit of work that reads before it writes must not fail because another process wrote."""

import threading
from pathlib import Path

from sqlalchemy import text

from models.core.db import make_engine, session_scope


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
