"""PostgreSQL restarted while delivery sends over four connections: nothing lost, none twice."""

import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from models.core.db import get_engine, make_engine
from models.core.migrate import upgrade
from models.core.settings import get_settings
from models.messaging.outbox import message_id_for
from tasks.messaging.outbox import deliver_due_messages
from tests.support.leases import leases_at
from tests.support.progress import await_progress
from tests.support.servers import SmtpServer
from tests.tasks.lifecycle.test_postgres_restart import Cluster, cluster  # noqa: F401 (a fixture)
from tests.tasks.messaging.in_flight import (
    check_at_most_one_per_connection,
    delivering_to,
    peer_recording_server,
)
from tests.tasks.messaging.test_delivery_killed import WORKER
from tests.tasks.messaging.test_outbox_delivery import NOW, queue_reminders

QUEUED = 600
CONNECTIONS = 4


@pytest.fixture
def recording_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A loopback SMTP server noting each email's connection; delivery uses four connections."""
    with delivering_to(peer_recording_server(), monkeypatch, CONNECTIONS) as server:
        yield server


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.serial  # restarts a cluster: its port is free until it is back
def test_delivery_waits_out_a_postgres_restart_and_repeats_nothing(
    isolated_settings: Path,
    cluster: Cluster,  # noqa: F811 (the fixture imported above)
    recording_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONCORD_DATABASE_URL", cluster.url)
    get_settings.cache_clear()
    engine = make_engine(cluster.url)
    upgrade(engine)
    with Session(engine) as session:
        keys = queue_reminders(session, [f"user{n}@inst{n}.example" for n in range(QUEUED)])
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, NOW.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == b"ready"
    await_progress(worker, lambda: len(recording_server.messages) >= 40, "40 emails received")
    engine.dispose()  # the watcher's connection goes before the server does
    cluster.pg_ctl("restart", "-m", "fast")
    at_restart = len(recording_server.messages)
    worker.wait(300)
    assert worker.stderr is not None
    failure = worker.stderr.read().decode()[-3000:]
    assert at_restart < QUEUED, "the restart came after delivery: nothing was cut"
    assert "database unreachable" in failure, "the restart came between two writes"
    get_engine.cache_clear()
    lease = timedelta(seconds=get_settings().outbox_lease_seconds + 1)
    log = logging.getLogger("test")
    with leases_at(NOW + lease):
        deliver_due_messages(now=NOW + lease, batch_size=50, max_batches=100, logger=log)

    with Session(engine) as session:
        per_restart = check_at_most_one_per_connection(session, recording_server)
    domain = get_settings().sender_domain
    received = {m["Message-ID"] for m in recording_server.messages}
    assert received == {message_id_for(key, domain) for key in keys}, "none is lost"
    repeats = sum(per_restart.values())
    log.warning("restart after %d emails: %d repeats", at_restart, repeats)
    assert repeats <= CONNECTIONS
    assert worker.returncode == 0, failure  # it waited for the database to write its marks
    assert repeats == 0
    engine.dispose()
