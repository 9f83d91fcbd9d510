"""A monitoring round of a strategy's action plan and the reports it expects."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class RoundStatus(StrEnum):
    OPEN = "open"
    LOCKED = "locked"
    PUBLISHED = "published"


ROUND_LIFECYCLE: dict[str, frozenset[str]] = {
    RoundStatus.OPEN: frozenset({RoundStatus.LOCKED}),
    RoundStatus.LOCKED: frozenset({RoundStatus.PUBLISHED}),
    RoundStatus.PUBLISHED: frozenset[str](),
}


class MonitoringRound(SQLModel, table=True):
    __tablename__ = "monitoring_round"
    __table_args__ = (UniqueConstraint("strategy_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    strategy_id: int = Field(foreign_key="strategy.id", index=True)
    period: str = Field(max_length=10)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    lock_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: str = Field(default=RoundStatus.OPEN, max_length=10)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Submission(SQLModel, table=True):
    """One expected report (one institution, one measure, one round) and, once sent, its content."""

    __table_args__ = (UniqueConstraint("round_id", "measure_id", "institution_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="monitoring_round.id", index=True)
    assignment_id: int = Field(foreign_key="assignment.id", unique=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    progress: str | None = Field(default=None, max_length=16)
    indicator_value: str | None = Field(default=None, max_length=200)
    narrative: str | None = Field(default=None, max_length=5000)
    attachment_sha256: str | None = Field(default=None, max_length=64)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    on_time: bool | None = None
