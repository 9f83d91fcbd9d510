"""Delivery over four SMTP connections killed again and again: at most one repeat per connection."""

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session

from models.core.settings import get_settings
from models.messaging.outbox import message_id_for
from tests.support.servers import SmtpServer
from tests.tasks.messaging.in_flight import (
    check_at_most_one_per_connection,
    delivering_to,
    peer_recording_server,
)
from tests.tasks.messaging.test_delivery_killed import run_and_kill
from tests.tasks.messaging.test_outbox_delivery import NOW, deliver, queue_reminders

KILLS = 8
CONNECTIONS = 4


@pytest.fixture
def recording_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A loopback SMTP server noting each email's connection; delivery uses four connections."""
    with delivering_to(peer_recording_server(), monkeypatch, CONNECTIONS) as server:
        yield server


@pytest.mark.slow
def test_each_kill_repeats_at_most_the_email_each_connection_had_in_flight(
    session: Session, recording_server: SmtpServer
) -> None:
    keys = queue_reminders(session, [f"user{n}@inst{n}.example" for n in range(300)])
    lease = timedelta(seconds=get_settings().outbox_lease_seconds + 1)
    sent = [  # each worker starts after the last one's leases ran out
        run_and_kill((NOW + lease * kill).isoformat(), recording_server, 4 + 3 * kill)
        for kill in range(KILLS)
    ]
    assert sum(sent) < len(keys), "every kill came while work was left"
    deliver(NOW + lease * (KILLS + 1))

    per_kill = check_at_most_one_per_connection(session, recording_server)
    domain = get_settings().sender_domain
    received = {m["Message-ID"] for m in recording_server.messages}
    assert received == {message_id_for(key, domain) for key in keys}, "none is lost"
    assert max(per_kill.values(), default=0) <= CONNECTIONS
    logging.getLogger("test").warning(
        "%d kills over %d connections: %d repeats, per kill %s",
        KILLS,
        CONNECTIONS,
        sum(per_kill.values()),
        [per_kill[NOW + lease * kill] for kill in range(KILLS)],
    )
