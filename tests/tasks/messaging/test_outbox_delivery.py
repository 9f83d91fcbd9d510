import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.settings import get_settings
from models.messaging.compose import addressee_for, notify
from models.messaging.emails import MessageKind
from models.messaging.message_views import AssignmentView
from models.messaging.outbox import DeliveryState, OutboxMessage, message_id_for
from tasks.messaging.outbox import claim_batch, deliver_due_messages
from tests.support.factories import make_institution
from tests.support.leases import leases_at
from tests.support.servers import SmtpServer, make_certificate, tls_options

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
LOG = logging.getLogger("test")


def queue_reminders(session: Session, addresses: list[str], *, now: datetime = NOW) -> list[str]:
    """One reminder per address, each to its own institution; returns the keys."""
    keys = []
    for number, address in enumerate(addresses):
        institution = make_institution(session, f"INST-{number}", emails={"focal-point": address})
        assert institution.id is not None
        to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
        view = AssignmentView(
            key=f"a-{number}",
            kind="monitoring-report",
            title=f"Raport {number}",
            subject_ref="1.1.1",
            due_at=now + timedelta(days=5),
            link=f"http://portal.example/a/{number}",
        )
        key = f"reminder:a-{number}:2026-11-23"
        keys += notify(
            session=session,
            key=key,
            kind=MessageKind.REMINDER,
            to=to,
            context={"assignment": view, "days_left": 5},
            settings=get_settings(),
            now=now,
        )
    session.commit()
    return keys


def states(session: Session) -> dict[str, str]:
    session.rollback()
    return {m.key: m.state for m in session.exec(select(OutboxMessage)).all()}


def deliver(now: datetime = NOW) -> dict[str, int]:
    """Deliver what is due by `now`, with the lease clock standing at `now` too."""
    with leases_at(now):
        return deliver_due_messages(now=now, batch_size=50, max_batches=10, logger=LOG)


def test_queuing_the_same_key_twice_is_a_no_op(session: Session) -> None:
    first = queue_reminders(session, ["focal@one.example"])
    institution_id = session.exec(select(OutboxMessage.institution_id)).one()
    assert institution_id is not None
    to = addressee_for(session=session, institution_id=institution_id, roles=("focal-point",))
    view = AssignmentView(
        key="a-0", kind="monitoring-report", title="Changed", subject_ref="1", due_at=NOW
    )
    again = notify(
        session=session,
        key=first[0],
        kind=MessageKind.REMINDER,
        to=to,
        context={"assignment": view, "days_left": 1},
        settings=get_settings(),
        now=NOW,
    )
    session.commit()
    assert first == ["reminder:a-0:2026-11-23"] and again == []
    assert len(session.exec(select(OutboxMessage)).all()) == 1


def test_messages_arrive_once_with_a_message_id_derived_from_the_key(
    session: Session, smtp_server: SmtpServer
) -> None:
    keys = queue_reminders(session, ["a@one.example", "b@two.example", "c@three.example"])
    counts = deliver()
    assert counts == {"claimed": 3, "sent": 3}
    assert deliver() == {}
    assert len(smtp_server.messages) == 3
    domain = get_settings().sender_domain
    assert sorted(m["Message-ID"] for m in smtp_server.messages) == sorted(
        message_id_for(key, domain) for key in keys
    )
    assert set(states(session).values()) == {"sent"}


def test_a_permanent_refusal_is_dead_and_does_not_stop_the_batch(
    session: Session, smtp_server: SmtpServer
) -> None:
    queue_reminders(session, ["a@one.example", "reject@two.example", "c@three.example"])
    assert deliver() == {"claimed": 3, "sent": 2, "dead": 1}
    dead = session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).one()
    assert dead.recipient == "reject@two.example"
    assert dead.last_error is not None and dead.last_error.startswith("550")
    assert len(smtp_server.messages) == 2


