import json
import logging
from datetime import timedelta
from email.message import EmailMessage

import icalendar
from sqlmodel import Session, select

from models.core.settings import get_settings
from models.core.tokens import webhook_secret, webhook_signature
from models.meetings.invitations import meeting_calendar
from models.meetings.messages import MeetingMessage
from models.messaging.compose import Addressee, CalendarAttachment, addressee_for, notify
from models.messaging.emails import MessageKind
from models.messaging.outbox import OutboxMessage
from tasks.messaging.outbox import deliver_due_messages
from tests.support.factories import make_institution
from tests.support.samples import CANARIES, NOW, meeting, sample_context
from tests.support.servers import SmtpServer, WebhookReceiver

LOG = logging.getLogger("test")
MEMBERS = ("ANITP", "DIICOT", "EUROPOL")


def deliver(minutes: int = 0) -> dict[str, int]:
    return deliver_due_messages(
        now=NOW + timedelta(minutes=minutes), batch_size=50, max_batches=5, logger=LOG
    )


def addressees(session: Session) -> list[Addressee]:
    result = []
    for code in MEMBERS:
        institution = make_institution(session, code, language="en" if code == "EUROPOL" else "ro")
        assert institution.id is not None
        result.append(
            addressee_for(
                session=session, institution_id=institution.id, roles=("focal-point", "deputy")
            )
        )
    return result


def send_meeting(session: Session, kind: MessageKind, method: str, **changes: object) -> None:
    members = (
        addressees(session)
        if not session.exec(select(OutboxMessage)).first()
        else [
            addressee_for(session=session, institution_id=i, roles=("focal-point", "deputy"))
            for i in (1, 2, 3)
        ]
    )
    view = meeting(**changes)
    attendees = [email for member in members for email in member.emails]
    text = meeting_calendar(
        view,
        method=method,
        organizer="secretariat@coordination.example",
        attendees=attendees,
        stamp=NOW,
        zone=get_settings().zone,
    )
    for member in members:
        notify(
            session=session,
            key=f"meeting:{view.uid}:{view.sequence}:{member.institution.code}",
            kind=kind,
            to=member,
            context={"meeting": view},
            settings=get_settings(),
            now=NOW,
            calendar=CalendarAttachment(text=text, method=method),
        )
    session.commit()


