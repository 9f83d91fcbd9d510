"""Replies: tie one to its assignment by its signed address or its thread, then check it."""

import io
from dataclasses import dataclass

from openpyxl import load_workbook
from sqlmodel import Session

from models.core.privacy import personal_data_in
from models.core.settings import Settings
from models.core.tokens import TokenError, verify_reply_token
from models.lifecycle.tables import Assignment
from models.messaging.bounces import sent_email_named
from models.messaging.inbound import InboundFile, ParsedMail, reply_tokens
from models.messaging.inbound_tables import MatchedBy

TEXT_TYPES = ("text/plain", "text/csv")
WORKBOOK_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
# an official's own address in a reply's text is no one's identity; every other kind is
IGNORED_KINDS = frozenset({"email"})


@dataclass(frozen=True)
class Match:
    """What a reply was tied to, and how; `forged` when its reply address does not hold."""

    assignment: Assignment | None = None
    institution_id: int | None = None
    outbox_key: str | None = None
    by: MatchedBy | None = None
    forged: bool = False


def match_reply(session: Session, mail: ParsedMail, settings: Settings) -> Match:
    """Tie a reply to its assignment: the signed reply address first, then the thread.

    The sender alone never ties a message to anything: any address can be written in From.
    """
    if settings.reply_address is not None:
        tokens = reply_tokens(mail.addressed_to, str(settings.reply_address))
        if tokens:
            return _by_token(session, tokens[0], settings)
    for message_id in mail.refers_to:
        if message_id.rpartition("@")[2].lower() != settings.sender_domain.lower():
            continue
        outbox = sent_email_named(session, message_id)
        if outbox is not None:
            found = _by_reply_to(session, outbox.reply_to, settings)
            institution = found.institution_id or outbox.institution_id
            return Match(found.assignment, institution, outbox.key, MatchedBy.THREAD)
    return Match()


def _by_token(session: Session, token: str, settings: Settings) -> Match:
    try:
        assignment_id = verify_reply_token(token, key=settings.resolved_signing_key())
    except TokenError:
        return Match(forged=True)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        return Match(forged=True)
    return Match(assignment, assignment.institution_id, None, MatchedBy.TOKEN)


def _by_reply_to(session: Session, reply_to: str | None, settings: Settings) -> Match:
    """The assignment named by the reply address an email Concord sent carried, if any."""
    if not reply_to or settings.reply_address is None:
        return Match()
    tokens = reply_tokens([reply_to], str(settings.reply_address))
    return _by_token(session, tokens[0], settings) if tokens else Match()


def personal_data_in_reply(mail: ParsedMail) -> str | None:
    """The first kind of personal data in a reply's subject, text, file names or file contents."""
    texts = [mail.subject, mail.text, *(f.filename for f in mail.attachments)]
    texts += [_readable(f) for f in mail.attachments]
    for text in texts:
        if text and (kind := personal_data_in(text, ignore=IGNORED_KINDS)) is not None:
            return kind
    return None


def _readable(file: InboundFile) -> str:
    """The text a file holds, for a table or plain text; empty for what cannot be read here."""
    if file.content_type in TEXT_TYPES or file.filename.lower().endswith((".csv", ".txt")):
        return _decoded(file.data)
    if file.content_type in WORKBOOK_TYPES or file.filename.lower().endswith(".xlsx"):
        return _workbook_text(file.data)
    return ""


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1250", errors="replace")  # what Romanian Excel writes a CSV in


def _workbook_text(data: bytes) -> str:
    """Every cell of every sheet, one line per row; empty when the file is not a workbook."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged workbook is kept as it came, its name checked like any file's
        return ""
    rows = (row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return "\n".join(" ".join(str(cell) for cell in row if cell is not None) for row in rows)
