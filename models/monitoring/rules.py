"""The rules of a monitoring round: which reports it expects, when they are due, which round."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.periods import Period
from models.core.text import shown
from models.lifecycle.rates import Scope
from models.lifecycle.tables import Assignment
from models.monitoring.tables import MonitoringRound, RoundStatus, Submission
from models.reference.enums import MeasureRole
from models.reference.strategy import Measure, MeasureInstitution, Strategy

REPORT_KIND = "monitoring-report"


class RoundError(ValueError):
    """A round that cannot be opened as asked; the message names the parameter."""


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
        .where(
            Measure.strategy_id == strategy.id,
            MeasureInstitution.role == MeasureRole.RESPONSIBLE,
        )
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


def round_dates(
    period: Period,
    *,
    due_date: date | None,
    working_days_after_end: int,
    lock_after_days: int,
    calendar: WorkingCalendar,
) -> tuple[datetime, datetime]:
    """The due moment (end of the due day) and the lock moment (end of the lock day)."""
    due_day = due_date or calendar.add_working_days(period.end, working_days_after_end)
    lock_day = due_day + timedelta(days=lock_after_days)
    return calendar.end_of_day(due_day), calendar.end_of_day(lock_day)


def check_round_request(strategy: Strategy | None, code: str, period: Period) -> Strategy:
    """The strategy a round is opened for; RoundError when it is unknown or out of range."""
    if strategy is None:
        raise RoundError(f"strategy: unknown strategy {shown(code)}")
    if strategy.status == "closed":
        raise RoundError(f"strategy: {strategy.code} is closed; rounds are opened for one in force")
    if strategy.ends < period.start or strategy.starts > period.end:
        raise RoundError(
            f"period: {period.label} is outside {strategy.code} "
            f"({strategy.starts} to {strategy.ends})"
        )
    return strategy


def find_round(*, session: Session, strategy_code: str, period: str) -> MonitoringRound | None:
    """The round of a strategy for a period, if it was opened."""
    return session.exec(
        select(MonitoringRound)
        .join(Strategy, col(Strategy.id) == col(MonitoringRound.strategy_id))
        .where(Strategy.code == strategy_code, MonitoringRound.period == period)
    ).first()


def newest_round(*, session: Session) -> MonitoringRound | None:
    """The round opened last, whatever its strategy."""
    return session.exec(
        select(MonitoringRound).order_by(
            col(MonitoringRound.created_at).desc(), col(MonitoringRound.id).desc()
        )
    ).first()


def rounds_to_lock(*, session: Session, now: datetime) -> list[int]:
    """Open rounds whose lock moment has come."""
    query = select(MonitoringRound.id).where(
        MonitoringRound.status == RoundStatus.OPEN, col(MonitoringRound.lock_at) <= now
    )
    return [int(round_id) for round_id in session.exec(query).all() if round_id is not None]


def round_locked(session: Session, assignment: Assignment) -> bool:
    """True once the assignment's round is no longer open, whatever the clock says."""
    query = (
        select(MonitoringRound.status)
        .join(Submission, col(Submission.round_id) == col(MonitoringRound.id))
        .where(Submission.assignment_id == assignment.id)
    )
    status = session.exec(query).first()
    return status is not None and status != RoundStatus.OPEN


def round_assignment_ids(round_id: int) -> Select[Any]:
    """The ids of the round's report assignments, as a subquery."""
    return select(Submission.assignment_id).where(Submission.round_id == round_id)


def _scope(session: Session, round_: MonitoringRound) -> Scope:
    """The coordinator's view of one round."""
    strategy = session.get(Strategy, round_.strategy_id)
    assert strategy is not None and round_.id is not None  # a round's strategy is a foreign key
    return Scope(
        label=f"{strategy.code} {round_.period}",
        assignment_ids=round_assignment_ids(round_.id),
        ref=f"{strategy.code}:{round_.period}",
        group=strategy.code,
        period=round_.period,
    )


def round_of_period(session: Session, period: str) -> MonitoringRound | None:
    """The one round of a bare period (`2026-S1`): the only one, or the current strategy's."""
    rounds = session.exec(select(MonitoringRound).where(MonitoringRound.period == period)).all()
    newest = newest_round(session=session)
    if len(rounds) > 1 and newest is not None:
        rounds = [r for r in rounds if r.strategy_id == newest.strategy_id]
    return rounds[0] if len(rounds) == 1 else None


def round_scope(session: Session, ref: str | None) -> Scope | None:
    """The round the coordinator looks at: `STRATEGY:PERIOD`, a bare period, or the newest."""
    if ref and ":" in ref:
        strategy_code, _, period = ref.partition(":")
        round_ = find_round(session=session, strategy_code=strategy_code, period=period)
    elif ref:
        round_ = round_of_period(session, ref)
    else:
        round_ = newest_round(session=session)
    return _scope(session, round_) if round_ is not None else None


def round_scopes(session: Session) -> list[Scope]:
    """Every round, the one opened last first."""
    rounds = session.exec(
        select(MonitoringRound).order_by(
            col(MonitoringRound.created_at).desc(), col(MonitoringRound.id).desc()
        )
    ).all()
    return [_scope(session, round_) for round_ in rounds]
