"""Monitoring rounds of a strategy's action plan and the reports institutions submit in them."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from models.core.types import UTCDateTime
from models.registry.strategy import Measure, MeasureInstitution, Strategy


class RoundStatus(StrEnum):
    OPEN = "open"
    LOCKED = "locked"
    PUBLISHED = "published"


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


@dataclass(frozen=True)
class Expected:
    """One report a round asks for."""

    measure_id: int
    measure_code: str
    measure_title: str
    institution_id: int


def measure_is_active(measure: Measure, start: date) -> bool:
    """Recurring measures always report; a dated one until the period after its deadline."""
    return measure.recurrence is not None or (
        measure.deadline is not None and measure.deadline >= start
    )


def expected_reports(*, session: Session, strategy: Strategy, start: date) -> list[Expected]:
    """One report per responsible institution per measure active in a period starting `start`."""
    query = (
        select(Measure, MeasureInstitution.institution_id)
        .join(MeasureInstitution, col(MeasureInstitution.measure_id) == col(Measure.id))
        .where(Measure.strategy_id == strategy.id, MeasureInstitution.role == "responsible")
        .order_by(col(Measure.id), col(MeasureInstitution.institution_id))
    )
    return [
        Expected(m.id or 0, m.code, m.title, institution_id)
        for m, institution_id in session.exec(query).all()
        if measure_is_active(m, start)
    ]


def report_key(strategy_code: str, period: str, measure_code: str, institution_code: str) -> str:
    """The natural key of one report assignment."""
    return f"report:{strategy_code}:{period}:{measure_code}:{institution_code}"
