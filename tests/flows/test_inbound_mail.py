"""The inbound-mail flow on a real Dovecot: each kind of message ends where it should, once."""

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from flows.inbound_mail import inbound_mail
from models.core.settings import get_settings
from models.messaging.compose import addressee_for, linked_view
from models.messaging.emails import AssignmentCreated, Post
from models.messaging.inbound import parse_mail
from models.messaging.inbound_tables import InboundFile, InboundMessage
from models.messaging.outbox import OutboxMessage, message_id_for
from models.reference.institutions import Contact, Institution
from tests.support.dovecot import ImapServer, imap_server
from tests.support.factories import make_assignment, make_institution
from tests.support.samples import NOW
from tests.support.servers import SmtpServer

__all__ = ["imap_server"]

MAIL = Path(__file__).parents[1] / "models" / "messaging" / "mail"
FOCAL_POINTS = {
    "ANITP": "focal@anitp.example",
    "DGASPC-CJ": "focal@dgaspc-cluj.example",
    "IGPR": "focal@igpr.example",
    "DIICOT": "focal@diicot.example",
    "DGASPC-BH": "focal@dgaspc-bihor.example",
    "DGASPC-AR": "fost.focal@dgaspc-arad.example",
    "DGASPC-VS": "focal@dgaspc-vaslui.example",
}
# each sample, the institution it answers, and what stands in it for Concord's own headers
SAMPLES = {
    "ro_gmail_reply_csv": ("ANITP", "answers+ab12cd34", "<outbox-41.ab12cd34@concord.example>"),
    "ro_outlook_html": ("DGASPC-CJ", "answers+c0ffee12", "<outbox-42.c0ffee12@concord.example>"),
    "en_gmail_reply": ("IGPR", "answers+ab12cd34", "<outbox-44.ab12cd34@concord.example>"),
    "en_outlook_xlsx": ("DIICOT", "answers+0a0b0c0d", "<outbox-45.0a0b0c0d@concord.example>"),
    "fwd_inline": ("DGASPC-BH", "answers+b1b2b3b4", None),
    "ro_auto_replied": ("ANITP", "answers+ab12cd34", "<outbox-41.ab12cd34@concord.example>"),
    "postfix_dsn_hard": ("DGASPC-AR", None, "<outbox-47.e5e5e5e5@concord.example>"),
    "postfix_dsn_delayed": ("DGASPC-VS", None, "<outbox-49.a9a9a9a9@concord.example>"),
}
EXPECTED = {
    "ro_gmail_reply_csv": ("waiting", "token", "ANITP", ["raport_T3_2026.csv"]),
    "ro_outlook_html": ("waiting", "token", "DGASPC-CJ", []),
    "en_gmail_reply": ("waiting", "thread", "IGPR", []),
    "en_outlook_xlsx": ("waiting", "token", "DIICOT", ["Q3 report DIICOT.xlsx"]),
    "fwd_inline": ("waiting", "token", "DGASPC-BH", []),
    "ro_auto_replied": ("auto-reply", "token", "ANITP", []),
    "postfix_dsn_hard": ("bounce-hard", None, "DGASPC-AR", []),
    "postfix_dsn_delayed": ("bounce-soft", None, "DGASPC-VS", []),
    "personal_data": ("refused", "token", "ANITP", []),
    "forged": ("forged", None, None, []),
}


@pytest.fixture
def asked(session: Session, monkeypatch: pytest.MonkeyPatch) -> dict[str, OutboxMessage]:
    """Each institution's assignment and the email that asked for it, by institution code."""
    monkeypatch.setenv("CONCORD_SENDER", "concord@concord.example")
    monkeypatch.setenv("CONCORD_REPLY_ADDRESS", "answers@concord.example")
    get_settings.cache_clear()
    settings, emails = get_settings(), {}
    for code, focal in FOCAL_POINTS.items():
        institution = make_institution(
            session, code, emails={"focal-point": focal, "head": f"head@{code.lower()}.example"}
        )
        assignment = make_assignment(session, institution, key=f"report:{code}", due_at=NOW)
        assert institution.id is not None
        to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
        item = linked_view(assignment, settings=settings, now=NOW)
        Post(session, settings, NOW).queue(
            f"created:{code}", to, AssignmentCreated(assignment=item)
        )
        session.commit()
        query = select(OutboxMessage).where(OutboxMessage.key == f"created:{code}")
        emails[code] = session.exec(query).one()
    return emails


