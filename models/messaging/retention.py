"""Emptying the bodies of emails sent long ago: who got what kind of message, and when, stays."""

from datetime import datetime

from sqlmodel import Session, col, delete, select

from models.messaging.outbox import DeliveryState, OutboxAttachment, OutboxMessage

FORGOTTEN = "-"


def old_sent_messages(session: Session, cutoff: datetime) -> list[OutboxMessage]:
    """Sent messages older than the cut-off whose bodies are still kept."""
    return list(
        session.exec(
            select(OutboxMessage).where(
                OutboxMessage.state == DeliveryState.SENT,
                col(OutboxMessage.sent_at) < cutoff,
                OutboxMessage.body_text != FORGOTTEN,
            )
        ).all()
    )


def forget_sent_bodies(session: Session, cutoff: datetime, dry_run: bool) -> int:
    """Empty the subject, bodies, calendar and files of old sent messages; how many."""
    messages = old_sent_messages(session, cutoff)
    if dry_run:
        return len(messages)
    for message in messages:
        message.subject = message.body_text = FORGOTTEN
        message.body_html = message.calendar = None
        session.add(message)
    keys = [message.key for message in messages]
    if keys:
        session.execute(delete(OutboxAttachment).where(col(OutboxAttachment.message_key).in_(keys)))
    return len(messages)
