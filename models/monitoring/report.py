"""The consolidated report of a monitoring round: who reported, what progressed, what changed."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from models.core.periods import parse_period
from models.lifecycle.duty import KnownIndicator, Panel, known_indicators
from models.lifecycle.rates import Rate, by_rate_then_name
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.enums import pillar_rank
from models.reference.institutions import Institution
from models.reference.strategy import Measure, Objective, Strategy

PROGRESS = ("done", "in-progress", "not-started", "blocked", "no report")


@dataclass(frozen=True)
class MeasureLine:
    code: str
    title: str
    pillar: str
    objective: str
    deadline: str
    responsible: int
    reported: int
    progress: str
    indicators: tuple[tuple[str, str], ...]  # (the institution's short name, what it typed)
    past_deadline: bool
    known: tuple[KnownIndicator, ...] = ()
    objective_title: str = ""


@dataclass
class RoundReport:
    strategy_code: str
    strategy_name: str
    period: str
    due_at: datetime
    lock_at: datetime
    status: str
    total: Rate
    by_institution: list[Rate]
    by_pillar: list[Rate]
    measures: list[MeasureLine]
    progress_by_pillar: dict[str, Counter[str]]
    progress_by_objective: dict[str, Counter[str]]
    previous_period: str | None = None
    rate_change: float | None = None
    progress_changes: list[tuple[str, str, str]] = field(default_factory=list)
    sections: list[Panel] = field(default_factory=list)  # other duties' tables, translated

    @property
    def without_report(self) -> list[MeasureLine]:
        """Measures no responsible institution reported on."""
        return [m for m in self.measures if m.reported == 0]

    @property
    def blocked(self) -> list[MeasureLine]:
        """Measures reported blocked."""
        return [m for m in self.measures if m.progress == "blocked"]

    @property
    def past_deadline(self) -> list[MeasureLine]:
        """Dated measures whose deadline passed without being done."""
        return [m for m in self.measures if m.past_deadline]


def measure_progress(progresses: list[str | None]) -> str:
    """One word for a measure from its institutions' reports (a mix counts as in progress)."""
    given = [p for p in progresses if p]
    if not given:
        return "no report"
    if "blocked" in given:
        return "blocked"
    if len(set(given)) == 1:
        return given[0]
    return "in-progress"


class Reported(NamedTuple):
    """What the report reads of one submission (30,000 ORM objects would cost 100 MiB)."""

    submitted_at: datetime | None
    on_time: bool | None
    progress: str | None
    indicator_value: str | None


def _rate(
    groups: dict[str, Rate], label: str, submission: Reported, never: str, title: str = ""
) -> None:
    groups.setdefault(label, Rate(label, title=title)).count(
        answered=submission.submitted_at is not None,
        on_time=bool(submission.on_time),
        missing=never,
    )


def _submission_rows(session: Session, round_id: int) -> list[Any]:
    """(the Reported fields..., Measure, Objective, Institution) of each of the round's reports."""
    return session.execute(
        select(  # type: ignore[call-overload]
            *(getattr(Submission, name) for name in Reported._fields),
            Measure,
            Objective,
            Institution,
        )
        .join(Measure, col(Measure.id) == col(Submission.measure_id))
        .join(Objective, col(Objective.id) == col(Measure.objective_id))
        .join(Institution, col(Institution.id) == col(Submission.institution_id))
        .where(Submission.round_id == round_id)
        .order_by(col(Measure.id), Institution.code)
    ).all()  # type: ignore[return-value]


def _measure_lines(
    session: Session,
    period_text: str,
    by_measure: dict[int, list[tuple[Reported, Measure, Objective, str]]],
) -> list[MeasureLine]:
    """One line per measure, beside what other duties already know of its indicators."""
    period = parse_period(period_text)
    known: dict[int, list[KnownIndicator]] = defaultdict(list)
    for item in known_indicators(session, period.start, period.end):
        known[item.measure_id].append(item)  # e.g. a campaign's reach: nobody types it twice
    return [
        _measure_line(items, period.end, tuple(known.get(measure_id, ())))
        for measure_id, items in by_measure.items()
    ]


def _progress_counts(
    measures: list[MeasureLine],
) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
    """How many measures stand at each progress, by pillar and by objective."""
    by_pillar: dict[str, Counter[str]] = defaultdict(Counter)
    by_objective: dict[str, Counter[str]] = defaultdict(Counter)
    for line in measures:
        by_pillar[line.pillar][line.progress] += 1
        by_objective[line.objective][line.progress] += 1
    return dict(by_pillar), dict(by_objective)


