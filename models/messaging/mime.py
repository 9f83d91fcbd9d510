"""Turning an outbox row into a MIME email: plain text, HTML and an optional calendar part."""

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from models.messaging.outbox import OutboxAttachment, OutboxMessage


class BadAddressError(ValueError):
    """A recipient address that no server will ever accept."""


def recipients_of(recipient: str) -> list[str]:
    """The addresses in a comma-separated recipient field; BadAddressError if any is malformed."""
    addresses = [address for _, address in getaddresses([recipient]) if address]
    if not addresses:
        raise BadAddressError(f"no address in {recipient!r}")
    for address in addresses:
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or any(c.isspace() for c in address):
            raise BadAddressError(f"malformed address {address!r}")
    return addresses


def build_email(
    message: OutboxMessage,
    *,
    sender: str,
    message_id: str,
    now: datetime,
    attachments: list[OutboxAttachment] | None = None,
) -> EmailMessage:
    """The MIME message for `message`: always a plain-text part, then HTML and calendar if any."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = Address(display_name="Concord", addr_spec=sender)
    email["To"] = ", ".join(recipients_of(message.recipient))
    email["Message-ID"] = message_id
    email["Date"] = format_datetime(now)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Concord-Kind"] = message.kind
    email.set_content(message.body_text, cte="quoted-printable")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    if message.calendar:
        email.add_alternative(
            message.calendar,
            subtype="calendar",
            params={"method": message.calendar_method or "REQUEST"},
        )
    for file in attachments or []:
        maintype, _, subtype = file.content_type.partition("/")
        email.add_attachment(file.content, maintype=maintype, subtype=subtype, filename=file.name)
    email["Content-Language"] = message.language  # after the parts: set_content clears Content-*
    return email
