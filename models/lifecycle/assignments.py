"""Creating and listing assignments."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.cells import neutralised_row
from models.lifecycle.ladder import next_step
from models.lifecycle.policy import effective_policy
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.reference.institutions import Institution


def first_action_at(
    *,
    kind: str,
    due_at: datetime,
    override: dict[str, Any] | None,
    calendar: WorkingCalendar,
    now: datetime,
) -> datetime | None:
    """When the sweep should first look at a new assignment."""
    upcoming = next_step(due_at, effective_policy(kind, override), calendar, now)
    return now if upcoming.step is not None else upcoming.next_action_at


def new_assignment(
    *,
    key: str,
    kind: str,
    institution_id: int,
    subject_type: str,
    subject_ref: str,
    title: str,
    due_at: datetime,
    calendar: WorkingCalendar,
    now: datetime,
    policy_override: dict[str, Any] | None = None,
) -> Assignment:
    """An assignment scheduled for its first reminder under its kind's policy (not yet added)."""
    policy = effective_policy(kind, policy_override)
    return Assignment(
        key=key,
        kind=kind,
        institution_id=institution_id,
        subject_type=subject_type,
        subject_ref=subject_ref,
        title=title,
        due_at=due_at,
        urgent=policy.urgent,
        policy_override=policy_override,
        created_at=now,
        updated_at=now,
        next_action_at=first_action_at(
            kind=kind, due_at=due_at, override=policy_override, calendar=calendar, now=now
        ),
    )


@dataclass(frozen=True)
class AssignmentRow:
    key: str
    institution: str
    kind: str
    title: str
    due_at: datetime
    status: str
    escalation_level: int
    snoozed_until: datetime | None


def open_assignments(
    *,
    session: Session,
    institution: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    overdue_only: bool = False,
    now: datetime,
) -> list[AssignmentRow]:
    """Open assignments, filtered, earliest due first."""
    query = (
        select(Assignment, Institution.code)
        .join(Institution, col(Institution.id) == col(Assignment.institution_id))
        .where(col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES))
        .order_by(col(Assignment.due_at), col(Assignment.key))
    )
    if institution:
        query = query.where(Institution.code == institution)
    if kind:
        query = query.where(Assignment.kind == kind)
    if status:
        query = query.where(Assignment.status == status)
    if overdue_only:
        query = query.where(col(Assignment.due_at) < now)
    return [
        AssignmentRow(
            a.key, code, a.kind, a.title, a.due_at, a.status, a.escalation_level, a.snoozed_until
        )
        for a, code in session.exec(query).all()
    ]


def rows_as_csv(rows: list[AssignmentRow], calendar: WorkingCalendar) -> str:
    """The rows as CSV with local times."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "key",
            "institution",
            "kind",
            "title",
            "due",
            "status",
            "escalation_level",
            "snoozed_until",
        ]
    )
    for r in rows:
        snoozed = r.snoozed_until.astimezone(calendar.zone).isoformat() if r.snoozed_until else ""
        due = r.due_at.astimezone(calendar.zone).isoformat()
        row = [r.key, r.institution, r.kind, r.title, due, r.status, r.escalation_level, snoozed]
        writer.writerow(neutralised_row(row))
    return buffer.getvalue()


def count_open_by_status(session: Session) -> dict[str, int]:
    """How many assignments wait for an answer, by status."""
    rows = session.exec(
        select(Assignment.status, func.count())
        .where(col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES))
        .group_by(Assignment.status)
    ).all()
    return dict(rows)
