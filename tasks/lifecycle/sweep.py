"""The daily sweep's units of work: advance due assignments, then bundle their notices."""

import logging
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.runtime import flow_run
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import Settings, get_settings
from models.lifecycle.policy import Plan, Step, effective_policy, plan
from models.lifecycle.status import TRANSITIONS, change_status
from models.lifecycle.tables import Assignment, Notice
from models.messaging.compose import addressee_for, assignment_link, coordinator_addressee, notify
from models.messaging.digest import digest_groups, digest_key
from models.messaging.message_views import AssignmentView, EscalationLine, InstitutionView
from models.messaging.render import MessageKind
from models.registry.enums import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus
from models.registry.institutions import Institution

A = AssignmentStatus
FOCAL, HEAD, COORDINATOR = "focal-point", "head", "coordinator"
AUDIENCES = {
    Step.REMINDER: (FOCAL,),
    Step.OVERDUE: (FOCAL,),
    Step.ESCALATION: (HEAD,),
    Step.SUMMARY: (HEAD, COORDINATOR),
    Step.REPEAT: (FOCAL, COORDINATOR),
}
STATUS_PATH = {
    Step.REMINDER: (A.REMINDED,),
    Step.OVERDUE: (A.OVERDUE,),
    Step.ESCALATION: (A.OVERDUE, A.ESCALATED),
    Step.SUMMARY: (A.OVERDUE, A.ESCALATED),
    Step.REPEAT: (A.OVERDUE, A.ESCALATED),
}
ESCALATION_LEVEL = {Step.ESCALATION: 1, Step.SUMMARY: 2, Step.REPEAT: 2}


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


def _insert_notices(session: Session, rows: list[dict[str, Any]]) -> None:
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Notice).on_conflict_do_nothing(
        index_elements=["assignment_id", "step", "day", "audience"]
    )
    session.execute(statement, rows)


def _claim(session: Session, assignment: Assignment, upcoming: Plan, now: datetime) -> bool:
    """Move next_action_at on, guarded by the value we read: False if another sweep did."""
    values: dict[str, Any] = {"next_action_at": upcoming.next_action_at, "updated_at": now}
    if upcoming.step is Step.REMINDER:
        values |= {"reminders_sent": assignment.reminders_sent + 1, "last_reminded_at": now}
    if upcoming.step in ESCALATION_LEVEL:
        values["escalation_level"] = max(
            assignment.escalation_level, ESCALATION_LEVEL[upcoming.step]
        )
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
    upcoming: Plan,
    *,
    now: datetime,
    day: str,
    run_id: str | None,
) -> list[dict[str, Any]]:
    """Take the assignment's step: statuses through the status function, then its notices."""
    if not _claim(session, assignment, upcoming, now) or upcoming.step is None:
        return []
    for target in STATUS_PATH[upcoming.step]:
        if target != assignment.status and target in TRANSITIONS["assignment"][assignment.status]:
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
    audiences = AUDIENCES[upcoming.step]
    if upcoming.step is Step.SUMMARY and assignment.escalation_level >= 1:
        audiences = (COORDINATOR,)
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
        for audience in audiences
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
                upcoming = plan(
                    assignment.due_at,
                    effective_policy(assignment.kind, assignment.policy_override),
                    calendar,
                    now,
                )
                notices += _advance_one(
                    session, assignment, upcoming, now=now, day=day, run_id=run_id
                )
                steps[upcoming.step.value if upcoming.step else "scheduled"] += 1
            if notices:
                _insert_notices(session, notices)
            session.commit()
        if len(assignments) < chunk:
            return steps


def _views(
    session: Session,
    notices: list[Notice],
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
) -> dict[int, AssignmentView]:
    ids = {n.assignment_id for n in notices}
    assignments = session.exec(select(Assignment).where(col(Assignment.id).in_(ids))).all()
    today = calendar.local_date(now)
    views = {}
    for a in assignments:
        assert a.id is not None
        due_day = calendar.local_date(a.due_at)
        late = calendar.working_days_between(due_day, today) if a.due_at < now else 0
        link = assignment_link(
            assignment_id=a.id,
            institution_id=a.institution_id,
            due_at=a.due_at,
            now=now,
            settings=settings,
            version=a.link_version,
        )
        views[a.id] = AssignmentView.of(a, link=link, overdue_days=max(late, 0))
    return views


def _unbundled(session: Session, dialect: str) -> list[Notice]:
    query = select(Notice).where(col(Notice.bundle_key).is_(None)).order_by(col(Notice.id))
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query).all())


def _queue_once(session: Session, key: str, notices: list[Notice], **message: Any) -> str:
    """Queue under `key`, or under a suffixed key when `key` was already used today."""
    for candidate in (key, f"{key}:{min(n.id or 0 for n in notices)}"):
        if notify(session=session, key=candidate, **message):
            for notice in notices:
                notice.bundle_key = candidate
                session.add(notice)
            return candidate
    raise RuntimeError(f"{key}: both keys already used")