def build_round_report(*, session: Session, round_: MonitoringRound) -> RoundReport:
    """Every figure of the consolidated report, from the round's submissions."""
    strategy = session.get(Strategy, round_.strategy_id)
    assert strategy is not None and round_.id is not None
    rows = _submission_rows(session, round_.id)
    total = Rate("all")
    institutions: dict[str, Rate] = {}
    pillars: dict[str, Rate] = {}
    by_measure: dict[int, list[tuple[Reported, Measure, Objective, str]]] = defaultdict(list)
    for *answer, measure, objective, institution in rows:
        submission = Reported(*answer)
        _rate({"all": total}, "all", submission, f"{measure.code} ({institution.code})")
        _rate(institutions, institution.label, submission, measure.code, institution.name)
        _rate(pillars, objective.pillar, submission, f"{measure.code} ({institution.code})")
        by_measure[measure.id or 0].append((submission, measure, objective, institution.label))
    measures = _measure_lines(session, round_.period, by_measure)
    progress_by_pillar, progress_by_objective = _progress_counts(measures)
    report = RoundReport(
        strategy_code=strategy.code,
        strategy_name=strategy.name,
        period=round_.period,
        due_at=round_.due_at,
        lock_at=round_.lock_at,
        status=round_.status,
        total=total,
        by_institution=by_rate_then_name(institutions.values()),
        by_pillar=sorted(pillars.values(), key=lambda r: pillar_rank(r.label)),
        measures=measures,
        progress_by_pillar=progress_by_pillar,
        progress_by_objective=progress_by_objective,
    )
    _compare_with_previous(session, strategy, round_, report)
    return report


def _measure_line(
    items: list[tuple[Reported, Measure, Objective, str]],
    period_end: date,
    known: tuple[KnownIndicator, ...],
) -> MeasureLine:
    submissions = [s for s, _, _, _ in items]
    _, measure, objective, _ = items[0]
    progress = measure_progress([s.progress for s in submissions])
    deadline = measure.deadline.isoformat() if measure.deadline else (measure.recurrence or "")
    past = bool(measure.deadline and measure.deadline <= period_end and progress != "done")
    return MeasureLine(
        code=measure.code,
        title=measure.title,
        pillar=objective.pillar,
        objective=objective.code,
        deadline=deadline,
        responsible=len(submissions),
        reported=sum(1 for s in submissions if s.submitted_at is not None),
        progress=progress,
        indicators=tuple((who, s.indicator_value) for s, _, _, who in items if s.indicator_value),
        past_deadline=past,
        known=known,
        objective_title=objective.title,
    )


def _compare_with_previous(
    session: Session, strategy: Strategy, round_: MonitoringRound, report: RoundReport
) -> None:
    earlier = session.exec(
        select(MonitoringRound)
        .where(
            MonitoringRound.strategy_id == strategy.id, col(MonitoringRound.due_at) < round_.due_at
        )
        .order_by(col(MonitoringRound.due_at).desc())
    ).first()
    if earlier is None:
        return
    previous = build_round_report(session=session, round_=earlier)
    report.previous_period = previous.period
    report.rate_change = report.total.reporting_rate - previous.total.reporting_rate
    before = {m.code: m.progress for m in previous.measures}
    report.progress_changes = [
        (m.code, before[m.code], m.progress)
        for m in report.measures
        if m.code in before and before[m.code] != m.progress
    ]


@dataclass
class PlanEvaluation:
    """Across every round of a strategy: what was done, what never started, who reported least."""

    strategy_code: str
    rounds: list[str]
    latest_progress: dict[str, str]
    never_started: list[str]
    done: list[str]
    least_reporting: list[Rate]


def evaluate_plan(*, session: Session, strategy_code: str) -> PlanEvaluation:
    """The end-of-plan evaluation of a strategy, from all its rounds in order."""
    strategy = session.exec(select(Strategy).where(Strategy.code == strategy_code)).one()
    rounds = session.exec(
        select(MonitoringRound)
        .where(MonitoringRound.strategy_id == strategy.id)
        .order_by(col(MonitoringRound.due_at))
    ).all()
    latest: dict[str, str] = {}
    ever_moved: set[str] = set()
    reporting: dict[str, Rate] = {}
    for round_ in rounds:
        report = build_round_report(session=session, round_=round_)
        for line in report.measures:
            if line.progress != "no report":
                latest[line.code] = line.progress
            if line.progress in ("in-progress", "done", "blocked"):
                ever_moved.add(line.code)
            latest.setdefault(line.code, line.progress)
        for rate in report.by_institution:
            total = reporting.setdefault(rate.label, Rate(rate.label, title=rate.title))
            total.expected += rate.expected
            total.answered += rate.answered
            total.on_time += rate.on_time
    return PlanEvaluation(
        strategy_code=strategy_code,
        rounds=[r.period for r in rounds],
        latest_progress=latest,
        never_started=sorted(code for code in latest if code not in ever_moved),
        done=sorted(code for code, progress in latest.items() if progress == "done"),
        least_reporting=by_rate_then_name(reporting.values())[:5],
    )
