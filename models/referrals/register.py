"""Notifying a referral: consent checked, routed by age and county, logged as disclosed."""

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, WithJsonSchema
from sqlmodel import Session, select

from models.core.clocks import compute_deadline, load_clocks
from models.core.moments import event_problem
from models.core.references import issue_reference, issued_pattern
from models.core.text import UPPER, Code, shown
from models.lifecycle.desk import Desk
from models.lifecycle.forms import CaseReference, ShortText
from models.lifecycle.tables import Assignment
from models.reference.counties import CountyError, child_protection, regional_centre
from models.reference.institutions import Institution
from models.referrals.tables import Referral

Exploitation = Literal["sexual", "labour", "begging", "criminal", "other", "unknown"]
REFERRAL_PATTERN = issued_pattern(["ref"])
# the only way a flow names a referral: the server refuses anything else before recording it
ReferralReference = Annotated[
    str,
    UPPER,
    StringConstraints(pattern=REFERRAL_PATTERN),
    WithJsonSchema({"type": "string", "pattern": REFERRAL_PATTERN}),
]


class ReferralError(ValueError):
    """A referral that cannot be made; the message names the field."""


class ReferralInput(BaseModel):
    """A presumed victim as the notifying institution describes the case, without identity."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    sender_reference: CaseReference
    notified_by: Code
    county: Code
    child: bool
    consent: bool
    consent_override_by: Code | None = None
    override_note: ShortText = ""
    exploitation: Exploitation = "unknown"
    identified_at: AwareDatetime


@dataclass(frozen=True)
class Notified:
    referral: Referral
    assignment: Assignment | None
    created: bool


def institution(session: Session, code: str, field: str) -> Institution:
    """The institution with `code`; ReferralError names the field when there is none."""
    found = session.exec(select(Institution).where(Institution.code == code)).first()
    if found is None:
        raise ReferralError(f"{field}: no institution has the code {shown(code)}")
    return found


def county_authority(county: str) -> str:
    """The code of the county's (or sector's) DGASPC; ReferralError for a wrong county."""
    try:
        return child_protection(county)
    except CountyError as exc:
        raise ReferralError(str(exc)) from None


def check_consent(session: Session, data: ReferralInput) -> Institution | None:
    """The child-protection authority that overrode consent, if any; refuse without either."""
    if data.consent:
        return None
    if not data.child:
        raise ReferralError("consent: an adult is referred only with recorded consent")
    if data.consent_override_by is None:
        raise ReferralError(
            "consent: a child without recorded consent is referred only on the override "
            "of the child-protection authority (consent_override_by)"
        )
    override = institution(session, data.consent_override_by, "consent_override_by")
    if override.kind != "child-protection":
        raise ReferralError(
            f"consent_override_by: {override.code} is not a child-protection authority"
        )
    own = county_authority(data.county)
    if override.code != own:
        raise ReferralError(
            f"consent_override_by: {override.code} is not the child-protection authority "
            f"of {data.county}; only {own} may decide"
        )
    if not data.override_note:
        raise ReferralError("override_note: record why the child is referred without consent")
    return override


def receiving_institution(session: Session, data: ReferralInput) -> Institution:
    """The county's DGASPC for a child, the region's ANITP centre for an adult."""
    try:
        code = child_protection(data.county) if data.child else regional_centre(data.county)
    except CountyError as exc:
        raise ReferralError(str(exc)) from None
    return institution(session, code, "county")


def new_referral(desk: Desk, data: ReferralInput) -> Referral:
    """The referral with its clocks, once every rule holds (not yet added)."""
    if problem := event_problem("identified_at", data.identified_at, desk.now):
        raise ReferralError(problem)
    notifier = institution(desk.session, data.notified_by, "notified_by")
    override = check_consent(desk.session, data)
    receiving = receiving_institution(desk.session, data)
    clocks = load_clocks()
    emergency = compute_deadline(clocks["referral-emergency-support"], desk.now, desk.calendar)
    reflection = compute_deadline(clocks["reflection-period"], data.identified_at, desk.calendar)
    return Referral(
        reference=issue_reference(desk.session, "ref", desk.calendar.local_date(desk.now).year),
        sender_reference=data.sender_reference,
        notified_by_id=notifier.id or 0,
        receiving_id=receiving.id or 0,
        county=data.county,
        child=data.child,
        consent=data.consent,
        consent_override_by_id=override.id if override else None,
        override_note=data.override_note or None,
        exploitation=data.exploitation,
        identified_at=data.identified_at,
        referred_at=desk.now,
        emergency_due_at=emergency.due,
        reflection_ends_at=None if data.child else reflection.due,
        created_at=desk.now,
        updated_at=desk.now,
    )