def _immediate_kind(step: str) -> MessageKind:
    return {
        "reminder": MessageKind.REMINDER,
        "escalation": MessageKind.ESCALATION,
        "summary": MessageKind.ESCALATION,
    }.get(step, MessageKind.OVERDUE)


def bundle_notices(
    *,
    engine: Engine,
    now: datetime,
    settings: Settings,
    calendar: WorkingCalendar,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> Counter[str]:
    """Turn the day's notices into messages: one digest per institution and audience."""
    counts: Counter[str] = Counter()
    day = calendar.local_date(now)
    with write_session(engine) as session:
        notices = _unbundled(session, engine.dialect.name)
        views = _views(session, notices, settings, calendar, now)
        groups: dict[tuple[str, int], list[Notice]] = defaultdict(list)
        for notice in notices:
            groups[(notice.audience, notice.institution_id)].append(notice)
        summary: list[EscalationLine] = []
        summary_notices: list[Notice] = []
        for (audience, institution_id), members in sorted(groups.items()):
            items = [views[n.assignment_id] for n in members]
            if audience == COORDINATOR:
                institution = session.get(Institution, institution_id)
                assert institution is not None
                summary.append(
                    EscalationLine(
                        institution=InstitutionView.of(institution), level=2, assignments=items
                    )
                )
                summary_notices += members
                continue
            roles = ("head", "deputy") if audience == HEAD else (FOCAL,)
            try:
                to = addressee_for(session=session, institution_id=institution_id, roles=roles)
            except LookupError as exc:
                logger.warning("no recipient: %s", exc)
                counts["no-recipient"] += len(members)
                continue
            common = {"settings": settings, "now": now, "to": to}
            code = to.institution.code
            for notice in [n for n in members if n.urgent]:
                item = views[notice.assignment_id]
                kind = _immediate_kind(notice.step)
                context: dict[str, Any] = (
                    {"assignments": [item], "level": 1}
                    if kind is MessageKind.ESCALATION
                    else {"assignment": item, "days_left": 0}
                )
                _queue_once(
                    session,
                    f"{notice.step}:{item.key}:{day}:{audience}",
                    [notice],
                    kind=kind,
                    context=context,
                    **common,
                )
                counts["immediate"] += 1
            routine = [n for n in members if not n.urgent]
            if not routine:
                continue
            routine_items = [views[n.assignment_id] for n in routine]
            if audience == HEAD:
                _queue_once(
                    session,
                    f"escalation:{code}:{day}",
                    routine,
                    kind=MessageKind.ESCALATION,
                    context={"assignments": routine_items, "level": 1},
                    **common,
                )
                counts["escalation"] += 1
            else:
                _queue_once(
                    session,
                    digest_key(code, audience, day.isoformat()),
                    routine,
                    kind=MessageKind.DAILY_DIGEST,
                    context={
                        "groups": digest_groups(routine_items, calendar.zone),
                        "total": len(routine_items),
                        "day": day,
                    },
                    **common,
                )
                counts["digest"] += 1
        if summary:
            _queue_once(
                session,
                f"escalation-summary:{day}",
                summary_notices,
                kind=MessageKind.ESCALATION_SUMMARY,
                to=coordinator_addressee(settings),
                context={"lines": summary, "day": day},
                settings=settings,
                now=now,
            )
            counts["summary"] += 1
        session.commit()
    return counts


def _calendar(settings: Settings) -> WorkingCalendar:
    return WorkingCalendar(zone=settings.zone)


@task(name="advance-due-assignments", task_run_name="advance due assignments")
def advance_due_assignments_task(now: datetime, urgent_only: bool = False) -> dict[str, int]:
    """Remind, mark overdue and escalate every assignment whose next step has come."""
    settings = get_settings()
    run_id = flow_run.get_id()
    steps = advance_due_assignments(
        engine=get_engine(settings.resolved_database_url()),
        now=now,
        calendar=_calendar(settings),
        urgent_only=urgent_only,
        run_id=str(run_id) if run_id else None,
    )
    get_run_logger().info("steps taken: %s", dict(steps) or "none")
    return dict(steps)


@task(name="bundle-notices", task_run_name="bundle notices")
def bundle_notices_task(now: datetime) -> dict[str, int]:
    """Queue the digests, escalations and the coordinator's summary for the day's notices."""
    settings = get_settings()
    counts = bundle_notices(
        engine=get_engine(settings.resolved_database_url()),
        now=now,
        settings=settings,
        calendar=_calendar(settings),
        logger=get_run_logger(),
    )
    return dict(counts)