def parts(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def event_of(message: EmailMessage) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(parts(message)["text/calendar"])
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_invitations_arrive_in_each_language_with_a_calendar_request(
    session: Session, smtp_server: SmtpServer
) -> None:
    send_meeting(session, MeetingMessage.INVITATION, "REQUEST")
    assert deliver() == {"claimed": 3, "sent": 3}
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    romanian = by_recipient["focal-point@anitp.example, deputy@anitp.example"]
    english = by_recipient["focal-point@europol.example, deputy@europol.example"]
    assert romanian["Content-Language"] == "ro" and english["Content-Language"] == "en"
    assert romanian["Subject"].startswith("Invitație:")
    assert english["Subject"].startswith("Invitation:")
    assert set(parts(romanian)) == {"text/plain", "text/html", "text/calendar"}
    assert "ora României" in parts(romanian)["text/plain"]
    calendar, event = event_of(english)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "meeting-CM-SNITP-2026-12-03@concord"
    assert int(event["SEQUENCE"]) == 0
    attendees = sorted(str(a).removeprefix("mailto:") for a in event["ATTENDEE"])
    assert len(attendees) == 6 and "deputy@diicot.example" in attendees
    assert str(event["ORGANIZER"]) == "mailto:secretariat@coordination.example"
    assert "DTSTART;TZID=Europe/Bucharest:20261203T100000" in parts(english)["text/calendar"]
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Bucharest" and start.hour == 10
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Bucharest"
    assert str(event["LOCATION"]) == "Palatul Victoria"


def test_an_update_keeps_the_uid_and_raises_the_sequence_and_a_cancellation_says_cancel(
    session: Session, smtp_server: SmtpServer
) -> None:
    send_meeting(session, MeetingMessage.INVITATION, "REQUEST")
    send_meeting(
        session,
        MeetingMessage.UPDATE,
        "REQUEST",
        sequence=1,
        change_note="mutată la ora 11",
        starts_at=NOW + timedelta(days=10, hours=4),
        ends_at=NOW + timedelta(days=10, hours=6),
    )
    send_meeting(session, MeetingMessage.CANCELLATION, "CANCEL", sequence=2, change_note="amânată")
    assert deliver() == {"claimed": 9, "sent": 9}
    anitp = [m for m in smtp_server.messages if "anitp" in m["To"]]
    events = [event_of(m) for m in anitp]
    assert {str(e["UID"]) for _, e in events} == {"meeting-CM-SNITP-2026-12-03@concord"}
    assert [int(e["SEQUENCE"]) for _, e in events] == [0, 1, 2]
    assert [str(c["METHOD"]) for c, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert str(events[2][1]["STATUS"]) == "CANCELLED"
    assert "mutată la ora 11" in parts(anitp[1])["text/plain"]
    assert anitp[2]["Subject"].startswith("Anulare:")


def test_webhooks_carry_a_verifiable_signature_and_retry_only_server_errors(
    session: Session, smtp_server: SmtpServer, webhook_receiver: WebhookReceiver
) -> None:
    institution = make_institution(session, "IGPR", webhook_url=webhook_receiver.url)
    assert institution.id is not None
    to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
    keys = notify(
        session=session,
        key="reminder:7:2026-11-23",
        kind=MessageKind.REMINDER,
        to=to,
        context=sample_context(MessageKind.REMINDER),
        settings=get_settings(),
        now=NOW,
    )
    session.commit()
    assert keys == ["reminder:7:2026-11-23", "reminder:7:2026-11-23:webhook"]
    webhook_receiver.statuses = [503]
    assert deliver() == {"claimed": 2, "sent": 1, "failed": 1}
    assert deliver(minutes=1) == {"claimed": 1, "sent": 1}
    assert len(webhook_receiver.received) == 2
    headers, body = webhook_receiver.received[-1]
    secret = webhook_secret("IGPR", get_settings().resolved_signing_key())
    assert headers["X-Concord-Signature"] == webhook_signature(body, secret)
    event = json.loads(body)
    assert (event["event"], event["institution"], event["key"]) == (
        "reminder",
        "IGPR",
        "reminder:7:2026-11-23",
    )
    assert event["data"]["assignment"]["subject_ref"] == "RC-2026-0042"
    assert not any(canary in body.decode() for canary in CANARIES)


def test_a_webhook_refused_with_a_client_error_is_dead_at_once(
    session: Session, smtp_server: SmtpServer, webhook_receiver: WebhookReceiver
) -> None:
    institution = make_institution(session, "IGPR", webhook_url=webhook_receiver.url)
    assert institution.id is not None
    to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
    notify(
        session=session,
        key="overdue:7",
        kind=MessageKind.OVERDUE,
        to=to,
        context=sample_context(MessageKind.OVERDUE),
        settings=get_settings(),
        now=NOW,
    )
    session.commit()
    webhook_receiver.statuses = [400]
    assert deliver() == {"claimed": 2, "sent": 1, "dead": 1}
    dead = session.exec(select(OutboxMessage).where(OutboxMessage.state == "dead")).one()
    assert dead.channel == "webhook" and dead.last_error == "HTTP 400"


def test_a_digest_is_one_email_listing_every_item(
    session: Session, smtp_server: SmtpServer
) -> None:
    institution = make_institution(session, "DGASPC-CJ")
    assert institution.id is not None
    to = addressee_for(session=session, institution_id=institution.id, roles=("focal-point",))
    notify(
        session=session,
        key="digest:DGASPC-CJ:focal-point:2026-11-23",
        kind=MessageKind.DAILY_DIGEST,
        to=to,
        context=sample_context(MessageKind.DAILY_DIGEST),
        settings=get_settings(),
        now=NOW,
    )
    session.commit()
    assert deliver() == {"claimed": 1, "sent": 1}
    [message] = smtp_server.messages
    text = parts(message)["text/plain"]
    assert message["Subject"].startswith("2 solicitări deschise")
    assert text.count("http://127.0.0.1:8600/a/token") == 2
