"""Bounces: a permanent failure marks the contact as not working, so mail goes to the others."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.core.history import record_event
from models.messaging.inbound import FailedRecipient
from models.messaging.mime import recipients_of
from models.messaging.outbox import OutboxMessage
from models.reference.institutions import Contact

WORKING, FAILING = "working", "failing"


@dataclass(frozen=True)
class BounceTaken:
    """What a bounce did: the email it returned, and the contacts it marked as failing."""

    outbox: OutboxMessage | None
    permanent: bool
    failing: list[Contact]


def sent_email_named(session: Session, message_id: str | None) -> OutboxMessage | None:
    """The email Concord sent under this Message-ID (with or without its domain), if any."""
    if not message_id:
        return None
    ref = message_id.strip("<>").partition("@")[0].lower()
    query = select(OutboxMessage).where(OutboxMessage.message_ref == ref)
    return session.exec(query).first()


def take_bounce(
    *, session: Session, original_id: str | None, failed: list[FailedRecipient], now: datetime
) -> BounceTaken:
    """Mark the contacts a permanent failure names, when it returns an email Concord sent them.

    A bounce must name an email Concord sent and one of that email's own recipients: a
    forged notice can then never silence a contact it was not about.
    """
    outbox = sent_email_named(session, original_id)
    permanent = any(recipient.permanent for recipient in failed)
    if outbox is None:
        return BounceTaken(None, permanent, [])
    sent_to = {address.lower() for address in recipients_of(outbox.recipient)}
    failing = [
        contact
        for recipient in failed
        if recipient.permanent and recipient.address.lower() in sent_to
        for contact in _contacts_at(session, outbox.institution_id, recipient.address)
        if _mark_failing(session, contact, recipient, now)
    ]
    return BounceTaken(outbox, permanent, failing)


def _contacts_at(session: Session, institution_id: int | None, address: str) -> list[Contact]:
    """The institution's contacts with this address (any case)."""
    query = select(Contact).where(
        Contact.institution_id == institution_id, func.lower(Contact.email) == address.lower()
    )
    return list(session.exec(query).all())


def _mark_failing(
    session: Session, contact: Contact, recipient: FailedRecipient, now: datetime
) -> bool:
    """Mark one contact as failing, with why, as a status event; False when it already was."""
    if not contact.working:
        return False
    reason = _reason(recipient)
    contact_event(session, contact, FAILING, "inbound-mail", now, reason)
    contact.failing_since, contact.failure = now, reason
    session.add(contact)
    return True


def contact_event(
    session: Session,
    contact: Contact,
    to: str,
    actor: str,
    now: datetime,
    note: str,
    *,
    new: bool = False,
) -> None:
    """A status event on a contact, from working or failing as it stands (nothing when `new`)."""
    assert contact.id is not None
    record_event(
        session=session,
        entity_type="contact",
        entity_id=contact.id,
        from_status=None if new else WORKING if contact.working else FAILING,
        to_status=to,
        actor=actor,
        now=now,
        note=note,
    )


def _reason(recipient: FailedRecipient) -> str:
    """Why mail to a contact failed: the server's own words, which usually carry the status."""
    words = recipient.diagnostic.strip()
    if recipient.status in words:
        return words[:300]
    return f"{recipient.status} {words}".strip()[:300]
