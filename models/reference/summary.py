"""Counts that describe what the database holds, for the command line and reports."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.reference.institutions import Body, Institution, Membership
from models.reference.strategy import Measure, Objective, Strategy


@dataclass(frozen=True)
class StrategyCounts:
    code: str
    name: str
    objectives: int
    measures_by_pillar: dict[str, int]


@dataclass(frozen=True)
class Summary:
    institutions_by_kind: dict[str, int]
    bodies: list[tuple[str, str, int]]
    strategies: list[StrategyCounts]
    open_assignments_by_status: dict[str, int] = field(default_factory=dict)

    @property
    def institutions(self) -> int:
        """All institutions."""
        return sum(self.institutions_by_kind.values())

    @property
    def open_assignments(self) -> int:
        """All assignments still waiting for an answer."""
        return sum(self.open_assignments_by_status.values())


def _strategy_counts(session: Session, strategy: Strategy) -> StrategyCounts:
    objectives = session.exec(
        select(func.count()).select_from(Objective).where(Objective.strategy_id == strategy.id)
    ).one()
    rows = session.exec(
        select(Objective.pillar, func.count(col(Measure.id)))
        .join(Objective, col(Measure.objective_id) == col(Objective.id))
        .where(Measure.strategy_id == strategy.id)
        .group_by(Objective.pillar)
    ).all()
    return StrategyCounts(strategy.code, strategy.name, objectives, dict(rows))


def build_summary(*, session: Session) -> Summary:
    """Count institutions, bodies and measures (open assignments are counted by the lifecycle)."""
    kinds = session.exec(select(Institution.kind, func.count()).group_by(Institution.kind)).all()
    bodies = session.exec(
        select(Body.code, Body.name, func.count(col(Membership.id)))
        .join(Membership, col(Membership.body_id) == col(Body.id), isouter=True)
        .group_by(col(Body.id), Body.code, Body.name)
        .order_by(Body.code)
    ).all()
    strategies = session.exec(select(Strategy).order_by(Strategy.code)).all()
    return Summary(
        institutions_by_kind=dict(sorted(kinds)),
        bodies=[(code, name, members) for code, name, members in bodies],
        strategies=[_strategy_counts(session, s) for s in strategies],
    )
