from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.messaging.outbox import OutboxMessage
from tests.deployments.test_cli import concord

NOW = datetime(2026, 11, 23, 7, tzinfo=UTC)


def add(session: Session, key: str, state: str, error: str | None = None) -> None:
    session.add(
        OutboxMessage(
            key=key,
            channel="email",
            kind="reminder",
            recipient="a@b.example",
            language="ro",
            subject="s",
            body_text="t",
            state=state,
            attempts=3,
            last_error=error,
            next_attempt_at=NOW,
        )
    )
    session.commit()


def test_outbox_lists_what_waits_and_what_failed(engine: Engine) -> None:
    with Session(engine) as session:
        add(session, "reminder:1:2026-11-23", "dead", "550 5.1.1 no such mailbox")
        add(session, "reminder:2:2026-11-23", "sent")
        add(session, "reminder:3:2026-11-23", "queued")
    result = concord("outbox")
    assert result.returncode == 0, result.stderr
    assert "reminder:1:2026-11-23" in result.stdout and "550 5.1.1" in result.stdout
    assert "reminder:3:2026-11-23" in result.stdout
    assert "reminder:2:2026-11-23" not in result.stdout


def test_retry_requeues_a_dead_message_with_fresh_attempts(engine: Engine) -> None:
    with Session(engine) as session:
        add(session, "reminder:1:2026-11-23", "dead", "550 5.1.1 no such mailbox")
    result = concord("outbox", "retry", "reminder:1:2026-11-23")
    assert result.returncode == 0, result.stderr
    with Session(engine) as session:
        message = session.exec(select(OutboxMessage)).one()
        assert (message.state, message.attempts, message.last_error) == ("queued", 0, None)


def test_retry_refuses_a_sent_or_unknown_message(engine: Engine) -> None:
    with Session(engine) as session:
        add(session, "reminder:2:2026-11-23", "sent")
    sent = concord("outbox", "retry", "reminder:2:2026-11-23")
    assert sent.returncode == 1 and "is sent; nothing to retry" in sent.stderr
    unknown = concord("outbox", "retry", "nope")
    assert unknown.returncode == 1 and "no message with key 'nope'" in unknown.stderr