def test_a_malformed_address_is_dead_without_reaching_the_server(
    session: Session, smtp_server: SmtpServer
) -> None:
    queue_reminders(session, ["not-an-address", "ok@one.example"])
    assert deliver() == {"claimed": 2, "sent": 1, "dead": 1}
    dead = session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).one()
    assert dead.last_error is not None and "malformed" in dead.last_error


def test_a_non_ascii_address_the_server_cannot_take_is_dead_and_the_batch_goes_on(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server = SmtpServer(options={"enable_SMTPUTF8": False})
    smtp_server.start()
    monkeypatch.setenv("CONCORD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONCORD_SMTP_PORT", str(smtp_server.port))
    get_settings.cache_clear()
    queue_reminders(
        session, ["a@one.example", "secretariatul.ș@primaria.example", "c@three.example"]
    )
    assert deliver() == {"claimed": 3, "sent": 2, "dead": 1}  # the server offers no SMTPUTF8
    dead = session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).one()
    assert dead.recipient == "secretariatul.ș@primaria.example" and dead.attempts == 1
    assert dead.last_error is not None and "SMTPUTF8" in dead.last_error
    assert len(smtp_server.messages) == 2
    smtp_server.stop()


def test_a_temporary_refusal_is_retried_with_backoff_then_given_up(
    session: Session, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_OUTBOX_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    assert queue_reminders(session, ["tempfail@one.example"]) == ["reminder:a-0:2026-11-23"]
    assert deliver() == {"claimed": 1, "failed": 1}
    message = session.exec(select(OutboxMessage)).one()
    assert (message.attempts, message.next_attempt_at) == (1, NOW + timedelta(minutes=1))
    assert deliver(NOW + timedelta(seconds=30)) == {}, "not due before its backoff"
    assert deliver(NOW + timedelta(minutes=1)) == {"claimed": 1, "failed": 1}
    assert deliver(NOW + timedelta(minutes=5)) == {"claimed": 1, "dead": 1}
    session.rollback()
    message = session.exec(select(OutboxMessage)).one()
    assert message.last_error is not None and message.last_error.startswith("gave up after 3")
    assert smtp_server.messages == []


def test_stopping_the_server_mid_batch_loses_nothing_and_sends_nothing_twice(
    session: Session, smtp_server: SmtpServer
) -> None:
    keys = queue_reminders(session, [f"user{n}@inst{n}.example" for n in range(10)])
    smtp_server.handler.stall_after = 4
    outcome: dict[str, dict[str, int]] = {}
    worker = threading.Thread(target=lambda: outcome.update(first=deliver()))
    worker.start()
    assert smtp_server.handler.stalled.wait(10)
    smtp_server.stop()
    worker.join(30)
    assert outcome["first"]["sent"] == 4 and outcome["first"]["failed"] == 6
    failed = session.exec(select(OutboxMessage).where(OutboxMessage.state == "failed")).all()
    assert all(m.attempts == 0 and m.last_error for m in failed), "an outage costs no attempt"
    smtp_server.handler.stall_after = None
    smtp_server.start()
    assert deliver(NOW + timedelta(minutes=2)) == {"claimed": 6, "sent": 6}
    delivered = [m["Message-ID"] for m in smtp_server.messages]
    domain = get_settings().sender_domain
    assert sorted(delivered) == sorted(message_id_for(k, domain) for k in keys)


def test_an_outage_then_a_busy_server_then_a_bad_address_lose_nothing(
    session: Session, smtp_server: SmtpServer
) -> None:
    addresses = ["a@one.example", "reject@two.example", "c@three.example", "d@four.example"]
    keys = queue_reminders(session, addresses)
    smtp_server.stop()  # connections refused
    assert deliver() == {"claimed": 4, "failed": 4}
    smtp_server.start()
    smtp_server.handler.busy = True  # every recipient answered 451
    assert deliver(NOW + timedelta(minutes=2)) == {"claimed": 4, "failed": 4}
    session.rollback()
    assert {m.attempts for m in session.exec(select(OutboxMessage))} == {1}  # only 4xx counts
    smtp_server.handler.busy = False
    assert deliver(NOW + timedelta(minutes=10)) == {"claimed": 4, "sent": 3, "dead": 1}
    session.rollback()
    dead = session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).one()
    assert dead.recipient == "reject@two.example" and (dead.last_error or "").startswith("550")
    domain = get_settings().sender_domain
    delivered = sorted(m["Message-ID"] for m in smtp_server.messages)
    wanted = [k for k, to in zip(keys, addresses, strict=True) if not to.startswith("reject")]
    assert delivered == sorted(message_id_for(k, domain) for k in wanted)
    assert deliver(NOW + timedelta(hours=1)) == {}, "nothing is left to send, nothing twice"


