"""Which SMTP connection brought each email, and which of them no 'sent' mark followed."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from models.core.settings import get_settings
from models.messaging.outbox import DeliveryState, OutboxMessage, message_id_for
from tests.support.servers import RecordingHandler, SmtpServer

Connection = tuple[datetime, Any]  # a worker (its `now`, the email's Date) and its SMTP peer


class PeerRecordingHandler(RecordingHandler):
    """Also notes the client end of the SMTP connection each email came over."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        self.peers.append(session.peer)
        return reply


@contextmanager
def delivering_to(
    server: SmtpServer, monkeypatch: pytest.MonkeyPatch, connections: int
) -> Iterator[SmtpServer]:
    """Start `server` and point delivery at it over `connections` SMTP connections."""
    server.start()
    monkeypatch.setenv("CONCORD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONCORD_SMTP_PORT", str(server.port))
    monkeypatch.setenv("CONCORD_SMTP_CONNECTIONS", str(connections))
    get_settings.cache_clear()
    try:
        yield server
    finally:
        server.stop()


def peer_recording_server() -> SmtpServer:
    """A loopback SMTP server that records each email's connection."""
    return SmtpServer(handler=PeerRecordingHandler())


def unmarked_by_connection(session: Session, server: SmtpServer) -> dict[Connection, list[str]]:
    """Per connection, the emails it delivered whose 'sent' mark its worker never committed.

    Every worker sends with its own `now`, which is both the email's Date and the `sent_at`
    it records: an email whose row says another moment was marked by a later delivery.
    """
    handler = server.handler
    assert isinstance(handler, PeerRecordingHandler)
    session.rollback()
    rows = session.exec(select(OutboxMessage.key, OutboxMessage.state, OutboxMessage.sent_at))
    domain = get_settings().sender_domain
    marks = {message_id_for(key, domain): sent_at for key, state, sent_at in rows.all()}
    assert all(marks.values()), "a message is left without its 'sent' mark"
    found: dict[Connection, list[str]] = {}
    for message, peer in zip(handler.messages, handler.peers, strict=True):
        moment = parsedate_to_datetime(str(message["Date"]))
        unmarked = found.setdefault((moment, peer), [])
        if marks[message["Message-ID"]] != moment:
            unmarked.append(str(message["Message-ID"]))
    return found


def check_at_most_one_per_connection(session: Session, server: SmtpServer) -> Counter[datetime]:
    """Assert each connection left at most its last email unmarked; count them per worker.

    Also checks every email went out under its message's state `sent`, and that the extra
    deliveries are exactly the unmarked ones (each was sent again, once, by a later worker).
    """
    states = set(session.exec(select(OutboxMessage.state)).all())
    assert states == {DeliveryState.SENT}, states
    handler = server.handler
    assert isinstance(handler, PeerRecordingHandler)
    per_worker: Counter[datetime] = Counter()
    last_of: dict[Connection, str] = {}
    for message, peer in zip(handler.messages, handler.peers, strict=True):
        last_of[(parsedate_to_datetime(str(message["Date"])), peer)] = str(message["Message-ID"])
    for connection, unmarked in unmarked_by_connection(session, server).items():
        assert len(unmarked) <= 1, f"{len(unmarked)} emails of one connection left unmarked"
        assert unmarked in ([], [last_of[connection]]), "an unmarked email was not the last"
        per_worker[connection[0]] += len(unmarked)
    received = Counter(m["Message-ID"] for m in handler.messages)
    extra = sum(count - 1 for count in received.values())
    assert extra == sum(per_worker.values()), (extra, dict(per_worker))
    return per_worker
