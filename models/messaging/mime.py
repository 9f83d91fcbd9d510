"""Turning an outbox row into a MIME email: plain text, HTML and an optional calendar part."""

from datetime import datetime
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, getaddresses
from io import BytesIO
from typing import cast

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


# utf-8 bodies go out in base64: binascii is C, quoted-printable is pure Python and slower
UTF8 = "utf-8"
WIRE = compat32.clone(linesep="\r\n")


def _header(value: str) -> str:
    """An ASCII header value as is; any other RFC 2047-encoded when the message is written."""
    # compat32 folds a Header object itself (a pre-encoded string comes out mis-folded);
    # typeshed knows header values only as str
    return value if value.isascii() else cast(str, Header(value, UTF8))


def _body(message: OutboxMessage) -> Message:
    """The text part alone, or the text, HTML and calendar parts as alternatives."""
    text = MIMEText(message.body_text, "plain", UTF8)
    if not message.body_html and not message.calendar:
        return text
    body = MIMEMultipart("alternative")
    body.attach(text)
    if message.body_html:
        body.attach(MIMEText(message.body_html, "html", UTF8))
    if message.calendar:
        calendar = MIMEText(message.calendar, "calendar", UTF8)
        calendar.set_param("method", message.calendar_method or "REQUEST")
        body.attach(calendar)
    return body


def _with_files(body: Message, files: list[OutboxAttachment]) -> Message:
    """The body with the files attached after it (the body alone when there are none)."""
    if not files:
        return body
    mixed = MIMEMultipart("mixed")
    mixed.attach(body)
    for file in files:
        maintype, _, subtype = file.content_type.partition("/")
        part = MIMEBase(maintype, subtype)
        part.set_payload(file.content)
        encode_base64(part)
        name = file.name if file.name.isascii() else ("utf-8", "", file.name)
        part.add_header("Content-Disposition", "attachment", filename=name)
        mixed.attach(part)
    return mixed


def wire_bytes(
    message: OutboxMessage,
    *,
    sender: str,
    message_id: str,
    now: datetime,
    attachments: list[OutboxAttachment] | None = None,
) -> bytes:
    """The message as the mail server receives it, composed once with the fast MIME classes."""
    email = _with_files(_body(message), attachments or [])
    email["Subject"] = _header(message.subject)
    email["From"] = formataddr(("Concord", sender))
    email["To"] = _header(", ".join(recipients_of(message.recipient)))
    email["Message-ID"] = message_id
    email["Date"] = format_datetime(now)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Concord-Kind"] = message.kind
    email["Content-Language"] = message.language
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=WIRE).flatten(email)
    return buffer.getvalue()
