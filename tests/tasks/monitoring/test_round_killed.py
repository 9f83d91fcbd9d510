"""A monitoring round killed twenty times, each after k more rows or emails, then run to its end."""

import logging
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
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
from tests.support.progress import await_progress
from tests.support.servers import SmtpServer

KILLS = 20
STEPS = 4  # at most this many rows or emails before a kill: the work lasts all twenty
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
import tasks.messaging.claim as claim
claim.lease_clock = lambda: datetime.fromisoformat(sys.argv[1])  # the last run's leases ran out
deliver_due_messages(now=datetime.fromisoformat(sys.argv[1]), batch_size=20, max_batches=100,
    logger=log)
"""


def run(deliver_at: datetime, kill_after: Callable[[], bool] | None = None) -> int:
    """Run the round's work in a process of its own; SIGKILL it once `kill_after()` holds."""
    worker = subprocess.Popen(
        [sys.executable, "-c", ROUND, deliver_at.isoformat()],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == b"ready"
    if kill_after is not None:
        await_progress(worker, kill_after, "the kill's rows or emails", poll=0.01)
        os.kill(worker.pid, signal.SIGKILL)
    return worker.wait(120)


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def progress(engine: Engine, smtp_server: SmtpServer) -> int:
    """The rows the round's work wrote (its round, reports, emails queued), and emails received.

    Each commit or email moves it on: the round's insert by one, the reports' chunk by
    their number, the announcements by theirs, each email received by one.
    """
    with Session(engine) as session:
        rows = sum(count(session, table) for table in (MonitoringRound, Submission, OutboxMessage))
    return rows + len(smtp_server.messages)


def kill_run(engine: Engine, smtp_server: SmtpServer, deliver_at: datetime, steps: int) -> int:
    """Run the round's work and kill it once it has moved `steps` on; how far it got by then."""
    start = progress(engine, smtp_server)
    run(deliver_at, lambda: progress(engine, smtp_server) >= start + steps)
    return progress(engine, smtp_server) - start


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
    moved = [  # 0: killed before it writes anything
        kill_run(engine, smtp_server, NOW + lease * kill, chance.randint(0, STEPS))
        for kill in range(KILLS)
    ]
    assert run(NOW + lease * KILLS) == 0
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
    logging.getLogger("test").info("%d kills, after %s: %d extra deliveries", KILLS, moved, extra)
