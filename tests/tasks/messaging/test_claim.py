"""Claiming due messages: lapsed leases first, each kind found on its own index."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.messaging.outbox import DeliveryState, OutboxMessage
from tasks.messaging.claim import claim_batch
from tests.support.leases import leases_at
from tests.tasks.messaging.test_outbox_delivery import NOW, queue_reminders, states

LEASE = 300


def test_lapsed_leases_come_first_and_waiting_messages_fill_the_rest(
    session: Session, engine: Engine
) -> None:
    keys = queue_reminders(session, [f"p{n}@one.example" for n in range(5)])
    ids = sorted(session.exec(select(OutboxMessage.id)).all())
    with leases_at(NOW):  # a worker that dies takes the two newest messages
        first = claim_batch(engine=engine, now=NOW, limit=5, lease_seconds=LEASE, keys=keys[3:])
    with leases_at(NOW + timedelta(seconds=LEASE + 1)):
        second = claim_batch(engine=engine, now=NOW, limit=3, lease_seconds=LEASE)
        third = claim_batch(engine=engine, now=NOW, limit=3, lease_seconds=LEASE)
    assert first == ids[3:] and second == [ids[0], *ids[3:]] and third == ids[1:3]
    assert set(states(session).values()) == {"sending"}


def test_a_live_lease_and_a_retry_not_yet_due_are_left_alone(
    session: Session, engine: Engine
) -> None:
    queue_reminders(session, ["a@one.example", "b@two.example"])
    with leases_at(NOW):
        [leased] = claim_batch(engine=engine, now=NOW, limit=1, lease_seconds=LEASE)
    retry_at = NOW + timedelta(minutes=30)
    failed = {"state": DeliveryState.FAILED, "next_attempt_at": retry_at}
    session.execute(update(OutboxMessage).where(col(OutboxMessage.id) != leased).values(failed))
    session.commit()
    with leases_at(NOW + timedelta(seconds=LEASE - 1)):
        assert claim_batch(engine=engine, now=NOW, limit=5, lease_seconds=LEASE) == []
        assert len(claim_batch(engine=engine, now=retry_at, limit=5, lease_seconds=LEASE)) == 1


def _add_sent_history(session: Session, count: int) -> None:
    """`count` messages sent long ago, as months of rounds leave them."""
    rows = [{"key": f"old-{n}", "t": NOW - timedelta(days=90)} for n in range(count)]
    session.execute(
        text(
            "INSERT INTO outbox_message (key, channel, kind, recipient, language, subject,"
            " body_text, state, attempts, next_attempt_at, created_at, sent_at)"
            " VALUES (:key, 'email', 'reminder', 'x@old.example', 'ro', 's', 'b', 'sent', 1,"
            " :t, :t, :t)"
        ),
        rows,
    )
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE outbox_message"))
        session.commit()


@contextmanager
def claim_plans(engine: Engine) -> Iterator[list[str]]:
    """The plans the database chose for each claiming UPDATE, as it runs them."""
    plans: list[str] = []
    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("UPDATE outbox_message SET state") and "LIMIT" in statement:
            cursor.execute(explain + statement, parameters)
            plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
            if engine.dialect.name == "postgresql":  # stale statistics could choose one
                cursor.execute("SHOW enable_bitmapscan")
                plans[-1] += f"\nenable_bitmapscan {cursor.fetchone()[0]}"

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield plans
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_the_claim_reads_only_the_waiting_and_leased_messages_indexes(
    session: Session, engine: Engine
) -> None:
    _add_sent_history(session, 3_000)
    queue_reminders(session, ["a@one.example"])
    with claim_plans(engine) as plans, leases_at(NOW):
        assert len(claim_batch(engine=engine, now=NOW, limit=10, lease_seconds=LEASE)) == 1
    lapsed, waiting = plans
    assert "ix_outbox_leased" in lapsed and "ix_outbox_waiting" in waiting, plans
    assert not any("Bitmap" in plan or "bitmapscan on" in plan for plan in plans), plans
