"""Reading an inbound email: replies, auto-replies and bounces, as plain values for the intake."""

import email
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.header import decode_header, make_header
from email.message import Message
from email.policy import default
from email.utils import getaddresses
from enum import StrEnum

from models.messaging.inbound_bounce import (
    FailedRecipient,
    human_text,
    is_report,
    looks_like_old_bounce,
    report_failures,
    returned_message_id,
    text_failures,
)
from models.messaging.inbound_text import (
    forwarded_text,
    html_to_text,
    is_forward_subject,
    join_texts,
    new_text,
    part_text,
    tidy,
)

__all__ = [
    "FailedRecipient",
    "InboundFile",
    "InboundKind",
    "MalformedMail",
    "ParsedMail",
    "is_auto_reply",
    "parse_mail",
    "reply_tokens",
]

ADDRESSED_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_KNOWN_HEADERS = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "sender"}
    | {"mime-version", "content-type"}
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:auto:|(?:automatic reply|out of (?:the )?office|auto-?reply|auto reply|autoresponse"
    r"|r[ăa]spuns automat|absent de la birou)\b)",
    re.IGNORECASE,
)
_ID = re.compile(r"<([^<>\s]+)>")
_CID = re.compile(r"cid:([^\"'\s>)]+)", re.IGNORECASE)


class MalformedMail(ValueError):
    """Bytes that are not an email at all."""


class InboundKind(StrEnum):
    """What an inbound email is: a person's reply, a robot's answer or a failed delivery."""

    REPLY = "reply"
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class InboundFile:
    """A file attached to an inbound email."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    """An inbound email reduced to what the intake needs."""

    message_id: str
    sender: str
    addressed_to: list[str]
    subject: str
    refers_to: list[str]
    kind: InboundKind
    text: str
    attachments: list[InboundFile] = field(default_factory=list)
    failed: list[FailedRecipient] = field(default_factory=list)
    original_message_id: str | None = None


def header(message: Message, name: str) -> str:
    """A header decoded to text, or "" when absent; a header the parser chokes on is decoded raw."""
    try:
        values = message.get_all(name) or []
        return " ".join(str(value) for value in values).strip()
    except Exception:  # policy parsers raise on some real-world garbage
        raw = [value for key, value in message.raw_items() if key.lower() == name.lower()]
        try:
            return " ".join(str(make_header(decode_header(str(value)))) for value in raw).strip()
        except Exception:  # undecodable encoded words: keep them as written
            return " ".join(str(value) for value in raw).strip()


def _addresses(message: Message, names: tuple[str, ...]) -> list[str]:
    """Lower-cased addresses in the named headers, de-duplicated, in order."""
    values = [header(message, name) for name in names]
    found = [address.strip().lower() for _, address in getaddresses([v for v in values if v])]
    return list(dict.fromkeys(address for address in found if "@" in address))


def _ids(value: str) -> list[str]:
    """Message ids in a header, without angle brackets."""
    found = _ID.findall(value)
    return found if found or not value.strip() else value.split()


def _refers_to(message: Message) -> list[str]:
    """In-Reply-To then References ids, de-duplicated, in order."""
    ids = _ids(header(message, "In-Reply-To")) + _ids(header(message, "References"))
    return list(dict.fromkeys(ids))


def _message_id(message: Message, raw: bytes) -> str:
    """The Message-ID without brackets, or a digest of the raw bytes when there is none."""
    value = header(message, "Message-ID")
    ids = _ids(value)
    return ids[0] if ids else raw_message_id(raw)


def raw_message_id(raw: bytes) -> str:
    """The id of a message that names none: a digest of its bytes, the same each time."""
    return "sha256-" + hashlib.sha256(raw).hexdigest()


def is_auto_reply(message: Message, subject: str) -> bool:
    """Whether a robot wrote the message (RFC 3834 and what Exchange and others do instead).

    Auto-Submitted with any value but "no"; X-Autoreply or X-Autorespond present;
    Precedence auto_reply, bulk or junk; X-MS-Exchange-Generated-Message-Source present;
    or a subject opening with "Automatic reply:", "Auto:", "Out of Office", "Autoreply",
    "Răspuns automat", "Raspuns automat" or "Absent de la birou". X-Auto-Response-Suppress
    counts for nothing: it asks the recipient's robots not to answer, and Outlook sets it on
    mail people write too.
    """
    auto_submitted = re.split(r"[\s;(]", header(message, "Auto-Submitted").strip())[0].lower()
    precedence = header(message, "Precedence").strip().lower()
    return (
        bool(auto_submitted and auto_submitted != "no")
        or bool(header(message, "X-Autoreply") or header(message, "X-Autorespond"))
        or precedence in {"auto_reply", "bulk", "junk"}
        or bool(header(message, "X-MS-Exchange-Generated-Message-Source"))
        or bool(_AUTO_SUBJECT.match(subject))
    )


def _parts(message: Message) -> Iterator[Message]:
    """The message and its parts, not descending into attached messages."""
    stack = [message]
    while stack:
        part = stack.pop()
        yield part
        payload = part.get_payload() if part.get_content_maintype() == "multipart" else None
        if isinstance(payload, list):
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))


def _attached_messages(message: Message) -> list[Message]:
    """Messages attached whole (message/rfc822), as a forward as attachment carries them."""
    found: list[Message] = []
    for part in _parts(message):
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else payload
            if isinstance(inner, Message):
                found.append(inner)
    return found


def _filename(part: Message) -> str:
    """The part's file name, or "" when it has none or it cannot be read."""
    try:
        return (part.get_filename() or "").strip()
    except Exception:  # a garbled RFC 2231 parameter
        return ""


