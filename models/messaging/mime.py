"""Turning an outbox row into a MIME email: plain text, HTML and an optional calendar part."""

import base64
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.policy import Compat32
from email.utils import format_datetime, formataddr, getaddresses
from functools import lru_cache
from io import BytesIO
from typing import Any

from models.messaging.outbox import OutboxAttachment, OutboxMessage


class BadAddressError(ValueError):
    """A recipient address that no server will ever accept."""


def recipients_of(recipient: str) -> list[str]:
    """The addresses in a comma-separated recipient field; BadAddressError if any is malformed."""
    return list(_parsed_recipients(recipient))


@lru_cache(maxsize=4096)
def _parsed_recipients(recipient: str) -> tuple[str, ...]:
    """`recipients_of`, kept: each email parses its field twice, a round thousands of times."""
    addresses = tuple(address for _, address in getaddresses([recipient]) if address)
    if not addresses:
        raise BadAddressError(f"no address in {recipient!r}")
    for address in addresses:
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or any(c.isspace() for c in address):
            raise BadAddressError(f"malformed address {address!r}")
    return addresses


# utf-8 bodies go out in base64: binascii is C, quoted-printable is pure Python and slower
UTF8 = "utf-8"
CRLF = "\r\n"
WORD_BYTES = 42  # per RFC 2047 encoded word: 56 base64 characters, "Subject: " line under 78


class _WirePolicy(Compat32):
    """compat32 with CRLF, writing short ASCII headers as they are.

    compat32 runs every header through email.header.Header, the slowest step of writing a
    message; a short ASCII value needs no folding and no encoding.
    """

    def fold_binary(self, name: str, value: Any) -> bytes:
        short = isinstance(value, str) and value.isascii() and len(name) + len(value) < 76
        if short and "\r" not in value and "\n" not in value:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


WIRE = _WirePolicy(linesep="\r\n")


@dataclass(frozen=True)
class _EncodedWords:
    """A non-ASCII header value as base64 encoded words, one per folded line."""

    value: str

    def _words(self) -> Iterator[str]:
        chunk = b""
        for character in self.value:
            encoded = character.encode(UTF8)
            if len(chunk) + len(encoded) > WORD_BYTES:
                yield f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?="
                chunk = b""
            chunk += encoded
        yield f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?="

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None) -> str:
        """The words folded, as compat32 asks of a Header."""
        return f"{linesep} ".join(self._words())


def _header(value: str) -> Any:
    """An ASCII header value as is; any other as RFC 2047 encoded words."""
    return value if value.isascii() else _EncodedWords(value)


def _text(content: str, subtype: str) -> Message:
    """A UTF-8 text part in base64, encoded by binascii in one call (MIMEText goes line by line)."""
    part = MIMEBase("text", subtype, charset=UTF8)
    part.set_payload(content.encode(UTF8))
    encode_base64(part)
    return part


def _multipart(subtype: str) -> MIMEMultipart:
    """A multipart with its boundary set, so the generator need not search the parts for it.

    Every part is base64, whose lines never start with "--": the boundary cannot collide.
    """
    return MIMEMultipart(subtype, boundary=f"=_concord_{secrets.token_hex(12)}")


def _body(message: OutboxMessage) -> Message:
    """The text part alone, or the text, HTML and calendar parts as alternatives."""
    text = _text(message.body_text, "plain")
    if not message.body_html and not message.calendar:
        return text
    body = _multipart("alternative")
    body.attach(text)
    if message.body_html:
        body.attach(_text(message.body_html, "html"))
    if message.calendar:
        calendar = _text(message.calendar, "calendar")
        calendar.set_param("method", message.calendar_method or "REQUEST")
        body.attach(calendar)
    return body


def _with_files(body: Message, files: list[OutboxAttachment]) -> Message:
    """The body with the files attached after it (the body alone when there are none)."""
    if not files:
        return body
    mixed = _multipart("mixed")
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


def _headers(message: OutboxMessage, sender: str, message_id: str, now: datetime) -> list[Any]:
    """The top-level headers, in order, each as a value compat32 writes."""
    return [
        ("Subject", _header(message.subject)),
        ("From", formataddr(("Concord", sender))),
        ("To", _header(", ".join(recipients_of(message.recipient)))),
        ("Message-ID", message_id),
        ("Date", format_datetime(now)),
        ("Auto-Submitted", "auto-generated"),
        ("X-Concord-Kind", message.kind),
        ("Content-Language", message.language),
    ] + ([("Reply-To", message.reply_to)] if message.reply_to else [])


def _line(name: str, value: Any) -> str | None:
    """A header as WIRE writes it; None when only the generator knows how (a long value)."""
    if isinstance(value, _EncodedWords):
        return f"{name}: {value.encode(CRLF)}{CRLF}"
    if len(name) + len(value) < 76 and value.isascii() and "\r" not in value and "\n" not in value:
        return f"{name}: {value}{CRLF}"
    return None


def _base64_part(subtype: str, content: str) -> bytes:
    """A text part, byte for byte as the generator writes `_text(content, subtype)`."""
    head = f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}MIME-Version: 1.0{CRLF}'
    head += f"Content-Transfer-Encoding: base64{CRLF}{CRLF}"
    body = base64.encodebytes(content.encode(UTF8)).replace(b"\n", b"\r\n")
    return head.encode("ascii") + body


def _plain_wire(message: OutboxMessage, headers: list[Any]) -> bytes | None:
    """Text and optional HTML written directly, as the generator would; None for any other."""
    if message.calendar or not message.body_text or message.body_html == "":
        return None
    lines = [_line(name, value) for name, value in headers]
    if any(line is None for line in lines):
        return None
    top = "".join(line for line in lines if line is not None)
    if not message.body_html:
        text = _base64_part("plain", message.body_text)
        head, _, body = text.partition(b"\r\n\r\n")
        return head + b"\r\n" + top.encode("ascii") + b"\r\n" + body
    boundary = f"=_concord_{secrets.token_hex(12)}"
    start = f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"{CRLF}'
    start += f"MIME-Version: 1.0{CRLF}{top}{CRLF}--{boundary}{CRLF}"
    middle = f"{CRLF}--{boundary}{CRLF}".encode("ascii")
    end = f"{CRLF}--{boundary}--{CRLF}".encode("ascii")
    text, html = _base64_part("plain", message.body_text), _base64_part("html", message.body_html)
    return start.encode("ascii") + text + middle + html + end


def wire_bytes(
    message: OutboxMessage,
    *,
    sender: str,
    message_id: str,
    now: datetime,
    attachments: list[OutboxAttachment] | None = None,
) -> bytes:
    """The message as the mail server receives it, composed once with the fast MIME classes.

    Text with optional HTML, the usual email, is written directly: the generator's walk
    over the parts costs more than the rest of composing it.
    """
    headers = _headers(message, sender, message_id, now)
    if not attachments:
        direct = _plain_wire(message, headers)
        if direct is not None:
            return direct
    email = _with_files(_body(message), attachments or [])
    for name, value in headers:
        email[name] = value
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=WIRE).flatten(email)
    return buffer.getvalue()