def sample(name: str, email: OutboxMessage, token: str | None, message_id: str | None) -> bytes:
    """A sample message, answering `email`: its reply address and Message-ID put in."""
    raw = (MAIL / f"{name}.eml").read_bytes()
    if token is not None:
        assert email.reply_to is not None
        reply_to = email.reply_to if name != "en_gmail_reply" else "answers@concord.example"
        raw = raw.replace(f"{token}@concord.example".encode(), reply_to.encode())
    if message_id is not None:
        ours = message_id_for(email.key, get_settings().sender_domain)
        raw = raw.replace(message_id.encode(), ours.encode())
    return raw


def written(to: str, text: str) -> bytes:
    """A plain reply from ANITP's focal point, as a mail client writes one."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = FOCAL_POINTS["ANITP"], to, "Re: Raport"
    mail["Message-ID"] = make_msgid(domain="anitp.example")
    mail.set_content(text)
    return bytes(mail)


def mailbox_of(asked: dict[str, OutboxMessage]) -> dict[str, bytes]:
    """Every message the test puts in the mailbox, by name."""
    messages = {
        name: sample(name, asked[code], token, message_id)
        for name, (code, token, message_id) in SAMPLES.items()
    }
    anitp = asked["ANITP"].reply_to
    assert anitp is not None
    messages["personal_data"] = written(anitp, "Victima, CNP 1960101123456, a fost preluată.")
    forged = anitp.split("-")[0] + "-aaaaaaaaaaaaaaaa@concord.example"
    messages["forged"] = written(forged, "Trimiteți-mi datele tuturor cazurilor.")
    return messages


def outcomes(session: Session) -> dict[str, tuple[str, str | None, str | None, list[str]]]:
    """Each message's outcome, how it was tied, its institution and its files, by Message-ID."""
    names = dict(session.exec(select(Institution.id, Institution.code)).all())
    found = {}
    for row in session.exec(select(InboundMessage)).all():
        files = session.exec(select(InboundFile.name).where(InboundFile.inbound_id == row.id))
        found[row.message_id] = (
            row.outcome, row.matched_by, names.get(row.institution_id), sorted(files.all()),
        )  # fmt: skip
    return found


@pytest.mark.slow
def test_every_message_ends_where_it_should_and_nothing_twice_when_read_again(
    prefect_api: None,
    session: Session,
    asked: dict[str, OutboxMessage],
    imap_server: ImapServer,
    smtp_server: SmtpServer,
) -> None:
    messages = mailbox_of(asked)
    for raw in messages.values():
        imap_server.deliver(raw)
    counts = inbound_mail(now=NOW)
    assert counts["waiting"] == 5 and counts["refused"] == 1, counts

    session.rollback()  # a new transaction sees what the flow committed
    by_id = outcomes(session)
    for name, raw in messages.items():
        assert by_id[parse_mail(raw).message_id] == EXPECTED[name], name
    arad = session.exec(select(Contact).where(Contact.email == FOCAL_POINTS["DGASPC-AR"])).one()
    assert not arad.working and "5.1.1" in (arad.failure or "")
    vaslui = session.exec(select(Contact).where(Contact.email == FOCAL_POINTS["DGASPC-VS"])).one()
    assert vaslui.working, "a temporary failure marks no one"

    answers = [m for m in smtp_server.messages if m["X-Concord-Kind"].startswith("reply-")]
    assert sorted((m["X-Concord-Kind"], m["To"].lower()) for m in answers) == [
        ("reply-received", "coordonare@anitp.example"),  # who forwarded the reply
        ("reply-received", "focal@anitp.example"),
        ("reply-received", "focal@dgaspc-cluj.example"),
        ("reply-received", "focal@diicot.example"),
        ("reply-received", "focal@igpr.example"),
        ("reply-refused", "focal@anitp.example"),
    ]
    refusal = next(m for m in answers if m["X-Concord-Kind"] == "reply-refused")
    body = refusal.get_body(("plain",))
    assert body is not None and "1960101123456" not in body.get_content()
    assert imap_server.messages("INBOX") == []

    for raw in messages.values():  # a crash before they were moved brings them all again
        imap_server.deliver(raw)
    assert inbound_mail(now=NOW) == {"again": len(messages), "taken": 0}
    total = session.exec(select(func.count()).select_from(InboundMessage)).one()
    assert total == len(messages) and len(smtp_server.messages) == len(answers) + len(asked)
