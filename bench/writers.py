"""Status writes per second with several worker processes at once."""

import multiprocessing
import time
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from bench.state import all_ids
from models.lifecycle.tables import Assignment


def _write(url: str, ids: list[int], now: datetime, ready: Any) -> None:
    """Move each assignment from open to reminded, one transaction and one event each."""
    from sqlmodel import Session

    from models.core.db import make_engine
    from models.lifecycle.status import change_status

    engine = make_engine(url)
    with engine.connect():
        pass  # connected before the clock starts
    ready.wait()
    for assignment_id in ids:
        with Session(engine) as session:
            assignment = session.get(Assignment, assignment_id)
            assert assignment is not None
            change_status(session=session, entity=assignment, to="reminded", actor="bench", now=now)
            session.commit()
    engine.dispose()


def status_writes(engine: Engine, url: str, *, workers: int, each: int, now: datetime) -> float:
    """Writes per second with `workers` processes, each moving `each` open assignments."""
    with engine.connect() as conn:
        ids = all_ids(
            conn,
            select(col(Assignment.id))
            .where(col(Assignment.status) == "open")
            .order_by(col(Assignment.id).desc())
            .limit(workers * each),
        )
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(workers + 1)
    processes = [
        context.Process(target=_write, args=(url, ids[n::workers], now, ready))
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=120)  # every worker has imported and connected
    started = time.perf_counter()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a status-writing worker failed with exit code {process.exitcode}")
    return len(ids) / (time.perf_counter() - started)
