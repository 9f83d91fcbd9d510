"""Cross-border cooperation requests and the legal clocks each one runs against.

No column holds a person's identity: a request is known by its pseudonymous case reference.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class Instrument(StrEnum):
    EIO = "eio"
    SIENA = "siena"
    MLA = "mla"
    JIT = "jit"
    EUROJUST = "eurojust"
    TRM = "trm"
    OTHER = "other"


class RequestStatus(StrEnum):
    REGISTERED = "registered"
    ACKNOWLEDGED = "acknowledged"
    DECIDED = "decided"
    EXECUTED = "executed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


S = RequestStatus
OPEN_REQUEST_STATUSES: frozenset[str] = frozenset({S.REGISTERED, S.ACKNOWLEDGED, S.DECIDED})
REQUEST_LIFECYCLE: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.ACKNOWLEDGED, S.DECIDED, S.EXECUTED, S.REFUSED, S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset({S.DECIDED, S.EXECUTED, S.REFUSED, S.WITHDRAWN}),
    S.DECIDED: frozenset({S.EXECUTED, S.REFUSED, S.WITHDRAWN}),
    S.EXECUTED: frozenset({S.CLOSED}),
    S.REFUSED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


class CooperationRequest(SQLModel, table=True):
    """One request for cooperation with another state, incoming or outgoing."""

    __tablename__ = "cooperation_request"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=60, unique=True, description="the reference Concord issued")
    sender_reference: str | None = Field(
        default=None, max_length=60, unique=True, description="the sender's own file number"
    )
    direction: str = Field(max_length=8)
    instrument: str = Field(max_length=10)
    partner_country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    partner_authority: str = Field(max_length=200)
    partner_email: str | None = Field(default=None, max_length=254)
    partner_login: str | None = Field(
        default=None, max_length=60, description="the partner login that sent it, if any"
    )
    institution_id: int = Field(foreign_key="institution.id", index=True)
    urgent: bool = False
    summary: str = Field(default="", max_length=500)
    started_at: datetime = Field(sa_type=UTCDateTime, description="received or sent at")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=RequestStatus.REGISTERED, max_length=12)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RequestClock(SQLModel, table=True):
    """One legal clock of a request: pending until its starting event, then due, then met."""

    __tablename__ = "request_clock"
    __table_args__ = (UniqueConstraint("request_id", "clock_code"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="cooperation_request.id", index=True, ondelete="CASCADE")
    clock_code: str = Field(max_length=40)
    position: int
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    nominal_end: date | None = None
    extensions_used: int = 0
    met_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
