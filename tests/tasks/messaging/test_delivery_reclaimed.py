"""A batch reclaimed while its worker still sends it: that worker stops, one repeat at most."""

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from models.core.db import get_engine
from models.core.settings import get_settings
from models.messaging.outbox import message_id_for
from tasks.messaging.outbox import claim_batch, deliver_batch
from tests.support.leases import leases_at
from tests.support.servers import SmtpServer
from tests.tasks.messaging.in_flight import (
    PeerRecordingHandler,
    check_at_most_one_per_connection,
    delivering_to,
)
from tests.tasks.messaging.test_outbox_delivery import NOW, queue_reminders

CONNECTIONS = 4
QUEUED = 60


class SlowHandler(PeerRecordingHandler):
    """Takes a while over each email, as a distant relay does."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A slow loopback SMTP server noting each email's connection; four connections."""
    with delivering_to(SmtpServer(handler=SlowHandler()), monkeypatch, CONNECTIONS) as server:
        yield server


def await_emails(server: SmtpServer, count: int, seconds: float = 60.0) -> None:
    """Return once the server holds `count` emails."""
    deadline = time.monotonic() + seconds
    while len(server.messages) < count:
        assert time.monotonic() < deadline, f"fewer than {count} emails within {seconds:.0f} s"
        time.sleep(0.005)


def test_a_worker_whose_batch_is_reclaimed_sends_at_most_one_more_per_connection(
    session: Session, slow_server: SmtpServer
) -> None:
    keys = queue_reminders(session, [f"user{n}@inst{n}.example" for n in range(QUEUED)])
    settings, engine = get_settings(), get_engine()
    lease = settings.outbox_lease_seconds
    with leases_at(NOW):
        first = claim_batch(engine=engine, now=NOW, limit=QUEUED, lease_seconds=lease)
    slow = threading.Thread(
        target=deliver_batch,
        kwargs={"engine": engine, "ids": first, "now": NOW, "settings": settings},
    )
    slow.start()
    await_emails(slow_server, 8)
    later = NOW + timedelta(seconds=lease + 1)  # a run whose clock says the lease ran out
    with leases_at(later):
        second = claim_batch(engine=engine, now=later, limit=QUEUED, lease_seconds=lease)
    assert second, "the first worker finished before its batch was reclaimed"
    deliver_batch(engine=engine, ids=second, now=later, settings=settings)
    slow.join(60)

    per_worker = check_at_most_one_per_connection(session, slow_server)
    received = {m["Message-ID"] for m in slow_server.messages}
    assert received == {message_id_for(key, settings.sender_domain) for key in keys}
    assert per_worker[NOW] <= CONNECTIONS and per_worker[later] == 0, dict(per_worker)
