from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from flows.monitoring_round import monitoring_round
from models.lifecycle.policy import PolicyError
from models.lifecycle.tables import Assignment
from models.monitoring.tables import MonitoringRound
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document

ZONE = ZoneInfo("Europe/Bucharest")
OPENS = datetime(2026, 12, 1, 8, tzinfo=ZONE)


def load(session: Session) -> None:
    load_reference(
        session=session, doc=parse_reference_document(dump(small_document())), source="t", now=OPENS
    )
    session.commit()


def test_a_round_can_change_the_reminder_policy_of_its_reports(
    prefect_api: None, session: Session
) -> None:
    load(session)
    monitoring_round(
        strategy="PLAN",
        period="2026-S2",
        due_date=date(2027, 1, 29),
        reminder_policy={"remind_before": [10, 2]},
        now=OPENS,
    )
    reports = session.exec(select(Assignment)).all()
    assert reports and all(r.policy_override == {"remind_before": [10, 2]} for r in reports)
    # ten working days before Friday 29 January 2027 is Friday 15 January
    first = datetime.combine(date(2027, 1, 15), time(0), tzinfo=ZONE)
    assert {r.next_action_at for r in reports} == {first}


def test_a_bad_reminder_policy_is_refused_before_anything_is_written(
    prefect_api: None, session: Session
) -> None:
    load(session)
    with pytest.raises(
        PolicyError, match=r"^policy_override\.remind_before: every value must be above 0$"
    ):
        monitoring_round(
            strategy="PLAN", period="2026-S2", reminder_policy={"remind_before": [0]}, now=OPENS
        )
    assert session.exec(select(MonitoringRound)).all() == []
    assert session.exec(select(Assignment)).all() == []
