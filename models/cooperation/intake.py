"""Requests partner systems send over the JSON API: registered as incoming, shown back."""

from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict
from sqlmodel import Session, or_, select

from models.cooperation.register import RequestInput, register_request
from models.cooperation.rules import RequestError
from models.cooperation.steps import clocks_of
from models.cooperation.tables import CooperationRequest, Direction, Instrument
from models.core.calendar import WorkingCalendar
from models.core.settings import Settings
from models.core.text import Code
from models.lifecycle.duty import Intake, IntakeConflict, IntakeError, Partner
from models.lifecycle.forms import CaseReference, ShortText
from models.reference.institutions import Institution


class PartnerRequest(BaseModel):
    """An incoming request as a partner system sends it (its country comes from its login)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    partner_reference: CaseReference
    instrument: Instrument
    institution: Code
    urgent: bool = False
    summary: ShortText = ""
    received_at: AwareDatetime
    answer_by: AwareDatetime | None = None


class ClockOut(BaseModel):
    code: str
    due_at: datetime | None
    met_at: datetime | None
    extensions_used: int


class RequestOut(BaseModel):
    reference: str
    partner_reference: str | None
    instrument: str
    institution: Code
    status: str
    received_at: datetime
    clocks: list[ClockOut]


def request_out(session: Session, request: CooperationRequest) -> RequestOut:
    """The request as its partner sees it: status and every clock."""
    institution = session.get(Institution, request.institution_id)
    assert institution is not None
    return RequestOut(
        reference=request.reference,
        partner_reference=request.sender_reference,
        instrument=request.instrument,
        institution=institution.code,
        status=request.status,
        received_at=request.started_at.astimezone(UTC),
        clocks=[
            ClockOut(
                code=clock.clock_code,
                due_at=clock.due_at,
                met_at=clock.met_at,
                extensions_used=clock.extensions_used,
            )
            for clock in clocks_of(session, request)
        ],
    )


def _own(request: CooperationRequest, partner: Partner) -> bool:
    # keyed on the login: two logins of one authority are two partners
    return request.partner_login == partner.code


def register_from_partner(
    session: Session, form: PartnerRequest, partner: Partner, settings: Settings, now: datetime
) -> tuple[BaseModel, bool]:
    """Register the partner's request once; a reference of another partner's case conflicts."""
    data = RequestInput(
        sender_reference=form.partner_reference,
        direction=Direction.INCOMING,
        instrument=form.instrument,
        partner_country=partner.country,
        partner_authority=partner.authority,
        partner_email=partner.email,
        institution=form.institution,
        urgent=form.urgent,
        summary=form.summary,
        started_at=form.received_at,
        answer_by=form.answer_by,
    )
    try:
        registered = register_request(
            session,
            data,
            settings,
            WorkingCalendar(zone=settings.zone),
            now,
            partner_login=partner.code,
        )
    except RequestError as exc:
        message = str(exc).replace("started_at", "received_at")
        raise IntakeError(message.replace("sender_reference", "partner_reference")) from None
    # checked on what registering found, so the loser of a race for a new reference conflicts
    if not _own(registered.request, partner):
        raise IntakeConflict("partner_reference: another partner's case has this reference")
    return request_out(session, registered.request), registered.created


def show_to_partner(session: Session, reference: str, partner: Partner) -> BaseModel | None:
    """The partner's own request with this reference (Concord's or its own), or None."""
    wanted = reference.upper()
    query = select(CooperationRequest).where(
        or_(CooperationRequest.reference == wanted, CooperationRequest.sender_reference == wanted)
    )
    request = session.exec(query).first()
    return request_out(session, request) if request and _own(request, partner) else None


REQUEST_INTAKE = Intake(
    path="requests",
    form=PartnerRequest,
    view=RequestOut,
    register=register_from_partner,
    show=show_to_partner,
)
