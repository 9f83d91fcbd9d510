"""Delivery killed twenty times, each after k emails arrived: nothing lost, little twice."""

import logging
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.core.settings import get_settings
from models.messaging.outbox import OutboxMessage, message_id_for
from tests.support.progress import await_progress
from tests.support.servers import SmtpServer
from tests.tasks.messaging.test_outbox_delivery import NOW, deliver, queue_reminders

KILLS = 20
SENDS = 12  # at most this many emails arrive before a kill: 20 x 12 < 400 queued
WORKER = """
import logging, sys
from datetime import datetime
from tasks.messaging.outbox import deliver_due_messages
now = datetime.fromisoformat(sys.argv[1])
import tasks.messaging.claim as claim
claim.lease_clock = lambda: now  # each worker comes once the last one's leases ran out
print("ready", flush=True)
deliver_due_messages(now=now, batch_size=25, max_batches=100, logger=logging.getLogger("w"))
"""


def run_and_kill(now_iso: str, smtp_server: SmtpServer, sends: int) -> int:
    """Start a delivery worker, SIGKILL it once the server received `sends` more emails.

    Returns how many it had received by the kill (a send may finish while the kill lands).
    """
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, now_iso], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == b"ready"
    before = len(smtp_server.messages)
    await_progress(
        worker, lambda: len(smtp_server.messages) >= before + sends, f"{sends} email(s) received"
    )
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    return len(smtp_server.messages) - before


@pytest.mark.slow
def test_delivery_killed_twenty_times_loses_nothing_and_repeats_at_most_one_per_connection_per_kill(
    session: Session, smtp_server: SmtpServer
) -> None:
    keys = queue_reminders(session, [f"user{n}@inst{n}.example" for n in range(400)])
    lease = timedelta(seconds=get_settings().outbox_lease_seconds + 1)
    chance = random.Random(20261206)
    sent = [  # each worker starts after the last one's leases ran out; 0: before any send
        run_and_kill((NOW + lease * kill).isoformat(), smtp_server, chance.randint(0, SENDS))
        for kill in range(KILLS)
    ]
    assert sum(sent) < len(keys), "every kill came while work was left"
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
    logging.getLogger("test").info(
        "%d kills, after %s emails: %d extra deliveries", KILLS, sent, extra
    )
