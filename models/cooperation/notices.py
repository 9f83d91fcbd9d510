"""The emails of a request: its step to the institution in charge, an extension to the partner."""

from models.cooperation.messages import (
    CooperationAcknowledgement,
    CooperationExtension,
    CooperationView,
)
from models.cooperation.rules import EXTENSION_REASONS, clock_description, legal_clock
from models.cooperation.tables import CooperationRequest, RequestClock
from models.core.clocks import compute_deadline, extend_deadline
from models.core.i18n import N_, translate
from models.lifecycle.desk import Desk
from models.lifecycle.tables import Assignment
from models.messaging.compose import Addressee, addressee_or_coordinator, linked_view
from models.messaging.emails import Post
from models.messaging.message_views import InstitutionView
from models.reference.institutions import Institution

FOCAL_ROLES = ("focal-point", "deputy")


def clock_rule(desk: Desk, clock: RequestClock, language: str) -> str:
    """The rule that set the clock's due moment, extensions included, in `language`."""
    legal = legal_clock(clock.clock_code)
    if legal is None or clock.started_at is None:
        return clock_description(clock.clock_code, language)
    deadline = compute_deadline(legal, clock.started_at, desk.calendar, language)
    for used in range(clock.extensions_used):
        deadline = extend_deadline(legal, deadline, used, desk.calendar, language)
    return deadline.rule


def request_view(
    desk: Desk, request: CooperationRequest, clock: RequestClock, language: str
) -> CooperationView:
    """The request and one of its steps as an email in `language` shows them."""
    legal = legal_clock(clock.clock_code)
    other = translate(language, N_("other instrument"))
    instrument = (legal.instrument_ro if language == "ro" else legal.instrument) if legal else other
    assert clock.due_at is not None
    return CooperationView(
        reference=request.reference,
        instrument=instrument,
        direction=request.direction,
        partner=f"{request.partner_authority} ({request.partner_country})",
        received_at=request.started_at,
        step=clock_description(clock.clock_code, language),
        due_at=clock.due_at,
        rule=clock_rule(desk, clock, language),
    )


def queue_step_opened(
    desk: Desk, request: CooperationRequest, clock: RequestClock, assignment: Assignment
) -> list[str]:
    """Tell the institution in charge which step is open, by when, under which rule."""
    to = addressee_or_coordinator(
        session=desk.session,
        institution_id=request.institution_id,
        roles=FOCAL_ROLES,
        settings=desk.settings,
    )
    context = CooperationAcknowledgement(
        request=request_view(desk, request, clock, to.institution.language),
        assignment=linked_view(assignment, settings=desk.settings, now=desk.now),
    )
    return Post(desk.session, desk.settings, desk.now).queue(
        f"{assignment.key}:opened", to, context
    )


def queue_extension_notice(
    desk: Desk, request: CooperationRequest, clock: RequestClock, reason: str
) -> list[str]:
    """Tell the partner (in English) that the term is extended, how long, and the listed reason."""
    if not request.partner_email:
        return []
    institution = desk.session.get(Institution, request.institution_id)
    assert institution is not None
    partner = InstitutionView(
        code=request.partner_country, name=request.partner_authority, language="en"
    )
    to = Addressee(institution=partner, institution_id=None, emails=(request.partner_email,))
    context = CooperationExtension(
        request=request_view(desk, request, clock, "en"),
        authority=institution.name_in("en"),
        reason=translate("en", EXTENSION_REASONS[reason]),
    )
    key = f"cooperation:{request.reference}:{clock.clock_code}:extension:{clock.extensions_used}"
    return Post(desk.session, desk.settings, desk.now).queue(key, to, context)
