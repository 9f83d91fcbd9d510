"""The sweep's first unit of work: take every due step of the escalation ladder."""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.runtime import flow_run
from sqlalchemy import Integer, case, literal
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeEngine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.heap import old_objects_frozen
from models.core.settings import get_settings
from models.core.sql import insert_ignoring_duplicates
from models.core.types import UTCDateTime
from models.lifecycle.ladder import LADDER, NextStep, Step, audiences_of, next_step
from models.lifecycle.policy import Policy, effective_policy
from models.lifecycle.status import Guard, Move, change_statuses, walk
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


ACTOR = "flow:daily-sweep"
CLAIM_TYPES: dict[str, TypeEngine[Any]] = {
    "seen_next": UTCDateTime(),
    "next": UTCDateTime(),
    "reminded": Integer(),
    "level": Integer(),
}


Steps = dict[tuple[datetime, Policy], NextStep]


def _move(
    assignment: Assignment, calendar: WorkingCalendar, now: datetime, known: Steps
) -> tuple[Move, Step | None]:
    """The assignment's step: the statuses it passes through and the claim's values."""
    policy = effective_policy(assignment.kind, assignment.policy_override)
    # a round's assignments share their due moment and policy, so their ladder too
    key = (assignment.due_at, policy)
    if key not in known:
        known[key] = next_step(assignment.due_at, policy, calendar, now)
    upcoming = known[key]
    rung = LADDER[upcoming.step] if upcoming.step else None
    assert assignment.id is not None
    move = Move(
        entity_id=assignment.id,
        seen=assignment.status,
        path=walk("assignment", assignment.status, rung.statuses) if rung else (),
        note=f"{upcoming.step} step",
        extra={
            "seen_next": assignment.next_action_at,
            "next": upcoming.next_action_at,
            "reminded": int(upcoming.step is Step.REMINDER),
            "level": max(assignment.escalation_level, rung.escalation_level if rung else 0),
        },
    )
    return move, upcoming.step


def _claim_values(now: datetime) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What a claim writes besides the status: the next action, reminders and level."""
    moment = literal(now, UTCDateTime())

    def changes(v: dict[str, Any]) -> dict[str, Any]:
        reminded = v["reminded"] == 1
        return {
            "next_action_at": v["next"],
            "updated_at": moment,
            "reminders_sent": col(Assignment.reminders_sent) + v["reminded"],
            "last_reminded_at": case((reminded, moment), else_=col(Assignment.last_reminded_at)),
            "escalation_level": v["level"],
        }

    return changes


def _notices(assignment: Assignment, step: Step, day: str, now: datetime) -> list[dict[str, Any]]:
    """One notice of the step per audience told of it."""
    return [
        {
            "assignment_id": assignment.id,
            "institution_id": assignment.institution_id,
            "step": step.value,
            "audience": audience,
            "day": day,
            "urgent": assignment.urgent,
            "created_at": now,
        }
        for audience in audiences_of(step, assignment.escalation_level)
    ]


def _take_steps(
    session: Session,
    assignments: list[Assignment],
    *,
    now: datetime,
    day: str,
    run_id: str | None,
    calendar: WorkingCalendar,
) -> tuple[Counter[str], list[dict[str, Any]]]:
    """Take every row's step in one update guarded by what was read; the notices to leave."""
    known: Steps = {}
    planned = {a.id: (a, *_move(a, calendar, now, known)) for a in assignments}
    moved = change_statuses(
        session=session,
        table=Assignment,
        moves=[move for _, move, _ in planned.values()],
        actor=ACTOR,
        now=now,
        flow_run_id=run_id,
        guard=Guard(
            types=CLAIM_TYPES,
            where=lambda v: [col(Assignment.next_action_at) == v["seen_next"]],
            changes=_claim_values(now),
        ),
    )
    steps: Counter[str] = Counter()
    notices = []
    for assignment, _, step in (planned[i] for i in sorted(moved)):
        steps[step.value if step else "scheduled"] += 1
        if step is not None:
            notices += _notices(assignment, step, day, now)
    return steps, notices


@old_objects_frozen()
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
            taken, notices = _take_steps(
                session, assignments, now=now, day=day, run_id=run_id, calendar=calendar
            )
            steps += taken
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
