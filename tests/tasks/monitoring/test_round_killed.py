"""A monitoring round killed with SIGKILL at random moments, twenty times, then run to its end."""

import logging
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage, message_id_for
from models.monitoring.rounds import create_round_assignments
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.servers import SmtpServer

KILLS = 20
ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
NOW = datetime(2026, 12, 1, 7, tzinfo=UTC)
ROUND = f"""
import logging, sys
from datetime import date, datetime
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from tasks.messaging.outbox import deliver_due_messages
from models.monitoring.rounds import announce_round, create_round_assignments, open_round
now, settings = datetime.fromisoformat("{NOW.isoformat()}"), get_settings()
log = logging.getLogger("r")
engine, calendar = get_engine(), WorkingCalendar(zone=settings.zone)
print("ready", flush=True)
round_id = open_round(engine=engine, strategy_code="SNITP-2024-2028", period_label="2026-S2",
    due_date=date(2027, 1, 15), working_days_after_end=10, lock_after_days=7,
    calendar=calendar, now=now)
create_round_assignments(engine=engine, round_id=round_id, calendar=calendar, now=now)
announce_round(engine=engine, round_id=round_id, settings=settings, calendar=calendar, now=now,
    logger=log)
deliver_due_messages(now=datetime.fromisoformat(sys.argv[1]), batch_size=20, max_batches=100,
    logger=log)
"""


def run(deliver_at: datetime, kill_after: float | None) -> int:
    """Run the round's work in a process of its own; SIGKILL it after `kill_after` seconds."""
    worker = subprocess.Popen(
        [sys.executable, "-c", ROUND, deliver_at.isoformat()],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == b"ready"
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(worker.pid, signal.SIGKILL)
    return worker.wait(120)


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_round_killed_twenty_times_ends_with_every_row_and_email_once(
    engine: Engine, smtp_server: SmtpServer
) -> None:
    with Session(engine) as session:
        doc = parse_reference_document(ROMANIA.read_text(encoding="utf-8"))
        load_reference(session=session, doc=doc, source="romania.yaml", now=NOW)
        session.commit()
    lease = timedelta(seconds=get_settings().outbox_lease_seconds + 1)
    chance = random.Random(20261201)
    for kill in range(KILLS):
        run(NOW + lease * kill, chance.uniform(0.0, 1.5))
    assert run(NOW + lease * KILLS, None) == 0
    with Session(engine) as session:
        round_ = session.exec(select(MonitoringRound)).one()
        expected = create_round_assignments(
            engine=engine,
            round_id=round_.id or 0,
            calendar=WorkingCalendar(zone=get_settings().zone),
            now=NOW,
        )
    assert expected["created"] == 0  # everything was there already

    with Session(engine) as session:
        assert count(session, MonitoringRound) == 1
        assignments, submissions = count(session, Assignment), count(session, Submission)
        outbox = session.exec(select(OutboxMessage.key, OutboxMessage.state)).all()
        owing = len(set(session.exec(select(Assignment.institution_id))))
    assert assignments == submissions == expected["expected"]
    assert len(outbox) == owing and {state for _, state in outbox} == {"sent"}  # one each
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    domain = get_settings().sender_domain
    assert set(received) == {message_id_for(key, domain) for key, _ in outbox}
    extra = sum(n - 1 for n in received.values())
    connections = get_settings().smtp_connections  # each may be mid-send when killed
    assert extra <= KILLS * connections, f"{extra} extra deliveries for {KILLS} kills"
    logging.getLogger("test").info("%d kills: %d extra deliveries", KILLS, extra)
