"""Monitoring-round units of work, each in bulk: open, create assignments, announce, lock."""

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.periods import Period, parse_period
from models.core.settings import Settings, get_settings
from models.lifecycle.assignments import new_assignment
from models.lifecycle.status import change_status
from models.lifecycle.tables import Assignment
from models.messaging.compose import addressee_for, assignment_link, coordinator_addressee, notify
from models.messaging.digest import digest_groups
from models.messaging.message_views import AssignmentView
from models.messaging.render import MessageKind
from models.monitoring.report import RoundReport, build_round_report, evaluate_plan
from models.monitoring.report_files import ReportFiles, markdown_summary, pct, write_report
from models.monitoring.tables import (
    MonitoringRound,
    RoundStatus,
    Submission,
    expected_reports,
    report_key,
)
from models.registry.enums import AssignmentKind
from models.registry.institutions import Institution
from models.registry.strategy import Strategy

CHUNK = 1000


class RoundError(ValueError):
    """A round that cannot be opened as asked; the message names the parameter."""


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


def open_round(
    *,
    engine: Engine,
    strategy_code: str,
    period_label: str,
    due_date: date | None,
    working_days_after_end: int,
    lock_after_days: int,
    calendar: WorkingCalendar,
    now: datetime,
) -> int:
    """The round's id, creating it the first time; the same parameters again change nothing."""
    try:
        period = parse_period(period_label)
    except ValueError as exc:
        raise RoundError(str(exc)) from None
    if lock_after_days < 0 or working_days_after_end < 0:
        raise RoundError("lock_after_days and working_days_after_period_end: must not be negative")
    with write_session(engine) as session:
        strategy = session.exec(select(Strategy).where(Strategy.code == strategy_code)).first()
        if strategy is None:
            raise RoundError(f"strategy: unknown strategy {strategy_code!r}")
        if strategy.ends < period.start or strategy.starts > period.end:
            raise RoundError(
                f"period: {period.label} is outside {strategy.code} "
                f"({strategy.starts} to {strategy.ends})"
            )
        existing = session.exec(
            select(MonitoringRound).where(
                MonitoringRound.strategy_id == strategy.id, MonitoringRound.period == period.label
            )
        ).first()
        if existing is not None:
            assert existing.id is not None
            return existing.id
        due_at, lock_at = round_dates(
            period,
            due_date=due_date,
            working_days_after_end=working_days_after_end,
            lock_after_days=lock_after_days,
            calendar=calendar,
        )
        round_ = MonitoringRound(
            strategy_id=strategy.id or 0,
            period=period.label,
            opens_at=now,
            due_at=due_at,
            lock_at=lock_at,
            created_at=now,
        )
        session.add(round_)
        session.commit()
        assert round_.id is not None
        return round_.id


def _insert_ignoring(
    session: Session, model: Any, rows: list[dict[str, Any]], keys: list[str]
) -> None:
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).on_conflict_do_nothing(index_elements=keys), rows)


def create_round_assignments(
    *,
    engine: Engine,
    round_id: int,
    calendar: WorkingCalendar,
    now: datetime,
    policy_override: str | None = None,
) -> dict[str, int]:
    """One report assignment and one Submission per expected report, inserted in chunks."""
    with Session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        strategy = session.get(Strategy, round_.strategy_id)
        assert strategy is not None
        expected = expected_reports(
            session=session, strategy=strategy, start=parse_period(round_.period).start
        )
        codes = dict(session.exec(select(Institution.id, Institution.code)).all())
    created = 0
    for start in range(0, len(expected), CHUNK):
        chunk = expected[start : start + CHUNK]
        rows = []
        for item in chunk:
            key = report_key(
                strategy.code, round_.period, item.measure_code, codes[item.institution_id]
            )
            assignment = new_assignment(
                key=key,
                kind=AssignmentKind.MONITORING_REPORT,
                institution_id=item.institution_id,
                subject_type="measure",
                subject_ref=f"{strategy.code}/{item.measure_code}",
                title=f"{item.measure_code} {item.measure_title}"[:500],
                due_at=round_.due_at,
                calendar=calendar,
                now=now,
                policy_override=policy_override,
            )
            assignment.locked_at = round_.lock_at  # the portal refuses answers from then on
            rows.append(assignment.model_dump(exclude={"id"}))
        with write_session(engine) as session:
            before = _count(session, round_)
            _insert_ignoring(session, Assignment, rows, ["key"])
            ids = dict(
                session.exec(
                    select(Assignment.key, Assignment.id).where(
                        col(Assignment.key).in_([r["key"] for r in rows])
                    )
                ).all()
            )
            _insert_ignoring(
                session,
                Submission,
                [
                    {
                        "round_id": round_id,
                        "assignment_id": ids[r["key"]],
                        "measure_id": item.measure_id,
                        "institution_id": item.institution_id,
                    }
                    for r, item in zip(rows, chunk, strict=True)
                ],
                ["assignment_id"],
            )
            created += _count(session, round_) - before
            session.commit()
    return {"expected": len(expected), "created": created}


