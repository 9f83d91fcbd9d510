"""Referrals of presumed victims between institutions, and the log of every disclosure.

No column holds a person's identity: a referral is known by its pseudonymous reference.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class ReferralStatus(StrEnum):
    NOTIFIED = "notified"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ASSISTED = "assisted"
    CLOSED = "closed"
    REVOKED = "revoked"


class RejectionReason(StrEnum):
    OUT_OF_AREA = "out-of-area"
    NO_CAPACITY = "no-capacity"
    NOT_ELIGIBLE = "not-eligible"
    ALREADY_ASSISTED = "already-assisted"
    CONSENT_WITHDRAWN = "consent-withdrawn"
    OTHER = "other"


R = ReferralStatus
OPEN_REFERRAL_STATUSES: frozenset[str] = frozenset({R.NOTIFIED, R.ACCEPTED, R.ASSISTED})
REFERRAL_LIFECYCLE: dict[str, frozenset[str]] = {
    R.NOTIFIED: frozenset({R.ACCEPTED, R.REJECTED, R.REVOKED}),
    R.ACCEPTED: frozenset({R.ASSISTED, R.CLOSED, R.REVOKED}),
    R.ASSISTED: frozenset({R.CLOSED, R.REVOKED}),
    R.REJECTED: frozenset({R.CLOSED}),
    R.CLOSED: frozenset(),
    R.REVOKED: frozenset(),
}


class Referral(SQLModel, table=True):
    """One presumed victim referred by one institution to the one that assists."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=60, unique=True, description="the reference Concord issued")
    sender_reference: str | None = Field(
        default=None, max_length=60, unique=True, description="the notifier's own file number"
    )
    notified_by_id: int = Field(foreign_key="institution.id")
    receiving_id: int = Field(foreign_key="institution.id", index=True)
    county: str = Field(max_length=3)
    child: bool
    consent: bool
    consent_override_by_id: int | None = Field(default=None, foreign_key="institution.id")
    override_note: str | None = Field(default=None, max_length=500)
    exploitation: str = Field(max_length=12)
    identified_at: datetime = Field(sa_type=UTCDateTime)
    referred_at: datetime = Field(sa_type=UTCDateTime)
    emergency_due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    reflection_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=ReferralStatus.NOTIFIED, max_length=10)
    rejection_reason: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Disclosure(SQLModel, table=True):
    """Which institution was told of which referral, when, why and by which run."""

    __table_args__ = (UniqueConstraint("referral_id", "institution_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True, ondelete="CASCADE")
    institution_id: int = Field(foreign_key="institution.id")
    purpose: str = Field(max_length=40)
    disclosed_at: datetime = Field(sa_type=UTCDateTime)
    flow_run_id: str | None = Field(default=None, max_length=64)
