"""Delivery status notifications: who could not be reached, why, and which message came back."""

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser
from email.policy import default

from models.messaging.inbound_text import html_to_text, part_text

_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# "550 5.1.1", "550-5.1.1", "452 4.2.2", or a bare "550" after an address
_ENHANCED = re.compile(r"\b([245])\d\d[ -]#?([245]\.\d{1,3}\.\d{1,3})\b")
_BASIC = re.compile(r"(?<![\w.])([45])\d\d(?=[ -])")
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_MESSAGE_ID_LINE = re.compile(r"^\s*Message-ID:\s*<?([^<>\s]+)>?", re.IGNORECASE | re.MULTILINE)
_RETURNED_HEADER = re.compile(r"^(?:Return-Path|Received|Message-ID|From|To|Subject|Date):", re.I)
_STATUS_PARTS = frozenset({"message/delivery-status", "message/global-delivery-status"})
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
_BOUNCE_SUBJECTS = (
    "delivery status notification",
    "undelivered mail returned to sender",
    "undeliverable",
    "mail delivery failed",
    "returned mail",
    "delivery failure",
    "failure notice",
    "nedistribuabil",
    "mesaj nelivrat",
)


@dataclass(frozen=True)
class FailedRecipient:
    """A recipient a delivery status notification reports as failed or delayed."""

    address: str
    status: str  # the enhanced code, "5.1.1"
    permanent: bool
    diagnostic: str


def is_report(message: Message) -> bool:
    """Whether the message is an RFC 3464 delivery status report."""
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def looks_like_old_bounce(sender: str, subject: str) -> bool:
    """A bounce without a report part: sent by the mail system with a telling subject."""
    local = sender.partition("@")[0]
    lowered = subject.lower()
    return local in _DAEMONS and any(words in lowered for words in _BOUNCE_SUBJECTS)


def _status_blocks(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status part, parsed however it arrived."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    raw = part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    chunks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [HeaderParser(policy=default).parsestr(chunk) for chunk in chunks if chunk.strip()]


def _field(block: Message, name: str) -> str:
    """A field of a status block as one line, with its "rfc822;"/"smtp;" type dropped."""
    try:
        value = str(block.get(name, "") or "")
    except Exception:  # a malformed field must not lose the rest of the report
        return ""
    value = " ".join(value.split())
    kind, sep, rest = value.partition(";")
    return rest.strip() if sep and " " not in kind.strip() else value


def _recipient(block: Message) -> FailedRecipient | None:
    """The failed or delayed recipient a per-recipient block names, if any."""
    action = _field(block, "Action").lower()
    address = (_field(block, "Final-Recipient") or _field(block, "Original-Recipient")).lower()
    if action not in {"failed", "delayed"} or not address:
        return None
    found = _STATUS.search(_field(block, "Status"))
    status = found.group(1) if found else ("5.0.0" if action == "failed" else "4.0.0")
    permanent = action == "failed" and status.startswith("5")
    diagnostic = _field(block, "Diagnostic-Code")
    return FailedRecipient(address.strip("<>"), status, permanent, diagnostic)


def report_failures(message: Message) -> list[FailedRecipient]:
    """Every failed or delayed recipient in a report's message/delivery-status part."""
    failed: list[FailedRecipient] = []
    for part in message.walk():
        if part.get_content_type() not in _STATUS_PARTS:
            continue
        for block in _status_blocks(part):
            recipient = _recipient(block)
            if recipient and recipient.address not in {f.address for f in failed}:
                failed.append(recipient)
    return failed


def _line_failure(line: str, last_address: str) -> FailedRecipient | None:
    """A failure a line of a bounce's text reports, with its address or the one above it."""
    enhanced = _ENHANCED.search(line)
    addresses = _ADDRESS.findall(line)
    address = (addresses[0] if addresses else last_address).lower()
    if enhanced and address:
        status = enhanced.group(2)
    else:
        basic = _BASIC.search(line)
        if not (basic and addresses):
            return None
        status = f"{basic.group(1)}.0.0"
    return FailedRecipient(address, status, status.startswith("5"), line.strip())


def text_failures(text: str, sender: str) -> list[FailedRecipient]:
    """Failed recipients read from a bounce's text where a code like "550 5.1.1" appears."""
    failed: dict[str, FailedRecipient] = {}
    last_address = ""
    for line in text.splitlines():
        if _RETURNED_HEADER.match(line):
            break  # the returned message's headers start; its addresses are not recipients
        found = _line_failure(line, last_address)
        if found and found.address != sender and found.address not in failed:
            failed[found.address] = found
        addresses = [a.lower() for a in _ADDRESS.findall(line) if a.lower() != sender]
        last_address = addresses[-1] if addresses else last_address
    return list(failed.values())


def _returned_id(part: Message) -> str | None:
    """The Message-ID in a part that carries the returned message or its headers."""
    kind = part.get_content_type()
    if kind in {"message/rfc822", "message/global"}:
        inner = part.get_payload()
        headers = inner[0] if isinstance(inner, list) and inner else inner
    elif kind in {"text/rfc822-headers", "message/global-headers"}:
        raw = part.get_payload(decode=True)
        raw = raw if isinstance(raw, bytes) else str(part.get_payload()).encode("utf-8", "replace")
        headers = BytesHeaderParser(policy=default).parsebytes(raw)
    else:
        return None
    if not isinstance(headers, Message):
        return None
    found = _MESSAGE_ID_LINE.search(f"Message-ID: {headers.get('Message-ID', '')}")
    return found.group(1) if found else None


def returned_message_id(message: Message, text: str) -> str | None:
    """The Message-ID of the returned message, from its headers part or the bounce's text."""
    for part in message.walk():
        found = _returned_id(part)
        if found:
            return found
    in_text = _MESSAGE_ID_LINE.search(text)
    return in_text.group(1) if in_text else None


def human_text(message: Message) -> str:
    """The readable explanation at the top of a report, or the whole text of an old bounce."""
    parts = [part for part in message.walk() if not part.get_filename()]
    for part in parts:
        if part.get_content_type() == "text/plain":
            return part_text(part)
    for part in parts:
        if part.get_content_type() == "text/html":
            return html_to_text(part_text(part), keep_history=True)
    return ""
