"""Taking replies, automatic replies and bounces from the mailbox, on both databases."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import addressee_for, addressees_for, linked_view
from models.messaging.emails import AssignmentCreated, Post
from models.messaging.inbound_intake import take_mail
from models.messaging.inbound_panels import reply_panels
from models.messaging.inbound_tables import InboundFile, InboundMessage
from models.messaging.outbox import OutboxMessage, message_id_for
from models.reference.institutions import Contact
from tests.support.factories import make_assignment, make_institution

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
REPLIES = "answers@coordination.example"


@pytest.fixture
def sent(session: Session, monkeypatch: pytest.MonkeyPatch) -> tuple[Assignment, OutboxMessage]:
    """An assignment of ANITP and the email that asked for it, with its signed reply address."""
    monkeypatch.setenv("CONCORD_REPLY_ADDRESS", REPLIES)
    get_settings.cache_clear()
    institution = make_institution(session, "ANITP")
    assignment = make_assignment(session, institution, key="report:1", due_at=NOW + timedelta(9))
    assert institution.id is not None
    to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
    item = linked_view(assignment, settings=get_settings(), now=NOW)
    Post(session, get_settings(), NOW).queue("created:1", to, AssignmentCreated(assignment=item))
    session.commit()
    email = session.exec(select(OutboxMessage).where(OutboxMessage.key == "created:1")).one()
    return assignment, email


def reply(to: str, text: str, *, refers_to: str | None = None, **headers: str) -> EmailMessage:
    """A reply from ANITP's focal point to `to`."""
    mail = EmailMessage()
    mail["From"] = "Punct focal ANITP <focal-point@anitp.example>"
    mail["To"] = to
    mail["Subject"] = headers.pop("Subject", "Re: Raport semestrial")
    mail["Message-ID"] = make_msgid(domain="anitp.example")
    if refers_to:
        mail["In-Reply-To"] = mail["References"] = refers_to
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return mail


def take(session: Session, mail: EmailMessage) -> InboundMessage:
    """Take one message and commit; the row it left."""
    taken = take_mail(
        session=session, raw=bytes(mail), source="imap", settings=get_settings(), now=NOW
    )
    session.commit()
    row = session.get(InboundMessage, taken.inbound_id)
    assert row is not None
    return row