def _count(session: Session, round_: MonitoringRound) -> int:
    query = select(func.count()).select_from(Submission).where(Submission.round_id == round_.id)
    return int(session.exec(query).one())


def announce_round(
    *,
    engine: Engine,
    round_id: int,
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> dict[str, int]:
    """One email per institution listing every report it owes in the round (queued once)."""
    counts = {"queued": 0, "already": 0, "no-recipient": 0}
    with write_session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        strategy = session.get(Strategy, round_.strategy_id)
        assert strategy is not None
        owed: dict[int, list[Assignment]] = defaultdict(list)
        for assignment in session.exec(
            select(Assignment)
            .join(Submission, col(Submission.assignment_id) == col(Assignment.id))
            .where(Submission.round_id == round_id)
        ).all():
            owed[assignment.institution_id].append(assignment)
        for institution_id, assignments in sorted(owed.items()):
            try:
                to = addressee_for(
                    session=session, institution_id=institution_id, roles=("focal-point", "deputy")
                )
            except LookupError as exc:
                logger.warning("round %s: %s", round_.period, exc)
                counts["no-recipient"] += 1
                continue
            items = [
                AssignmentView.of(
                    a,
                    link=assignment_link(
                        assignment_id=a.id or 0,
                        institution_id=institution_id,
                        due_at=a.due_at,
                        now=now,
                        settings=settings,
                        version=a.link_version,
                    ),
                )
                for a in assignments
            ]
            key = f"round-opened:{strategy.code}:{round_.period}:{to.institution.code}"
            new = notify(
                session=session,
                key=key,
                kind=MessageKind.ROUND_OPENED,
                to=to,
                settings=settings,
                now=now,
                context={
                    "period": round_.period,
                    "strategy": strategy.name,
                    "due_at": round_.due_at,
                    "lock_at": round_.lock_at,
                    "groups": digest_groups(items, calendar.zone),
                    "total": len(items),
                },
            )
            counts["queued" if new else "already"] += 1
        session.commit()
    return counts


def lock_round(*, engine: Engine, round_id: int, now: datetime, run_id: str | None) -> bool:
    """Lock the round and its assignments (no more answers, no more reminders); False if it was."""
    with write_session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        if round_.status != RoundStatus.OPEN:
            return False
        change_status(
            session=session,
            entity=round_,
            to=RoundStatus.LOCKED,
            actor="flow:monitoring-round",
            now=now,
            flow_run_id=run_id,
            note=f"lock date {round_.lock_at.isoformat()}",
        )
        ids = select(Submission.assignment_id).where(Submission.round_id == round_id)
        session.execute(
            update(Assignment)
            .where(col(Assignment.id).in_(ids))
            .values(locked_at=round_.lock_at, next_action_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return True


def rounds_to_lock(*, engine: Engine, now: datetime) -> list[int]:
    """Open rounds whose lock moment has come."""
    with Session(engine) as session:
        return [
            r.id or 0
            for r in session.exec(
                select(MonitoringRound).where(
                    MonitoringRound.status == RoundStatus.OPEN, col(MonitoringRound.lock_at) <= now
                )
            ).all()
        ]


def _context() -> tuple[Settings, Engine, WorkingCalendar]:
    settings = get_settings()
    return (
        settings,
        get_engine(settings.resolved_database_url()),
        WorkingCalendar(zone=settings.zone),
    )


@task(name="open-round", task_run_name="open round {period}")
def open_round_task(
    strategy: str,
    period: str,
    due_date: date | None,
    working_days_after_end: int,
    lock_after_days: int,
    now: datetime,
) -> int:
    """Create the round (or find it) and return its id."""
    _, engine, calendar = _context()
    return open_round(
        engine=engine,
        strategy_code=strategy,
        period_label=period,
        due_date=due_date,
        working_days_after_end=working_days_after_end,
        lock_after_days=lock_after_days,
        calendar=calendar,
        now=now,
    )


@task(name="create-round-assignments", task_run_name="create round assignments")
def create_round_assignments_task(
    round_id: int, now: datetime, policy_override: str | None = None
) -> dict[str, int]:
    """Create every expected report assignment of the round, in bulk."""
    _, engine, calendar = _context()
    counts = create_round_assignments(
        engine=engine,
        round_id=round_id,
        calendar=calendar,
        now=now,
        policy_override=policy_override,
    )
    get_run_logger().info("round assignments: %s", counts)
    return counts


@task(name="announce-round", task_run_name="announce round")
def announce_round_task(round_id: int, now: datetime) -> dict[str, int]:
    """Queue one announcement per institution."""
    settings, engine, calendar = _context()
    return announce_round(
        engine=engine,
        round_id=round_id,
        settings=settings,
        calendar=calendar,
        now=now,
        logger=get_run_logger(),
    )


def publish_report(
    *, engine: Engine, round_id: int, settings: Settings, now: datetime
) -> tuple[RoundReport, ReportFiles]:
    """Build the round's consolidated report and write its files under var/reports/<period>/."""
    with Session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        report = build_round_report(session=session, round_=round_)
        evaluation = evaluate_plan(session=session, strategy_code=report.strategy_code)
    folder = settings.var_dir / "reports" / report.period / report.strategy_code
    return report, write_report(report, evaluation, folder, settings.zone, now)


def close_round(
    *, engine: Engine, round_id: int, settings: Settings, now: datetime, run_id: str | None
) -> tuple[RoundReport, ReportFiles] | None:
    """Lock a due round, publish its report and send it to the coordinator (once)."""
    if not lock_round(engine=engine, round_id=round_id, now=now, run_id=run_id):
        return None
    report, files = publish_report(engine=engine, round_id=round_id, settings=settings, now=now)
    with write_session(engine) as session:
        notify(
            session=session,
            key=f"round-report:{report.strategy_code}:{report.period}",
            kind=MessageKind.ROUND_REPORT,
            to=coordinator_addressee(settings),
            settings=settings,
            now=now,
            context={"report": report, "folder": str(files.folder)},
        )
        session.commit()
    return report, files


@task(name="lock-due-rounds", task_run_name="lock due rounds")
def lock_due_rounds_task(now: datetime) -> list[str]:
    """Lock every round whose lock date has come, and publish and send its report."""
    settings, engine, _ = _context()
    run_id = flow_run.get_id()
    closed = []
    for round_id in rounds_to_lock(engine=engine, now=now):
        outcome = close_round(
            engine=engine,
            round_id=round_id,
            settings=settings,
            now=now,
            run_id=str(run_id) if run_id else None,
        )
        if outcome is None:
            continue
        report, files = outcome
        slug = f"{report.strategy_code}-{report.period}".lower()
        create_markdown_artifact(
            key=f"round-report-{slug}",
            markdown=markdown_summary(report, files),
            description=f"Consolidated report {report.period}",
        )
        create_table_artifact(
            key=f"round-rates-{slug}",
            table=[
                {
                    "institution": r.label,
                    "expected": r.expected,
                    "received": r.answered,
                    "on_time": r.on_time,
                    "reporting_rate": pct(r.reporting_rate),
                }
                for r in report.by_institution
            ],
            description=f"Reporting by institution {report.period}",
        )
        get_run_logger().info("round %s locked; report in %s", report.period, files.folder)
        closed.append(f"{report.strategy_code} {report.period}")
    return closed
