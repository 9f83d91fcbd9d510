"""Taking one message from the mailbox: record it once, and do what its kind asks."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from models.core.privacy import KINDS
from models.core.settings import Settings
from models.lifecycle.attachments import Attachment, safe_file_name, store_attachment
from models.messaging.bounces import take_bounce
from models.messaging.compose import Addressee, linked_view
from models.messaging.emails import Post, ReplyReceived, ReplyRefused
from models.messaging.inbound import (
    InboundKind,
    MalformedMail,
    ParsedMail,
    parse_mail,
    raw_message_id,
)
from models.messaging.inbound_tables import InboundFile, InboundMessage, InboundOutcome
from models.messaging.message_views import InstitutionView
from models.messaging.replies import Match, match_reply, personal_data_in_reply
from models.reference.institutions import Institution


@dataclass(frozen=True)
class Taken:
    """What became of one message: its row, its outcome, and whether it was new."""

    inbound_id: int
    outcome: str
    new: bool


def take_mail(
    *,
    session: Session,
    raw: bytes,
    source: str,
    settings: Settings,
    now: datetime,
    oversized: bool = False,
) -> Taken:
    """Record one message once (by Message-ID), in the caller's transaction, and act on it.

    `oversized`: `raw` is only the header of a message too large to read whole.
    """
    try:
        mail = parse_mail(raw)
    except MalformedMail as exc:
        row = _row(raw_message_id(raw), source, now, "malformed")
        return _kept(session, row, InboundOutcome.MALFORMED, note=str(exc)[:300])
    found = session.exec(
        select(InboundMessage).where(InboundMessage.message_id == mail.message_id[:300])
    ).first()
    if found is not None and found.id is not None:
        return Taken(found.id, found.outcome, new=False)
    row = _row(mail.message_id, source, now, mail.kind)
    if oversized or len(raw) > settings.inbound_max_bytes:
        limit = f"over {settings.inbound_max_bytes} bytes"
        return _kept(session, row, InboundOutcome.TOO_LARGE, note=limit)
    if mail.kind == InboundKind.BOUNCE:
        return _bounce(session, row, mail, now)
    return _reply(session, row, mail, settings, now)


def _row(message_id: str, source: str, now: datetime, kind: str) -> InboundMessage:
    return InboundMessage(
        message_id=message_id[:300], received_at=now, source=source, sender="", kind=kind,
        outcome=InboundOutcome.UNMATCHED,
    )  # fmt: skip


def _kept(session: Session, row: InboundMessage, outcome: str, **values: object) -> Taken:
    """Store the row with its outcome; flushed, so its id is known."""
    row.outcome = outcome
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    assert row.id is not None
    return Taken(row.id, outcome, new=True)


def _bounce(session: Session, row: InboundMessage, mail: ParsedMail, now: datetime) -> Taken:
    """Mark the contacts a permanent failure names; a bounce is never answered."""
    taken = take_bounce(
        session=session, original_id=mail.original_message_id, failed=mail.failed, now=now
    )
    if taken.outbox is None:
        return _kept(session, row, InboundOutcome.UNMATCHED, note="returns no email Concord sent")
    outcome = InboundOutcome.BOUNCE_HARD if taken.permanent else InboundOutcome.BOUNCE_SOFT
    codes = ", ".join(f"{f.address} {f.status}" for f in mail.failed)
    return _kept(
        session, row, outcome, institution_id=taken.outbox.institution_id,
        outbox_key=taken.outbox.key, note=codes[:300],
    )  # fmt: skip


def _reply(
    session: Session, row: InboundMessage, mail: ParsedMail, settings: Settings, now: datetime
) -> Taken:
    """A reply, or an automatic one: tie it to its assignment, check it, keep it, answer it."""
    match = match_reply(session, mail, settings)
    if match.forged:
        return _kept(session, row, InboundOutcome.FORGED, note="reply address not signed here")
    if match.institution_id is None:
        return _kept(session, row, InboundOutcome.UNMATCHED, note="ties to no email Concord sent")
    _tie(row, match, mail.sender)
    if mail.kind == InboundKind.AUTO_REPLY:
        return _kept(session, row, InboundOutcome.AUTO_REPLY)
    if (kind := personal_data_in_reply(mail)) is not None:
        taken = _kept(session, row, InboundOutcome.REFUSED, note=f"personal data: {kind}")
        _answer(session, row, match, ReplyRefused, settings, now, found=KINDS[kind])
        return taken
    outcome = InboundOutcome.WAITING if match.assignment else InboundOutcome.UNMATCHED
    taken = _kept(session, row, outcome, subject=mail.subject[:300], text=mail.text)
    names = _store_files(session, row, mail, settings)
    _answer(session, row, match, ReplyReceived, settings, now, subject=row.subject, files=names)
    return taken


def _tie(row: InboundMessage, match: Match, sender: str) -> None:
    """Note what the message was tied to; its sender is kept only once it is tied."""
    row.sender = sender[:254]
    row.matched_by = match.by
    row.institution_id = match.institution_id
    row.outbox_key = match.outbox_key
    row.assignment_id = match.assignment.id if match.assignment else None


def _store_files(
    session: Session, row: InboundMessage, mail: ParsedMail, settings: Settings
) -> list[str]:
    """Keep the reply's files beside the answers' files; returns their names."""
    assert row.id is not None
    names = []
    for file in mail.attachments:
        name = safe_file_name(file.filename)
        stored = store_attachment(Attachment(name, file.data), settings.var_dir / "attachments")
        session.add(
            InboundFile(
                inbound_id=row.id, name=name, content_type=file.content_type[:100],
                size=stored.size, sha256=stored.sha256,
            )
        )  # fmt: skip
        names.append(name)
    return names


def _answer(
    session: Session,
    row: InboundMessage,
    match: Match,
    context: type[ReplyReceived] | type[ReplyRefused],
    settings: Settings,
    now: datetime,
    **values: object,
) -> None:
    """Send the sender one email about what came of the reply, keyed so it goes once."""
    institution = session.get(Institution, match.institution_id)
    assert institution is not None
    to = Addressee(
        institution=InstitutionView.of(institution, name=institution.name_in(institution.language)),
        institution_id=institution.id,
        emails=(row.sender,),
    )
    item = linked_view(match.assignment, settings=settings, now=now) if match.assignment else None
    key = f"{context.kind}:{hashlib.sha256(row.message_id.encode()).hexdigest()[:40]}"
    Post(session, settings, now).queue(
        key, to, context.model_validate({"assignment": item, "received_at": now, **values})
    )
    row.reply_key = key
    session.add(row)
