"""Delivery killed with SIGKILL at random moments, twenty times: nothing lost, little twice."""

import logging
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.core.settings import get_settings
from models.messaging.outbox import OutboxMessage, message_id_for
from tests.support.servers import SmtpServer
from tests.tasks.messaging.test_outbox_delivery import NOW, deliver, queue_reminders

KILLS = 20
WORKER = """
import logging, sys
from datetime import datetime
from tasks.messaging.outbox import deliver_due_messages
now = datetime.fromisoformat(sys.argv[1])
print("ready", flush=True)
deliver_due_messages(now=now, batch_size=25, max_batches=100, logger=logging.getLogger("w"))
"""


def run_and_kill(now_iso: str, after: float) -> None:
    """Start a delivery worker, let it work for `after` seconds, then SIGKILL it."""
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, now_iso], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == b"ready"
    time.sleep(after)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)


@pytest.mark.slow
def test_delivery_killed_twenty_times_loses_nothing_and_repeats_at_most_one_per_connection_per_kill(
    session: Session, smtp_server: SmtpServer
) -> None:
    keys = queue_reminders(session, [f"user{n}@inst{n}.example" for n in range(400)])
    lease = timedelta(seconds=get_settings().outbox_lease_seconds + 1)
    chance = random.Random(20261206)
    for kill in range(KILLS):  # each worker starts after the last one's leases ran out
        run_and_kill((NOW + lease * kill).isoformat(), chance.uniform(0.0, 0.6))
    deliver(NOW + lease * (KILLS + 1))
    deliver(NOW + lease * (KILLS + 2))  # nothing left: a second pass sends nothing

    session.rollback()
    rows = session.exec(select(OutboxMessage.key, OutboxMessage.state)).all()
    assert len(rows) == len(keys) and {state for _, state in rows} == {"sent"}
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    domain = get_settings().sender_domain
    assert set(received) == {message_id_for(key, domain) for key in keys}, "none is lost"
    extra = sum(count - 1 for count in received.values())  # same Message-ID: one email
    connections = get_settings().smtp_connections  # each may be mid-send when killed
    assert extra <= KILLS * connections, f"{extra} extra deliveries for {KILLS} kills"
    logging.getLogger("test").info("%d kills: %d extra deliveries", KILLS, extra)
