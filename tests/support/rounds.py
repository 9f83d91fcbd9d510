"""A monitoring round of the small reference plan, opened with its report assignments."""

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.calendar import WorkingCalendar
from models.monitoring.rounds import create_round_assignments, open_round
from models.monitoring.tables import MonitoringRound
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document


def opened_round(
    engine: Engine,
    session: Session,
    now: datetime,
    *,
    due_date: date = date(2027, 1, 29),
    working_days_after_end: int = 20,
    document: dict[str, Any] | None = None,
) -> MonitoringRound:
    """Round 2026-S2 of PLAN (or of `document`), locking ten days after its deadline."""
    doc = parse_reference_document(dump(document or small_document()))
    load_reference(session=session, doc=doc, source="test", now=now)
    session.commit()
    calendar = WorkingCalendar()
    round_id = open_round(
        engine=engine,
        strategy_code="PLAN",
        period_label="2026-S2",
        due_date=due_date,
        working_days_after_end=working_days_after_end,
        lock_after_days=10,
        calendar=calendar,
        now=now,
    )
    create_round_assignments(engine=engine, round_id=round_id, calendar=calendar, now=now)
    found = session.get(MonitoringRound, round_id)
    assert found is not None
    return found
