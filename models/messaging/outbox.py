"""The outbox: every email and webhook is written here first, then delivered."""

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary, Text, UniqueConstraint, text, true
from sqlmodel import Field, Session, SQLModel, col, select

from models.core.sql import insert_ignoring_duplicates, staged
from models.core.types import UTCDateTime, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


WAITING = text("state IN ('queued', 'failed')")
LEASED = text("state = 'sending'")


def _partial(name: str, column: str, where: Any) -> Index:
    """An index over the rows in some states only: a sent message leaves no entry in it."""
    return Index(name, column, postgresql_where=where, sqlite_where=where)


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    # the claim walks waiting and leased messages in id order; sent ones (most rows) stay out
    __table_args__ = (
        _partial("ix_outbox_waiting", "id", WAITING),
        _partial("ix_outbox_leased", "id", LEASED),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    channel: str = Field(max_length=8)
    kind: str = Field(max_length=40)
    institution_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    recipient: str = Field(max_length=500)
    reply_to: str | None = Field(default=None, max_length=254)
    message_ref: str | None = Field(default=None, max_length=32, index=True)
    language: str = Field(max_length=2)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=Text)
    body_html: str | None = Field(default=None, sa_type=Text)
    calendar: str | None = Field(default=None, sa_type=Text)
    calendar_method: str | None = Field(default=None, max_length=16)
    state: str = Field(default=DeliveryState.QUEUED, max_length=8)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# what a new row holds beside what its sender writes
QUEUED: dict[str, Any] = {
    "state": DeliveryState.QUEUED,
    "attempts": 0,
    "claimed_at": None,
    "last_error": None,
    "sent_at": None,
}


class OutboxAttachment(SQLModel, table=True):
    """A file that travels with one queued email (kept in the database like the email)."""

    __tablename__ = "outbox_attachment"
    __table_args__ = (UniqueConstraint("message_key", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    message_key: str = Field(foreign_key="outbox_message.key", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    content: bytes = Field(sa_type=LargeBinary)


def attachments_of(*, session: Session, keys: list[str]) -> dict[str, list[OutboxAttachment]]:
    """The attachments of the messages with these keys, by key, in the order they were added."""
    rows = session.exec(
        select(OutboxAttachment)
        .where(col(OutboxAttachment.message_key).in_(keys))
        .order_by(col(OutboxAttachment.id))
    ).all()
    found: dict[str, list[OutboxAttachment]] = {}
    for row in rows:
        found.setdefault(row.message_key, []).append(row)
    return found


def message_ref_for(key: str) -> str:
    """The local part of a message's Message-ID: a reply names it in In-Reply-To."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


STAGED_FROM = 20  # rows queued at once from which staging them costs less than it adds


def message_id_for(key: str, domain: str) -> str:
    """A Message-ID derived from the idempotency key: a retried delivery carries the same one."""
    return f"<{message_ref_for(key)}@{domain}>"


def queue_messages(*, session: Session, messages: list[OutboxMessage]) -> list[str]:
    """Insert the messages whose keys are new; return those keys. Queuing a key twice is a no-op."""
    return queue_rows(session=session, rows=[m.model_dump(exclude={"id"}) for m in messages])


def queue_rows(*, session: Session, rows: list[dict[str, Any]]) -> list[str]:
    """`queue_messages` for rows of column values (each with every column but the id).

    Many rows are staged (COPY on PostgreSQL) and inserted by one INSERT ... SELECT in their
    order, so message ids follow the order they were queued in; a few, the usual case, go in
    one plain insert, sparing PostgreSQL's catalogs a temporary table each time.
    """
    if not rows:
        return []
    rows = [row | {"message_ref": message_ref_for(row["key"])} for row in rows]
    statement = insert_ignoring_duplicates(session, OutboxMessage, ["key"])
    if len(rows) < STAGED_FROM:
        return list(session.execute(statement.returning(OutboxMessage.key), rows).scalars())
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    columns = [column.name for column in table.columns if column.name != "id"]
    types = {name: table.c[name].type for name in columns} | {"position": Integer()}
    values = [(*(row[name] for name in columns), n) for n, row in enumerate(rows)]
    with staged(session, "staged_message", types, values) as queued:
        chosen = select(*(queued.c[name] for name in columns)).where(true())
        ordered = chosen.order_by(queued.c.position)  # WHERE: SQLite's upsert needs one
        statement = statement.from_select(columns, ordered).returning(table.c.key)
        return list(session.connection().execute(statement).scalars())


class RequeueError(ValueError):
    """A message that cannot be sent again."""


def pending_messages(*, session: Session, states: list[str], limit: int) -> list[OutboxMessage]:
    """Messages in the given delivery states, oldest first."""
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.state).in_(states))
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    return list(session.exec(query).all())


def requeue(*, session: Session, key: str, now: datetime) -> OutboxMessage:
    """Put a failed or dead message back in the queue with a fresh set of attempts."""
    message = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).first()
    if message is None:
        raise RequeueError(f"no message with key {key!r}")
    if message.state in (DeliveryState.SENT, DeliveryState.SENDING):
        raise RequeueError(f"{key!r} is {message.state}; nothing to retry")
    message.state, message.attempts, message.next_attempt_at = DeliveryState.QUEUED, 0, now
    message.last_error = None
    session.add(message)
    return message
