"""Retention anonymises exactly the closed cases and sent email bodies past their period."""

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from models.cooperation.register import RequestInput, register_request
from models.cooperation.tables import CooperationRequest
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.answers import submit_answer, validate_answer
from models.lifecycle.desk import Desk
from models.lifecycle.tables import Answer, Assignment
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from models.referrals.notify import change_referral, notify_referral
from models.referrals.register import ReferralInput
from models.referrals.tables import Referral, ReferralStatus
from tasks.operations.retention import apply_retention
from tests.support.reference import dump, small_document

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar()


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def request(session: Session, sender: str, started: datetime, closed: datetime | None) -> None:
    data = RequestInput(
        sender_reference=sender,
        direction="incoming",
        instrument="mla",
        partner_country="AT",
        partner_authority="Staatsanwaltschaft Wien",
        institution="ANITP",
        summary="Documente bancare",
        started_at=started,
    )
    registered = register_request(session, data, get_settings(), CALENDAR, started)
    if closed is not None and registered.step is not None:
        form = validate_answer("cooperation-request", {"action": "answer", "message": "Trimis."})
        submit_answer(
            session=session,
            assignment=registered.step,
            form=form,
            actor="t",
            channel="form",
            now=closed,
        )


def referral(session: Session, sender: str, at: datetime, closed: bool) -> None:
    desk = Desk(session, get_settings(), CALENDAR, at)
    data = ReferralInput(
        sender_reference=sender,
        notified_by="ANITP",
        county="CJ",
        child=True,
        consent=False,
        consent_override_by="DGASPC-CJ",
        override_note="Interesul superior al copilului",
        identified_at=at,
    )
    notified = notify_referral(desk, data)
    step = notified.assignment
    assert step is not None
    form = validate_answer("referral", {"decision": "accept", "note": "Preluat."})
    submit_answer(session=session, assignment=step, form=form, actor="t", channel="form", now=at)
    if closed:
        change_referral(
            desk, notified.referral.reference, ReferralStatus.CLOSED, "asistență încheiată"
        )


def cases(session: Session) -> None:
    load_reference(
        session=session,
        doc=parse_reference_document(dump(small_document())),
        source="t",
        now=ago(1000),
    )
    request(session, "RO-MLA-OLD", ago(900), ago(800))
    request(session, "RO-MLA-RECENT", ago(150), ago(100))
    request(session, "RO-MLA-OPEN", ago(900), None)
    referral(session, "RO-REF-OLD", ago(800), closed=True)
    referral(session, "RO-REF-ACCEPTED", ago(800), closed=False)
    for message in session.exec(select(OutboxMessage)).all():
        message.state, message.sent_at = "sent", message.created_at
        session.add(message)
    session.commit()


def snapshot(session: Session) -> list[object]:
    session.rollback()  # a fresh transaction sees what the retention pass committed
    tables = (CooperationRequest, Referral, Assignment, Answer, StatusEvent, OutboxMessage)
    return [sorted(map(repr, session.exec(select(table)).all())) for table in tables]


def test_retention_forgets_exactly_the_old_closed_cases_and_old_email_bodies(
    session: Session,
) -> None:
    cases(session)
    before = snapshot(session)
    dry = apply_retention(get_settings(), NOW, dry_run=True)
    assert dry == {
        "closed cooperation requests": 1,
        "closed referrals": 1,
        "bodies of sent emails": 4,
    }
    assert snapshot(session) == before, "a dry run changes nothing"

    assert apply_retention(get_settings(), NOW, dry_run=False) == dry
    session.rollback()
    references = set(session.exec(select(CooperationRequest.reference)).all())
    assert references == {"ANON-R1", "RO-MLA-2026-00001", "RO-MLA-2024-00002"}
    senders = set(session.exec(select(CooperationRequest.sender_reference)).all())
    assert senders == {None, "RO-MLA-RECENT", "RO-MLA-OPEN"}
    forgotten = session.exec(
        select(CooperationRequest).where(CooperationRequest.reference == "ANON-R1")
    ).one()
    assert (forgotten.summary, forgotten.partner_authority, forgotten.status) == (
        "",
        "-",
        "executed",
    )
    kept = session.exec(
        select(Referral.reference, Referral.sender_reference, Referral.override_note)
    ).all()
    assert sorted(kept) == [
        ("ANON-V1", None, None),
        ("RO-REF-2024-00002", "RO-REF-ACCEPTED", "Interesul superior al copilului"),
    ]
    keys = set(session.exec(select(Assignment.key)).all())
    forgotten_keys = ("RO-MLA-2024-00001", "RO-REF-2024-00001")
    assert not any(old in key for old in forgotten_keys for key in keys)
    assert "referral:ANON-V1" in keys
    payloads = [json.loads(p) for p in session.exec(select(Answer.payload)).all()]
    assert sum(p == {"kind": p["kind"]} for p in payloads) == 2  # the two old cases' answers
    texts = " ".join(filter(None, session.exec(select(StatusEvent.note)).all()))
    assert "asistență încheiată" not in texts
    bodies = session.exec(
        select(OutboxMessage.body_text).where(col(OutboxMessage.sent_at) < ago(180))
    ).all()
    assert bodies and set(bodies) == {"-"}
    recent = session.exec(
        select(OutboxMessage.body_text).where(col(OutboxMessage.sent_at) >= ago(180))
    ).all()
    assert recent and all("RO-MLA-2026-00001" in body for body in recent)

    assert apply_retention(get_settings(), NOW, dry_run=False) == dict.fromkeys(dry, 0)
