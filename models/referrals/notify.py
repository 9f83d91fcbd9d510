"""A referral's life: notified once, told to the receiving institution, decided, closed."""

from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import insert_once
from models.core.i18n import N_, translate
from models.core.settings import get_settings
from models.core.text import checked_note, shown
from models.lifecycle.assignments import new_assignment
from models.lifecycle.desk import Desk, move_case
from models.lifecycle.forms import AnswerForm
from models.lifecycle.status import TransitionError, change_status
from models.lifecycle.tables import (
    OPEN_ASSIGNMENT_STATUSES,
    Answer,
    Assignment,
    AssignmentStatus,
)
from models.messaging.compose import addressee_or_coordinator, linked_view
from models.messaging.emails import AssignmentCreated, Post
from models.reference.counties import place_name
from models.reference.institutions import Institution
from models.referrals.forms import ReferralAnswer
from models.referrals.register import Notified, ReferralError, ReferralInput, new_referral
from models.referrals.tables import Disclosure, Referral, ReferralStatus

KIND = "referral"
FINAL = (ReferralStatus.CLOSED, ReferralStatus.REVOKED)


def find_referral(session: Session, reference: str) -> Referral | None:
    """The referral with this reference, if any."""
    query = select(Referral).where(Referral.reference == reference.strip().upper())
    return session.exec(query).first()


def referral_title(referral: Referral, language: str) -> str:
    """What the receiving institution reads: who is referred from where, and the 72 hours."""
    who = N_("a child") if referral.child else N_("an adult")
    text = translate(
        language,
        N_("Referral %(ref)s: %(who)s, %(place)s; emergency support within 72 hours"),
    )
    return text % {
        "ref": referral.reference,
        "who": translate(language, who),
        "place": place_name(referral.county, language),
    }


def disclose(desk: Desk, referral: Referral, institution_id: int, purpose: str) -> None:
    """Log that `institution_id` was told of the referral (once per purpose)."""
    query = select(Disclosure).where(
        Disclosure.referral_id == referral.id,
        Disclosure.institution_id == institution_id,
        Disclosure.purpose == purpose,
    )
    if desk.session.exec(query).first() is None:
        desk.session.add(
            Disclosure(
                referral_id=referral.id or 0,
                institution_id=institution_id,
                purpose=purpose,
                disclosed_at=desk.now,
                flow_run_id=desk.run_id,
            )
        )


def sent_referral(session: Session, sender_reference: str) -> Referral | None:
    """The referral notified under the notifier's own reference, if any."""
    query = select(Referral).where(Referral.sender_reference == sender_reference)
    return session.exec(query).first()


def notify_referral(desk: Desk, data: ReferralInput) -> Notified:
    """Record the referral once, give the receiving institution its step and tell it.

    The referral gets a reference Concord issues; the notifier's own keeps it single.
    """
    existing = sent_referral(desk.session, data.sender_reference)
    if existing is not None:
        return Notified(existing, None, created=False)
    referral, created = insert_once(
        desk.session,
        new_referral(desk, data),
        lambda: sent_referral(desk.session, data.sender_reference),
    )
    if not created:
        return Notified(referral, None, created=False)
    receiving = desk.session.get(Institution, referral.receiving_id)
    assert receiving is not None
    step = new_assignment(
        key=f"referral:{referral.reference}",
        kind=KIND,
        institution_id=receiving.id or 0,
        subject_type="referral",
        subject_ref=referral.reference,
        title=referral_title(referral, receiving.language),
        due_at=referral.emergency_due_at,
        calendar=desk.calendar,
        now=desk.now,
    )
    desk.session.add(step)
    desk.session.flush()
    to = addressee_or_coordinator(
        session=desk.session,
        institution_id=receiving.id or 0,
        roles=("focal-point", "deputy"),
        settings=desk.settings,
    )
    context = AssignmentCreated(assignment=linked_view(step, settings=desk.settings, now=desk.now))
    Post(desk.session, desk.settings, desk.now).queue(f"{step.key}:notified", to, context)
    disclose(desk, referral, receiving.id or 0, "referral")
    return Notified(referral, step, created=True)


def move_referral(
    desk: Desk, referral: Referral, to: ReferralStatus, actor: str, note: str
) -> None:
    """Change the referral's status as its lifecycle allows."""
    move_case(desk, referral, to, closes=to in FINAL, actor=actor, note=note)


def take_decision(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """The receiving institution accepts the referral, or rejects it with its reason."""
    assert isinstance(form, ReferralAnswer)
    referral = find_referral(session, assignment.subject_ref)
    if referral is None or referral.status != ReferralStatus.NOTIFIED:
        return
    settings = get_settings()
    desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), answer.submitted_at)
    if form.decision == "accept":
        move_referral(desk, referral, ReferralStatus.ACCEPTED, "answer", "accepted")
        return
    referral.rejection_reason = form.reason
    move_referral(desk, referral, ReferralStatus.REJECTED, "answer", f"rejected: {form.reason}")


def change_referral(desk: Desk, reference: str, to: ReferralStatus, note: str) -> Referral:
    """The coordinator records assistance, closes a referral or revokes it (consent withdrawn)."""
    note = checked_note("note", note, error=ReferralError)
    referral = find_referral(desk.session, reference)
    if referral is None:
        raise ReferralError(f"reference: no referral {shown(reference)}")
    if to not in (ReferralStatus.ASSISTED, ReferralStatus.CLOSED, ReferralStatus.REVOKED):
        raise ReferralError(f"status: {to} is set by the receiving institution's answer")
    try:
        move_referral(desk, referral, to, "coordinator", note)
    except TransitionError as exc:
        raise ReferralError(f"status: {exc}") from None
    if to in FINAL:
        cancel_open_steps(desk, referral.reference, note)
    return referral


def cancel_open_steps(desk: Desk, reference: str, note: str) -> int:
    """Stop chasing the receiving institution once the referral is closed or revoked."""
    steps = desk.session.exec(
        select(Assignment).where(
            Assignment.subject_type == "referral",
            Assignment.subject_ref == reference,
            col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
        )
    ).all()
    for step in steps:
        change_status(
            session=desk.session,
            entity=step,
            to=AssignmentStatus.CANCELLED,
            actor="coordinator",
            now=desk.now,
            note=note,
            values={"closed_at": desk.now, "next_action_at": None, "updated_at": desk.now},
        )
    return len(steps)