def _is_body(part: Message) -> bool:
    """Whether a part is body text rather than a file."""
    return (
        part.get_content_maintype() == "text"
        and not _filename(part)
        and (part.get_content_disposition() != "attachment")
    )


def _body_text(message: Message, keep_history: bool) -> str:
    """The body as plain text: text/plain if any, else the HTML turned into text."""
    bodies = [part for part in _parts(message) if _is_body(part)]
    for part in bodies:
        plain = tidy(part_text(part)) if part.get_content_type() == "text/plain" else ""
        if plain:  # some clients send an empty plain part beside the HTML they wrote in
            return plain
    for part in bodies:
        if part.get_content_type() == "text/html":
            return html_to_text(part_text(part), keep_history=keep_history)
    return ""


def _inline_images(message: Message) -> set[str]:
    """Content-IDs the HTML bodies show inline (logos, signature pictures)."""
    cids: set[str] = set()
    for part in _parts(message):
        if part.get_content_type() == "text/html" and not _filename(part):
            cids.update(_CID.findall(part_text(part)))
    return cids


def _attachments(message: Message) -> list[InboundFile]:
    """Files attached to the message and to any message attached to it."""
    inline = _inline_images(message)
    files: list[InboundFile] = []
    for part in _parts(message):
        name = _filename(part)
        cid = header(part, "Content-ID").strip().strip("<>")
        if not name or part.is_multipart() or (cid and cid in inline):
            continue
        data = part.get_payload(decode=True)
        content = data if isinstance(data, bytes) else b""
        files.append(InboundFile(name, part.get_content_type(), content))
    for inner in _attached_messages(message):
        files.extend(_attachments(inner))
    return files


def _reply_text(message: Message, subject: str) -> str:
    """The sender's new words, with those of any message forwarded inline or attached."""
    attached = _attached_messages(message)
    inline_forward = is_forward_subject(subject) and not attached
    body = _body_text(message, keep_history=inline_forward)
    if inline_forward:
        return forwarded_text(body)
    inner = [_reply_text(part, header(part, "Subject")) for part in attached]
    return join_texts(new_text(body), *inner)


def _inner_refers_to(message: Message) -> list[str]:
    """The threading ids of attached messages, which point at our own emails."""
    ids: list[str] = []
    for inner in _attached_messages(message):
        ids += _refers_to(inner) + _inner_refers_to(inner)
    return ids


def _check(raw: bytes, message: Message) -> None:
    """Refuse bytes that carry no email headers."""
    if not raw.strip():
        raise MalformedMail("empty input")
    names = {key.lower() for key, _ in message.raw_items()}
    if not names & _KNOWN_HEADERS:
        raise MalformedMail("no email headers (From, To, Subject, Date, Message-ID, Content-Type)")


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes into a ParsedMail; MalformedMail when they are not an email."""
    message = email.message_from_bytes(raw, policy=default)
    _check(raw, message)
    sender = next(iter(_addresses(message, ("From",))), "")
    subject = " ".join(header(message, "Subject").split())
    envelope = ParsedMail(
        message_id=_message_id(message, raw),
        sender=sender,
        addressed_to=_addresses(message, ADDRESSED_HEADERS),
        subject=subject,
        refers_to=_refers_to(message),
        kind=InboundKind.REPLY,
        text="",
    )
    if is_report(message) or looks_like_old_bounce(sender, subject):
        return _bounce(envelope, message)
    return _reply(envelope, message)


def _bounce(envelope: ParsedMail, message: Message) -> ParsedMail:
    """A bounce: its explanation, the recipients it failed and the message it returns."""
    text = tidy(human_text(message))
    failed = report_failures(message) if is_report(message) else []
    return replace(
        envelope,
        kind=InboundKind.BOUNCE,
        text=text,
        failed=failed or text_failures(text, envelope.sender),
        original_message_id=returned_message_id(message, text),
    )


def _reply(envelope: ParsedMail, message: Message) -> ParsedMail:
    """A person's or a robot's answer: its new text, files, and every thread id it carries."""
    robot = is_auto_reply(message, envelope.subject)
    return replace(
        envelope,
        kind=InboundKind.AUTO_REPLY if robot else InboundKind.REPLY,
        refers_to=list(dict.fromkeys(envelope.refers_to + _inner_refers_to(message))),
        text=_reply_text(message, envelope.subject),
        attachments=_attachments(message),
    )


def reply_tokens(addresses: list[str], reply_address: str) -> list[str]:
    """Tokens from plus-addresses of the reply address: 'answers+ab12cd@x.example' gives 'ab12cd'.

    The domain and the local part are compared case-insensitively; the token keeps its case.
    """
    local, _, domain = reply_address.strip().rpartition("@")
    prefix = local.lower() + "+"
    tokens: list[str] = []
    for address in addresses:
        their_local, _, their_domain = address.strip().strip("<>").rpartition("@")
        if their_domain.lower() != domain.lower() or not their_local.lower().startswith(prefix):
            continue
        token = their_local[len(prefix) :]
        if token and token not in tokens:
            tokens.append(token)
    return tokens