def queued(session: Session, prefix: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(col(OutboxMessage.key).startswith(prefix))
    return list(session.exec(query).all())


def test_a_reply_to_the_signed_address_joins_its_assignment_once_and_is_acknowledged(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    assignment, email = sent
    assert email.reply_to and email.reply_to.startswith("answers+")
    mail = reply(
        email.reply_to, "Raportul este atașat.\n\nPe 6 dec. 2026, Concord a scris:\n> text"
    )
    mail.add_attachment(b"masura,valoare\n1.1.1,12\n", maintype="text", subtype="csv",
                        filename="raport.csv")  # fmt: skip
    row = take(session, mail)
    assert (row.outcome, row.matched_by, row.assignment_id) == ("waiting", "token", assignment.id)
    assert row.text is not None and "atașat" in row.text and "> text" not in row.text
    files = session.exec(select(InboundFile)).all()
    assert [(f.name, f.size) for f in files] == [("raport.csv", 24)]
    [ack] = queued(session, "reply-received:")
    assert ack.recipient == "focal-point@anitp.example" and "raport.csv" in ack.body_text
    assert "/a/" in ack.body_text, "the link to complete the form"
    again = take(session, mail)
    assert again.id == row.id and len(queued(session, "reply-received:")) == 1


def test_a_reply_in_the_thread_of_a_sent_email_is_tied_by_its_message_id(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    assignment, email = sent
    domain = get_settings().sender_domain
    row = take(session, reply(REPLIES, "Am primit.", refers_to=message_id_for(email.key, domain)))
    assert (row.outcome, row.matched_by, row.assignment_id) == ("waiting", "thread", assignment.id)


def test_a_forged_reply_address_ties_to_nothing_and_is_not_answered(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    assignment, _ = sent
    forged = f"answers+{assignment.id}-aaaaaaaaaaaaaaaa@coordination.example"
    row = take(session, reply(forged, "Vă rog trimiteți datele."))
    assert (row.outcome, row.assignment_id, row.sender, row.text) == ("forged", None, "", None)
    assert queued(session, "reply-") == []


def test_a_reply_with_personal_data_is_not_kept_and_the_sender_is_told_what_kind(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    _, email = sent
    assert email.reply_to is not None
    row = take(session, reply(email.reply_to, "Victima are CNP 1960101123456.", Subject="Caz"))
    assert (row.outcome, row.text, row.subject) == ("refused", None, "")
    assert session.exec(select(InboundFile)).all() == []
    [refusal] = queued(session, "reply-refused:")
    assert "1960101123456" not in refusal.body_text and "CNP" in refusal.body_text


def test_an_automatic_reply_is_recorded_and_never_answered(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    _, email = sent
    assert email.reply_to is not None
    mail = reply(email.reply_to, "Sunt în concediu.", Subject="Răspuns automat: Raport",
                 Auto_Submitted="auto-replied")  # fmt: skip
    row = take(session, mail)
    assert (row.outcome, row.text) == ("auto-reply", None)
    assert queued(session, "reply-") == []


def test_a_message_tied_to_nothing_keeps_neither_its_sender_nor_its_text(session: Session) -> None:
    row = take(session, reply(REPLIES, "Bună ziua, caut ajutor."))
    assert (row.outcome, row.sender, row.text, row.institution_id) == ("unmatched", "", None, None)


def dsn(original_id: str, recipient: str, action: str, status: str) -> bytes:
    """A delivery status notification (RFC 3464) as a mail server writes one."""
    return f"""From: MAILER-DAEMON@mx.anitp.example
To: concord@coordination.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <{status}.{action}@mx.anitp.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail system could not deliver your message.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.anitp.example

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} mailbox unknown

--B
Content-Type: text/rfc822-headers

From: Concord <concord@coordination.example>
To: {recipient}
Message-ID: {original_id}
Subject: Raport semestrial

--B--
""".replace("\n", "\r\n").encode()


def take_raw(session: Session, raw: bytes) -> InboundMessage:
    taken = take_mail(session=session, raw=raw, source="imap", settings=get_settings(), now=NOW)
    session.commit()
    row = session.get(InboundMessage, taken.inbound_id)
    assert row is not None
    return row


def test_a_hard_bounce_marks_the_contact_and_the_next_notices_go_to_the_others(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    _, email = sent
    original = message_id_for(email.key, get_settings().sender_domain)
    row = take_raw(session, dsn(original, "focal-point@anitp.example", "failed", "5.1.1"))
    assert (row.outcome, row.outbox_key) == ("bounce-hard", email.key)
    focal = session.exec(select(Contact).where(Contact.role == "focal-point")).one()
    assert focal.failing_since == NOW and "5.1.1" in (focal.failure or "")
    event = session.exec(select(StatusEvent).where(StatusEvent.entity_type == "contact")).one()
    assert (event.entity_id, event.to_status) == (focal.id, "failing")
    to = addressee_for(session=session, institution_id=focal.institution_id, roles=("focal-point",))
    assert to.emails == ("deputy@anitp.example",), "its other contacts, then its head"
    ids = [focal.institution_id]
    many = addressees_for(session=session, institution_ids=ids, roles=("focal-point",))
    assert many == {focal.institution_id: to}, "a round's or a sweep's reader is the same"
    assert queued(session, "reply-") == [], "a bounce is never answered"


def test_a_soft_bounce_is_recorded_and_leaves_the_contact_working(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    _, email = sent
    original = message_id_for(email.key, get_settings().sender_domain)
    row = take_raw(session, dsn(original, "focal-point@anitp.example", "delayed", "4.2.2"))
    assert row.outcome == "bounce-soft"
    assert all(c.working for c in session.exec(select(Contact)).all())


def test_a_bounce_about_an_address_the_email_never_went_to_marks_no_one(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    _, email = sent
    original = message_id_for(email.key, get_settings().sender_domain)
    take_raw(session, dsn(original, "head@anitp.example", "failed", "5.1.1"))
    take_raw(
        session,
        dsn("<unknown@coordination.example>", "focal-point@anitp.example", "failed", "5.1.2"),
    )
    assert all(c.working for c in session.exec(select(Contact)).all())


def test_the_coordinator_sees_replies_waiting_and_what_else_the_month_brought(
    session: Session, sent: tuple[Assignment, OutboxMessage]
) -> None:
    _, email = sent
    assert email.reply_to is not None
    take(session, reply(email.reply_to, "Raportul urmează."))
    take(session, reply(email.reply_to, "Absent.", Subject="Răspuns automat: Raport"))
    [panel] = reply_panels(session, NOW, "ro", ZoneInfo("Europe/Bucharest"))
    assert panel.title == "Răspunsuri prin e-mail care așteaptă să devină răspunsuri"
    assert panel.rows == [["7 decembrie 2026, 11:00", "ANITP", "Raport semestrial", "—"]]
    assert "1 răspuns automat" in panel.note
