"""Meetings as the coordinator lists them: when, where they stand, who answered, what is open."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.meetings.cycle import member_ids
from models.meetings.tables import ActionItem, ActionStatus, Attendance, Meeting
from models.reference.institutions import Body


@dataclass(frozen=True)
class MeetingRow:
    meeting_id: int
    body: str
    number: int
    starts_at: datetime
    status: str
    members: int
    attendance_answers: int
    agenda_answers: int
    open_actions: int
    overdue_actions: int


def _count(session: Session, query: object) -> int:
    return int(session.exec(query).one())  # type: ignore[call-overload]


def meeting_row(session: Session, meeting: Meeting, body: Body, now: datetime) -> MeetingRow:
    """One meeting with its answer and action-item counts."""
    prefix = f"meeting:{body.code}:{meeting.planned_date.isoformat()}:agenda-items:"
    actions = (
        select(func.count())
        .select_from(ActionItem)
        .where(ActionItem.meeting_id == meeting.id, ActionItem.status == ActionStatus.OPEN)
    )
    return MeetingRow(
        meeting_id=meeting.id or 0,
        body=body.code,
        number=meeting.number,
        starts_at=meeting.starts_at,
        status=meeting.status,
        members=len(member_ids(session, body.id or 0)),
        attendance_answers=_count(
            session,
            select(func.count()).select_from(Attendance).where(Attendance.meeting_id == meeting.id),
        ),
        agenda_answers=_count(
            session,
            select(func.count())
            .select_from(Assignment)
            .where(
                col(Assignment.key).startswith(prefix),
                col(Assignment.status).not_in(OPEN_ASSIGNMENT_STATUSES),
                Assignment.status != "cancelled",
            ),
        ),
        open_actions=_count(session, actions),
        overdue_actions=_count(session, actions.where(col(ActionItem.due_at) < now)),
    )


def meeting_rows(session: Session, now: datetime, body_code: str | None = None) -> list[MeetingRow]:
    """Every meeting, soonest first, optionally of one body."""
    query = select(Meeting, Body).join(Body, col(Body.id) == col(Meeting.body_id))
    if body_code:
        query = query.where(Body.code == body_code)
    rows = session.exec(query.order_by(col(Meeting.starts_at))).all()
    return [meeting_row(session, meeting, body, now) for meeting, body in rows]
