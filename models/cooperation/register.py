"""Registering a cooperation request: validate it, compute its clocks, open its first step."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
)
from sqlmodel import Session, select

from models.cooperation.rules import PARTNER_DEADLINE, RequestError, clock_codes
from models.cooperation.steps import open_next_step, start_clocks
from models.cooperation.tables import CooperationRequest, Direction, Instrument, RequestClock
from models.core.calendar import WorkingCalendar
from models.core.db import insert_once
from models.core.moments import deadline_problem, event_problem
from models.core.references import issue_reference, issued_pattern
from models.core.settings import Settings
from models.core.text import UPPER, Code, FunctionalMailbox, shown
from models.lifecycle.desk import Desk
from models.lifecycle.forms import CaseReference, ShortText
from models.lifecycle.tables import Assignment
from models.reference.institutions import Institution

HAND_SET = (Instrument.MLA, Instrument.OTHER)  # the requesting state sets the deadline
Country = Annotated[str, UPPER, StringConstraints(pattern=r"^[A-Z]{2}$")]
REQUEST_PATTERN = issued_pattern(Instrument)
# the only way a flow names a request: the server refuses anything else before recording it
RequestReference = Annotated[
    str,
    UPPER,
    StringConstraints(pattern=REQUEST_PATTERN),
    WithJsonSchema({"type": "string", "pattern": REQUEST_PATTERN}),
]


class RequestInput(BaseModel):
    """A request as the coordinator, an institution or a partner system registers it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    sender_reference: CaseReference
    direction: Direction
    instrument: Instrument
    partner_country: Country
    partner_authority: ShortText
    partner_email: FunctionalMailbox | None = None
    institution: Code
    urgent: bool = False
    summary: ShortText = ""
    started_at: AwareDatetime
    answer_by: AwareDatetime | None = None


@dataclass(frozen=True)
class Registered:
    """The request, the step now open on it, and whether this call created it."""

    request: CooperationRequest
    step: Assignment | None
    created: bool


def _check(session: Session, data: RequestInput, now: datetime) -> Institution:
    """The institution in charge, once every rule a schema cannot state holds."""
    institution = session.exec(
        select(Institution).where(Institution.code == data.institution)
    ).first()
    if institution is None:
        raise RequestError(f"institution: no institution has the code {shown(data.institution)}")
    if data.partner_country == "RO":
        raise RequestError("partner_country: the partner is another state, not RO")
    if problem := event_problem("started_at", data.started_at, now):
        raise RequestError(problem)
    if data.answer_by and (problem := deadline_problem("answer_by", data.answer_by, now)):
        raise RequestError(problem)
    if data.instrument == Instrument.OTHER and data.answer_by is None:
        raise RequestError("answer_by: a request under another instrument needs its deadline")
    if data.answer_by is not None and data.instrument not in HAND_SET:
        raise RequestError(f"answer_by: {data.instrument} requests run on their legal clocks")
    if data.answer_by is not None and data.answer_by <= data.started_at:
        raise RequestError(f"answer_by: {data.answer_by.isoformat()} is before the request")
    return institution


def _registered(session: Session, sender_reference: str) -> CooperationRequest | None:
    """The request already registered under the sender's reference, if any."""
    query = select(CooperationRequest).where(
        CooperationRequest.sender_reference == sender_reference
    )
    return session.exec(query).first()


def _add_clocks(session: Session, request: CooperationRequest, data: RequestInput) -> None:
    """The request's clocks in order; a deadline the partner set replaces the first."""
    codes = clock_codes(data.instrument, data.urgent)
    if data.answer_by is not None:
        codes = (PARTNER_DEADLINE, *codes[1:]) if codes else (PARTNER_DEADLINE,)
    for position, code in enumerate(codes):
        session.add(RequestClock(request_id=request.id or 0, clock_code=code, position=position))
    session.flush()


def register_request(
    session: Session,
    data: RequestInput,
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
    *,
    partner_login: str | None = None,
) -> Registered:
    """Register the request once under a reference Concord issues, and open its first step.

    A second call with the same sender's reference returns the first request.
    """
    existing = _registered(session, data.sender_reference)
    if existing is not None:
        return Registered(existing, None, created=False)
    institution = _check(session, data, now)
    new = CooperationRequest(
        **data.model_dump(exclude={"institution", "answer_by"}),
        reference=issue_reference(session, data.instrument, calendar.local_date(now).year),
        institution_id=institution.id or 0,
        partner_login=partner_login,
        created_at=now,
        updated_at=now,
    )
    request, created = insert_once(
        session, new, lambda: _registered(session, data.sender_reference)
    )
    if not created:
        return Registered(request, None, created=False)
    _add_clocks(session, request, data)
    desk = Desk(session, settings, calendar, now)
    start_clocks(desk, request, answer_by=data.answer_by)
    return Registered(request, open_next_step(desk, request), created=True)
