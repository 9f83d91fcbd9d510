"""Recording each delivery's result on its message's row, one commit per message."""

from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import psycopg
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import col

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
        .execution_options(preserve_rowcount=True)  # psycopg forgets it once its cursor closes
    )


RECORD_SENT = _recorded("state", "sent_at", "attempts", "last_error")
RECORD_FAILURE = _recorded("state", "attempts", "last_error", "next_attempt_at")


@cache
def _driver_form(statement: Any, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """The statement's SQL for the driver, and the values it binds itself."""
    compiled = statement.compile(dialect=dialect)
    return compiled.string, compiled.params


def results_connection(engine: Engine) -> Connection:
    """A sender's connection for its results; on PostgreSQL each UPDATE commits itself."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":  # one round trip a result, not BEGIN, UPDATE, COMMIT
        conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


@dataclass
class ResultWriter:
    """One sender's database connection for its results.

    SQLite takes one writer at a time and makes the others sleep and retry; the senders of
    a batch take turns through a lock instead, which wakes the next one at once.
    """

    conn: Connection
    turn: AbstractContextManager[Any]
    patience: float

    def write(self, statement: Any, message: OutboxMessage, **values: object) -> bool:
        """Write one result at once; False when another worker has since reclaimed the message.

        One commit per message, before this connection sends another: a worker killed
        mid-batch resends at most the message each connection was sending. The write's own
        guard on the claim tells whether the message was still this worker's, in the same
        statement, so the sender stops at the first one that was not: another run whose
        clock said the lease ran out sends the rest, and at most the email each connection
        was sending goes out twice. While the database is unreachable (a restart) the sender
        waits here, sending nothing more, and writes the result once it is back.
        """
        params = {"message_id": message.id, "claimed": message.claimed_at, **values}
        tries = 0

        def attempt() -> bool:
            nonlocal tries
            tries += 1
            with self.turn:
                written = self._execute(statement, params)
            # a repeat may find the row its first try wrote before the connection dropped
            return written > 0 or tries > 1

        return patiently(attempt, seconds=self.patience, recover=self._forget_transaction)

    def _execute(self, statement: Any, params: dict[str, Any]) -> int:
        """Run the UPDATE and commit it; the number of rows it wrote."""
        if self.conn.dialect.name == "postgresql":
            return self._execute_on_driver(statement, params)
        written = self.conn.execute(statement, params)
        self.conn.commit()
        return written.rowcount

    def _execute_on_driver(self, statement: Any, params: dict[str, Any]) -> int:
        """The UPDATE straight on psycopg's connection, prepared once, committing itself.

        SQLAlchemy's work around one statement costs twice what psycopg's does, and a round
        writes one result per email. A lost connection is reported as SQLAlchemy reports it,
        and the next attempt reconnects.
        """
        sql, fixed = _driver_form(statement, self.conn.dialect)
        driver = cast(psycopg.Connection[Any], self.conn.connection.driver_connection)
        try:
            if not driver.autocommit:  # a connection made again after a restart
                driver.autocommit = True
            with driver.cursor() as cursor:
                cursor.execute(sql, fixed | params, prepare=True)
                return cursor.rowcount
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            self.conn.invalidate(error)
            raise OperationalError(sql, params, error) from error

    def _forget_transaction(self) -> None:
        """Roll back what failed, so the next attempt starts over on a fresh connection."""
        with suppress(DBAPIError):
            self.conn.rollback()
