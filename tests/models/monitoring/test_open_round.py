"""Two runs opening the same round at the same moment end with one round, and both get it."""

import threading
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.calendar import WorkingCalendar
from models.monitoring.rounds import open_round
from models.monitoring.tables import MonitoringRound
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
PARTS = ("S1", "S2", "Q1", "Q2", "Q3")
PERIODS = [f"{year}-{part}" for year in range(2024, 2029) for part in PARTS]


def open_in_two_threads(engine: Engine, period: str) -> list[int | BaseException]:
    """Call open_round for `period` from two threads released together."""
    barrier, results = threading.Barrier(2), []

    def opener() -> None:
        barrier.wait()
        try:
            round_id = open_round(
                engine=engine,
                strategy_code="PLAN",
                period_label=period,
                due_date=None,
                working_days_after_end=20,
                lock_after_days=10,
                calendar=WorkingCalendar(),
                now=NOW,
            )
            results.append(round_id)
        except BaseException as exc:  # the assertion below names it
            results.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_round_opened_twice_at_once_is_created_once(engine: Engine, session: Session) -> None:
    load_reference(
        session=session, doc=parse_reference_document(dump(small_document())), source="t", now=NOW
    )
    session.commit()
    for period in PERIODS:
        first, second = open_in_two_threads(engine, period)
        assert isinstance(first, int) and first == second, (period, first, second)
    count = session.exec(select(func.count()).select_from(MonitoringRound)).one()
    assert count == len(PERIODS)
