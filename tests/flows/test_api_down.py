"""A flow started while the Prefect API is unreachable stops at once, clearly, writing nothing."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.core.history import StatusEvent
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document
from tests.support.servers import free_port

STARTS = {
    "monitoring-round": "from flows.monitoring_round import monitoring_round as f; "
    "f(strategy='PLAN', period='2026-S2', due_date='2027-01-15')",
    "recommendation-follow-up": "from flows.recommendation_follow_up import "
    "recommendation_follow_up as f; f()",
    "daily-sweep": "from flows.daily_sweep import daily_sweep as f; f()",
}


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("flow", sorted(STARTS))
def test_a_flow_started_without_the_prefect_api_fails_clearly_and_writes_nothing(
    engine: Engine, flow: str
) -> None:
    with Session(engine) as session:
        doc = parse_reference_document(dump(small_document()))
        load_reference(session=session, doc=doc, source="t", now=datetime.now(UTC))
        session.commit()
        before = count(session, StatusEvent)
    down = f"http://127.0.0.1:{free_port()}/api"
    env = {**os.environ, "PREFECT_API_URL": down}
    started = subprocess.run(
        [sys.executable, "-c", STARTS[flow]], env=env, capture_output=True, text=True, timeout=120
    )
    assert started.returncode != 0
    assert f"Failed to reach API at {down}" in started.stderr.splitlines()[-1]
    with Session(engine) as session:
        assert count(session, Assignment) == count(session, OutboxMessage) == 0
        assert count(session, StatusEvent) == before
