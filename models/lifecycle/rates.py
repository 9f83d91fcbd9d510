"""Who has answered: reporting and on-time rates by institution and by pillar."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from models.core.history import StatusEvent
from models.core.i18n import romanian_sort_key
from models.lifecycle.tables import (
    Assignment,
    AssignmentStatus,
)
from models.reference.enums import pillar_rank
from models.reference.institutions import Institution
from models.reference.strategy import Measure, Objective, Strategy

NOT_EXPECTED = (AssignmentStatus.WAIVED, AssignmentStatus.CANCELLED)


@dataclass
class Rate:
    """Counts for one group of assignments and the two rates people ask for."""

    label: str
    expected: int = 0
    answered: int = 0
    on_time: int = 0
    overdue: int = 0
    missing: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def reporting_rate(self) -> float:
        """Answered out of expected."""
        return self.answered / self.expected if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        """Answered by the due date, out of answered."""
        return self.on_time / self.answered if self.answered else 0.0

    def count(self, *, answered: bool, on_time: bool, missing: str, overdue: bool = False) -> None:
        """Count one expected answer: given (and whether on time) or missing (named)."""
        self.expected += 1
        if answered:
            self.answered += 1
            self.on_time += on_time
        else:
            self.missing.append(missing)
            self.overdue += overdue

    def add(self, row: "ScopeRow", now: datetime) -> None:
        """Count one assignment into this group."""
        self.count(
            answered=row.status == AssignmentStatus.DONE,
            on_time=bool(row.closed_at and row.closed_at <= row.due_at),
            missing=row.title,
            overdue=row.due_at < now,
        )


@dataclass(frozen=True)
class ScopeRow:
    key: str
    institution: str
    institution_name: str
    institution_label: str
    subject_type: str
    subject_ref: str
    title: str
    status: str
    due_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Scope:
    """A set of assignments the coordinator looks at together, e.g. one monitoring round."""

    label: str
    assignment_ids: Select[Any]
    ref: str = ""  # what the view's `round=` takes to show it again: "SNITP-2024-2028:2026-S2"
    group: str = ""  # what the period belongs to, e.g. the strategy's code
    period: str = ""  # its reporting period, "2026-S2", for the reader's words


def scope_rows(*, session: Session, scope: Scope) -> list[ScopeRow]:
    """The expected assignments of the scope (waived and cancelled ones are not expected)."""
    query = (
        select(Assignment, Institution)
        .join(Institution, col(Institution.id) == col(Assignment.institution_id))
        .where(
            col(Assignment.id).in_(scope.assignment_ids),
            col(Assignment.status).not_in(NOT_EXPECTED),
        )
        .order_by(Institution.code, col(Assignment.key))
    )
    return [
        ScopeRow(
            a.key,
            institution.code,
            institution.name,
            institution.label,
            a.subject_type,
            a.subject_ref,
            a.title,
            a.status,
            a.due_at,
            a.closed_at,
        )
        for a, institution in session.exec(query).all()
    ]


def rates_by_institution(rows: list[ScopeRow], now: datetime) -> list[Rate]:
    """One line per institution, lowest reporting rate first."""
    groups: dict[str, Rate] = {}
    for row in rows:
        if row.institution not in groups:
            groups[row.institution] = Rate(row.institution_label, title=row.institution_name)
        groups[row.institution].add(row, now)
    return by_rate_then_name(groups.values())


def by_rate_then_name(rates: Iterable[Rate]) -> list[Rate]:
    """Lowest reporting rate first; equal rates in Romanian alphabetical order."""
    return sorted(rates, key=lambda r: (r.reporting_rate, romanian_sort_key(r.label)))


def measure_pillars(*, session: Session) -> dict[str, str]:
    """'STRATEGY/MEASURE' -> pillar, for every measure."""
    query = (
        select(Strategy.code, Measure.code, Objective.pillar)
        .join(Measure, col(Measure.strategy_id) == col(Strategy.id))
        .join(Objective, col(Objective.id) == col(Measure.objective_id))
    )
    return {f"{s}/{m}": pillar for s, m, pillar in session.exec(query).all()}


def rates_by_pillar(rows: list[ScopeRow], pillars: dict[str, str], now: datetime) -> list[Rate]:
    """One line per pillar (measures only), in the strategy's order of pillars."""
    groups: dict[str, Rate] = defaultdict(lambda: Rate(""))
    for row in rows:
        if row.subject_type == "measure":
            pillar = pillars.get(row.subject_ref, "unknown")
            groups[pillar].label = pillar
            groups[pillar].add(row, now)
    return sorted(groups.values(), key=lambda r: pillar_rank(r.label))


def recent_flow_runs(*, session: Session, limit: int = 10) -> list[tuple[str, datetime, int]]:
    """The flow runs that changed statuses most recently: (id, last change, changes)."""
    query = (
        select(StatusEvent.flow_run_id, func.max(StatusEvent.at), func.count())
        .where(col(StatusEvent.flow_run_id).is_not(None))
        .group_by(StatusEvent.flow_run_id)
        .order_by(func.max(StatusEvent.at).desc())
        .limit(limit)
    )
    return [(str(run), at, count) for run, at, count in session.exec(query).all()]
