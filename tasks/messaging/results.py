"""Recording delivery results: one guarded update per message, committed before the next send."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from models.messaging.outbox import DeliveryState, OutboxMessage
from tasks.messaging.transports import patiently


def _recorded(*columns: str) -> Any:
    """The UPDATE writing one kind of result: built once, so its compiled form is reused."""
    return (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == bindparam("message_id"),
            col(OutboxMessage.state) == DeliveryState.SENDING,
            col(OutboxMessage.claimed_at) == bindparam("claimed"),
        )
        .values(claimed_at=None, **{name: bindparam(name) for name in columns})
    )


RECORD_SENT = _recorded("state", "sent_at", "attempts", "last_error")
RECORD_FAILURE = _recorded("state", "attempts", "last_error", "next_attempt_at")
STILL_CLAIMED = select(OutboxMessage.id).where(
    col(OutboxMessage.id) == bindparam("message_id"),
    col(OutboxMessage.state) == DeliveryState.SENDING,
    col(OutboxMessage.claimed_at) == bindparam("claimed"),
)


def _then_claimed(recording: Any) -> Any:
    """On PostgreSQL: the result written and the next message's claim read in one statement."""
    recorded = recording.returning(col(OutboxMessage.id)).cte("recorded")
    claimed = exists().where(
        col(OutboxMessage.id) == bindparam("next_id"),
        col(OutboxMessage.state) == DeliveryState.SENDING,
        col(OutboxMessage.claimed_at) == bindparam("next_claimed"),
    )
    return select(claimed).add_cte(recorded)


THEN_CLAIMED = {statement: _then_claimed(statement) for statement in (RECORD_SENT, RECORD_FAILURE)}


@dataclass
class Results:
    """One sender's database connection for its results.

    SQLite takes one writer at a time and makes the others sleep and retry; the senders of
    a batch take turns through a lock instead, which wakes the next one at once.
    """

    conn: Connection
    turn: AbstractContextManager[Any]
    patience: float

    def write(
        self,
        statement: Any,
        message: OutboxMessage,
        following: OutboxMessage | None,
        **values: object,
    ) -> bool:
        """Write one result at once; whether `following` is still this worker's to send.

        One commit per message, before this connection sends another: a worker killed
        mid-batch resends at most the message each connection was sending. While the
        database is unreachable (a restart) the sender waits here, sending nothing more, and
        writes the result once it is back; the guard on the claim makes a repeat harmless.
        The next message's claim is read in the same transaction: one round trip fewer.
        """
        params = {"message_id": message.id, "claimed": message.claimed_at, **values}
        if following is not None and self.conn.dialect.name == "postgresql":
            params |= {"next_id": following.id, "next_claimed": following.claimed_at}
            statement = THEN_CLAIMED[statement]  # one round trip, on a connection in autocommit

            def together() -> bool:
                mine = bool(self.conn.execute(statement, params).scalar())
                self.conn.commit()
                return mine

            return patiently(together, seconds=self.patience, recover=self._forget_transaction)

        def attempt() -> bool:
            with self.turn:
                self.conn.execute(statement, params)
                mine = following is None or self._claimed(following)
                self.conn.commit()
            return mine

        return patiently(attempt, seconds=self.patience, recover=self._forget_transaction)

    def _claimed(self, message: OutboxMessage) -> bool:
        params = {"message_id": message.id, "claimed": message.claimed_at}
        return self.conn.execute(STILL_CLAIMED, params).first() is not None

    def still_claimed(self, message: OutboxMessage) -> bool:
        """Whether the message is still this worker's to send.

        Another run whose clock says the lease ran out may claim it meanwhile: this worker
        then leaves it, so at most the email each connection was sending goes out twice.
        """

        def attempt() -> bool:
            found = self._claimed(message)
            self.conn.rollback()
            return found

        return patiently(attempt, seconds=self.patience, recover=self._forget_transaction)

    def _forget_transaction(self) -> None:
        """Roll back what failed, so the next attempt starts over on a fresh connection."""
        with suppress(DBAPIError):
            self.conn.rollback()


@contextmanager
def autocommitted(engine: Engine) -> Iterator[Connection]:
    """On PostgreSQL, a connection in autocommit: each result is one statement, one round trip.

    Each commit still waits for the disk, so a result the server acknowledged survives even a
    crash of the server itself: an email is resent only if its result was not yet written.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn
