"""The sweep hook: lock each round at its lock date, write its report, tell the coordinator."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.core.db import write_session
from models.core.settings import Settings
from models.core.sql import claimed
from models.lifecycle.duty import SweepContext, SweepOutcome, round_sections
from models.lifecycle.status import change_status
from models.lifecycle.tables import Assignment
from models.messaging.compose import coordinator_addressee
from models.messaging.emails import Post
from models.monitoring.messages import round_report_ready
from models.monitoring.report import RoundReport, build_round_report, evaluate_plan
from models.monitoring.report_files import ReportFiles, markdown_summary, pct, write_report
from models.monitoring.report_mail import report_mail_files
from models.monitoring.rules import round_assignment_ids, rounds_to_lock
from models.monitoring.tables import MonitoringRound, RoundStatus


def lock_round(*, engine: Engine, round_id: int, now: datetime, run_id: str | None) -> bool:
    """Lock the round and its assignments (no more answers, no more reminders); False if it was.

    A round locked before its lock date takes no answers from this moment on.
    """
    with write_session(engine) as session:
        round_ = claimed(session, MonitoringRound, round_id)
        if round_ is None or round_.status != RoundStatus.OPEN:
            return False  # locked, or being locked by another sweep
        change_status(
            session=session,
            entity=round_,
            to=RoundStatus.LOCKED,
            actor="flow:monitoring-round",
            now=now,
            flow_run_id=run_id,
            note=f"lock date {round_.lock_at.isoformat()}",
        )
        session.execute(
            update(Assignment)
            .where(col(Assignment.id).in_(round_assignment_ids(round_id)))
            .values(locked_at=min(round_.lock_at, now), next_action_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return True


def publish_report(
    *, engine: Engine, round_id: int, settings: Settings, now: datetime, language: str = "ro"
) -> tuple[RoundReport, ReportFiles]:
    """Build the round's consolidated report and write its files under var/reports/<period>/.

    Romanian is the coordinator's language; another language goes in a subfolder of its own.
    """
    with Session(engine) as session:
        round_ = session.get(MonitoringRound, round_id)
        assert round_ is not None
        report = build_round_report(session=session, round_=round_)
        report.sections = round_sections(session, language)
        evaluation = evaluate_plan(session=session, strategy_code=report.strategy_code)
    folder = settings.var_dir / "reports" / report.period / report.strategy_code
    if language != "ro":
        folder /= language
    return report, write_report(report, evaluation, folder, settings.zone, now, language)


def close_round(
    *, engine: Engine, round_id: int, settings: Settings, now: datetime, run_id: str | None
) -> tuple[RoundReport, ReportFiles] | None:
    """Lock a due round, publish its report and send it to the coordinator (once)."""
    if not lock_round(engine=engine, round_id=round_id, now=now, run_id=run_id):
        return None
    report, files = publish_report(engine=engine, round_id=round_id, settings=settings, now=now)
    to = coordinator_addressee(settings)
    with write_session(engine) as session:
        round_report_ready(
            Post(session, settings, now),
            f"round-report:{report.strategy_code}:{report.period}",
            to,
            report,
            report_mail_files(report, files, to.institution.language),
        )
        session.commit()
    return report, files


def _outcome(report: RoundReport, files: ReportFiles) -> SweepOutcome:
    slug = f"{report.strategy_code}-{report.period}".lower()
    return SweepOutcome(
        summary=f"round {report.strategy_code} {report.period} locked; report in {files.folder}",
        artifact_key=f"round-report-{slug}",
        markdown=markdown_summary(report, files),
        table_key=f"round-rates-{slug}",
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
    )


def close_due_rounds(context: SweepContext) -> list[SweepOutcome]:
    """The sweep hook: close every round whose lock date has come."""
    with Session(context.engine) as session:
        due = rounds_to_lock(session=session, now=context.now)
    outcomes = []
    for round_id in due:
        closed = close_round(
            engine=context.engine,
            round_id=round_id,
            settings=context.settings,
            now=context.now,
            run_id=context.run_id,
        )
        if closed is not None:
            outcomes.append(_outcome(*closed))
    return outcomes
