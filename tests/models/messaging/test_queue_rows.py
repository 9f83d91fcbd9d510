"""Queuing through a staged table: ids in queued order, known keys skipped, times kept in UTC."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.messaging.outbox import (
    STAGED_FROM,
    DeliveryState,
    OutboxMessage,
    message_ref_for,
    queue_messages,
    queue_rows,
)

BUCHAREST_WINTER = timezone(timedelta(hours=2))
QUEUED_AT = datetime(2027, 1, 4, 8, 30, tzinfo=BUCHAREST_WINTER)


def row(key: str, recipient: str = "fp@anitp.example") -> dict[str, Any]:
    """One outbox row, every column but the id."""
    message = OutboxMessage(
        key=key,
        channel="email",
        kind="reminder",
        recipient=recipient,
        language="ro",
        subject="Memento: raportul semestrial — termen 15 ianuarie",
        body_text="Stimați colegi,\nraportul este așteptat.",
        body_html="<p>Stimați colegi,</p>",
        next_attempt_at=QUEUED_AT,
        created_at=QUEUED_AT,
    )
    return message.model_dump(exclude={"id"})


def stored(session: Session) -> list[OutboxMessage]:
    session.rollback()
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def test_messages_get_ids_in_the_order_they_were_queued_in(session: Session) -> None:
    keys = [f"meeting:{n:02d}" for n in range(40, 0, -1)]  # invitations before their updates
    assert set(queue_rows(session=session, rows=[row(key) for key in keys])) == set(keys)
    session.commit()
    messages = stored(session)
    assert [m.key for m in messages] == keys
    first = messages[0]
    assert first.next_attempt_at == QUEUED_AT and first.next_attempt_at.tzinfo == UTC
    assert first.state == DeliveryState.QUEUED and first.attempts == 0
    assert first.message_ref == message_ref_for(first.key)
    assert first.subject == "Memento: raportul semestrial — termen 15 ianuarie"


@pytest.mark.parametrize("new", [1, STAGED_FROM], ids=["plain insert", "staged"])
def test_queuing_known_keys_again_adds_only_the_new_ones(session: Session, new: int) -> None:
    queue_rows(session=session, rows=[row("a"), row("b")])
    session.commit()
    fresh = [f"c{n:02d}" for n in range(new)]
    again = [row("b", "other@igpr.example"), *(row(key) for key in fresh), row("a")]
    assert sorted(queue_rows(session=session, rows=again)) == fresh
    session.commit()
    messages = stored(session)
    assert [m.key for m in messages] == ["a", "b", *fresh]
    assert messages[1].recipient == "fp@anitp.example", "a known key keeps its first message"
    assert queue_messages(session=session, messages=[]) == []


@pytest.mark.parametrize("count", [1, STAGED_FROM], ids=["plain insert", "staged"])
def test_a_rolled_back_queue_leaves_no_message_and_the_next_one_works(
    session: Session, count: int
) -> None:
    queue_rows(session=session, rows=[row("kept")])
    session.commit()
    broken = row("broken") | {"institution_id": 999_999}  # no such institution
    with pytest.raises(IntegrityError):
        queue_rows(session=session, rows=[*(row(f"lost{n}") for n in range(count)), broken])
        session.commit()
    session.rollback()
    later = [f"later{n:02d}" for n in range(count)]
    assert sorted(queue_rows(session=session, rows=[row(key) for key in later])) == later
    session.commit()
    assert [m.key for m in stored(session)] == ["kept", *later]