def test_a_crash_between_sending_and_sent_is_retried_after_the_lease(
    session: Session, engine: Engine, smtp_server: SmtpServer
) -> None:
    [key] = queue_reminders(session, ["a@one.example"])
    with leases_at(NOW):
        claimed = claim_batch(engine=engine, now=NOW, limit=10, lease_seconds=300)
    assert len(claimed) == 1 and states(session) == {key: "sending"}
    # the worker dies here: nothing records the outcome
    assert deliver(NOW + timedelta(minutes=1)) == {}, "still leased to the dead worker"
    assert deliver(NOW + timedelta(minutes=6)) == {"claimed": 1, "sent": 1}
    [received] = smtp_server.messages
    assert received["Message-ID"] == message_id_for(key, get_settings().sender_domain)


def test_no_smtp_server_configured_keeps_messages_queued(session: Session) -> None:
    queue_reminders(session, ["a@one.example"])
    assert deliver() == {"claimed": 1, "failed": 1}
    message = session.exec(select(OutboxMessage)).one()
    assert message.attempts == 0 and "CONCORD_SMTP_HOST" in (message.last_error or "")


@contextmanager
def tls_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, implicit: bool, password: str
) -> Iterator[SmtpServer]:
    """A TLS SMTP server that accepts concord/s3cret-pass; the settings log in with `password`."""
    cert, key = make_certificate(tmp_path)
    server = SmtpServer(
        options=tls_options(cert, key, implicit=implicit, user="concord", password="s3cret-pass")
    )
    server.start()
    settings = {
        "HOST": "127.0.0.1",
        "PORT": str(server.port),
        "USER": "concord",
        "PASSWORD": password,
        "CA_FILE": str(cert),
        "SECURITY": "ssl" if implicit else "starttls",
    }
    for name, value in settings.items():
        monkeypatch.setenv(f"CONCORD_SMTP_{name}", value)
    get_settings.cache_clear()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_delivery_over_tls_with_authentication(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, implicit: bool
) -> None:
    with tls_server(tmp_path, monkeypatch, implicit=implicit, password="s3cret-pass") as server:
        queue_reminders(session, ["a@one.example"])
        assert deliver() == {"claimed": 1, "sent": 1}
        assert len(server.messages) == 1


def test_a_wrong_password_keeps_the_message_for_later(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tls_server(tmp_path, monkeypatch, implicit=False, password="wrong"):
        queue_reminders(session, ["a@one.example"])
        assert deliver() == {"claimed": 1, "failed": 1}
        message = session.exec(select(OutboxMessage)).one()
        assert message.state == DeliveryState.FAILED
        assert "login refused" in (message.last_error or "")
        assert "wrong" not in (message.last_error or "")


def test_a_run_working_as_of_a_later_day_leaves_a_live_lease_alone(
    session: Session, engine: Engine, smtp_server: SmtpServer
) -> None:
    [key] = queue_reminders(session, ["a@one.example"])
    claimed = claim_batch(engine=engine, now=NOW, limit=10, lease_seconds=300)
    assert claimed and states(session) == {key: "sending"}
    tomorrow = NOW + timedelta(days=1)  # a sweep run as of tomorrow, while the round still sends
    assert deliver_due_messages(now=tomorrow, batch_size=50, max_batches=1, logger=LOG) == {}
    assert states(session) == {key: "sending"} and smtp_server.messages == []
