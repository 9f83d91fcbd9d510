"""The sweep's first unit of work: take every due step of the escalation ladder."""

from collections import Counter
from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.runtime import flow_run
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.core.sql import insert_ignoring_duplicates
from models.lifecycle.ladder import LADDER, NextStep, Step, audiences_of, next_step
from models.lifecycle.policy import effective_policy
from models.lifecycle.status import ASSIGNMENT_LIFECYCLE, change_status
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment, Notice


def due_query(now: datetime, *, urgent_only: bool, limit: int, dialect: str) -> Any:
    """Open assignments whose next action has come, from the (status, next_action_at) index."""
    query = (
        select(Assignment)
        .where(
            col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
            col(Assignment.next_action_at) <= now,
        )
        .order_by(col(Assignment.next_action_at))
        .limit(limit)
    )
    if urgent_only:
        query = query.where(col(Assignment.urgent).is_(True))
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def _claim(session: Session, assignment: Assignment, upcoming: NextStep, now: datetime) -> bool:
    """Move next_action_at on, guarded by the value we read: False if another sweep did."""
    values: dict[str, Any] = {"next_action_at": upcoming.next_action_at, "updated_at": now}
    if upcoming.step is Step.REMINDER:
        values |= {"reminders_sent": assignment.reminders_sent + 1, "last_reminded_at": now}
    level = LADDER[upcoming.step].escalation_level if upcoming.step else 0
    if level:
        values["escalation_level"] = max(assignment.escalation_level, level)
    result = session.execute(
        update(Assignment)
        .where(
            col(Assignment.id) == assignment.id,
            col(Assignment.next_action_at) == assignment.next_action_at,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _advance_one(
    session: Session,
    assignment: Assignment,
    upcoming: NextStep,
    *,
    now: datetime,
    day: str,
    run_id: str | None,
) -> list[dict[str, Any]]:
    """Take the assignment's step: statuses through the status function, then its notices."""
    if not _claim(session, assignment, upcoming, now) or upcoming.step is None:
        return []
    for target in LADDER[upcoming.step].statuses:
        if target != assignment.status and target in ASSIGNMENT_LIFECYCLE[assignment.status]:
            change_status(
                session=session,
                entity=assignment,
                to=target,
                actor="flow:daily-sweep",
                now=now,
                flow_run_id=run_id,
                note=f"{upcoming.step} step",
                values={"updated_at": now},
            )
    assert assignment.id is not None
    return [
        {
            "assignment_id": assignment.id,
            "institution_id": assignment.institution_id,
            "step": upcoming.step.value,
            "audience": audience,
            "day": day,
            "urgent": assignment.urgent,
            "created_at": now,
        }
        for audience in audiences_of(upcoming.step, assignment.escalation_level)
    ]


def advance_due_assignments(
    *,
    engine: Engine,
    now: datetime,
    calendar: WorkingCalendar,
    urgent_only: bool,
    run_id: str | None,
    chunk: int = 500,
) -> Counter[str]:
    """Advance every due assignment, chunk by chunk, each chunk in one transaction."""
    day = calendar.local_date(now).isoformat()
    steps: Counter[str] = Counter()
    while True:
        with write_session(engine) as session:
            query = due_query(
                now, urgent_only=urgent_only, limit=chunk, dialect=engine.dialect.name
            )
            assignments = list(session.exec(query).all())
            notices: list[dict[str, Any]] = []
            for assignment in assignments:
                policy = effective_policy(assignment.kind, assignment.policy_override)
                upcoming = next_step(assignment.due_at, policy, calendar, now)
                notices += _advance_one(
                    session, assignment, upcoming, now=now, day=day, run_id=run_id
                )
                steps[upcoming.step.value if upcoming.step else "scheduled"] += 1
            if notices:
                unique = ["assignment_id", "step", "day", "audience"]
                session.execute(insert_ignoring_duplicates(session, Notice, unique), notices)
            session.commit()
        if len(assignments) < chunk:
            return steps


@task(name="advance-due-assignments", task_run_name="advance due assignments")
def advance_due_assignments_task(now: datetime, urgent_only: bool = False) -> dict[str, int]:
    """Remind, mark overdue and escalate every assignment whose next step has come."""
    settings = get_settings()
    run_id = flow_run.get_id()
    steps = advance_due_assignments(
        engine=get_engine(settings.resolved_database_url()),
        now=now,
        calendar=WorkingCalendar(zone=settings.zone),
        urgent_only=urgent_only,
        run_id=str(run_id) if run_id else None,
    )
    get_run_logger().info("steps taken: %s", dict(steps) or "none")
    return dict(steps)
