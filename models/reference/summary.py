"""Counts that describe what the database holds, for the command line and reports."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.core.i18n import N_
from models.reference.enums import ServiceKind, StrategyStatus
from models.reference.institutions import Body, Institution, Membership
from models.reference.services import PublicService
from models.reference.strategy import Measure, Objective, Strategy

WORDS: dict[str, str] = {
    StrategyStatus.IN_FORCE: N_("in force"),
    StrategyStatus.CLOSED: N_("closed"),
    ServiceKind.PHONE_LINE: N_("phone line"),
    ServiceKind.ALERT: N_("alert"),
    ServiceKind.PROGRAMME: N_("programme"),
}


@dataclass(frozen=True)
class StrategyCounts:
    code: str
    name: str
    objectives: int
    measures_by_pillar: dict[str, int]
    status: str = StrategyStatus.IN_FORCE
    period: str = ""


@dataclass(frozen=True)
class ServiceLine:
    """A public service as the summary lists it: what it is, its number, who runs it."""

    code: str
    kind: str
    name: str
    number: str
    run_by: str
    part_of: str


@dataclass(frozen=True)
class Summary:
    institutions_by_kind: dict[str, int]
    bodies: list[tuple[str, str, int]]
    strategies: list[StrategyCounts]
    services: list[ServiceLine] = field(default_factory=list)
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
    period = f"{strategy.starts.year}-{strategy.ends.year}"
    return StrategyCounts(
        strategy.code, strategy.name, objectives, dict(rows), strategy.status, period
    )


def _services(session: Session) -> list[ServiceLine]:
    """Programmes first, then alerts and phone lines, each by code."""
    rows = session.exec(
        select(PublicService, Institution.code)
        .join(Institution, col(Institution.id) == col(PublicService.run_by_id), isouter=True)
        .order_by(PublicService.kind.desc(), PublicService.code)  # type: ignore[attr-defined]
    ).all()
    return [
        ServiceLine(s.code, s.kind, s.name, s.number or "", run_by or "", s.part_of or "")
        for s, run_by in rows
    ]


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
        services=_services(session),
    )
