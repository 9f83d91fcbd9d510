"""What a member's answer does to its meeting: proposals, attendance, an action item done."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from models.lifecycle.forms import AnswerForm, Progress
from models.lifecycle.tables import Answer, Assignment
from models.meetings.agenda import add_proposals
from models.meetings.forms import ActionItemAnswer, AgendaItemsAnswer, AttendanceAnswer
from models.meetings.tables import (
    ActionItem,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
)
from models.reference.institutions import Body

ATTENDING = {
    "yes": AttendanceStatus.PRESENT,
    "no": AttendanceStatus.ABSENT,
    "delegate": AttendanceStatus.DELEGATED,
}


def meeting_of(session: Session, assignment: Assignment) -> Meeting | None:
    """The meeting an assignment belongs to (its subject_ref is BODY/PLANNED-DATE[#n])."""
    if assignment.subject_type != "meeting":
        return None
    body_code, _, rest = assignment.subject_ref.partition("/")
    planned = date.fromisoformat(rest.split("#")[0])
    return session.exec(
        select(Meeting)
        .join(Body, Body.id == Meeting.body_id)  # type: ignore[arg-type]
        .where(Body.code == body_code, Meeting.planned_date == planned)
    ).first()


GATHERING = frozenset({MeetingStatus.DRAFT, MeetingStatus.CONVENED})


def agenda_closed(session: Session, assignment: Assignment) -> bool:
    """True once the meeting's agenda is frozen, whatever the clock says."""
    meeting = meeting_of(session, assignment)
    return meeting is not None and (
        meeting.agenda_frozen_at is not None or meeting.status not in GATHERING
    )


def meeting_over(session: Session, assignment: Assignment) -> bool:
    """True once the meeting is held (or cancelled), whatever the clock says."""
    meeting = meeting_of(session, assignment)
    return meeting is not None and meeting.status not in GATHERING


def take_proposals(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """Proposals join the agenda until it is frozen (the portal refuses later answers)."""
    assert isinstance(form, AgendaItemsAnswer)
    meeting = meeting_of(session, assignment)
    if meeting is not None and meeting.agenda_frozen_at is None:
        add_proposals(session, meeting, assignment.institution_id, form.proposals)


def take_attendance(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """The member's answer, unless the minutes already recorded who came."""
    assert isinstance(form, AttendanceAnswer)
    meeting = meeting_of(session, assignment)
    if meeting is None:
        return
    record_attendance(
        session,
        AttendanceRecord(
            meeting.id or 0,
            assignment.institution_id,
            ATTENDING[form.attending],
            form.delegate_name,
            "answer",
            answer.submitted_at,
        ),
    )


@dataclass(frozen=True)
class AttendanceRecord:
    meeting_id: int
    institution_id: int
    status: str
    delegate: str
    source: str  # "answer" (the member, through the portal) or "minutes" (the secretariat)
    at: datetime


def record_attendance(session: Session, record: AttendanceRecord) -> None:
    """Store who attended; a member's answer never overrides what the minutes recorded."""
    row = session.exec(
        select(Attendance).where(
            Attendance.meeting_id == record.meeting_id,
            Attendance.institution_id == record.institution_id,
        )
    ).first()
    if row is not None and row.source == "minutes" and record.source == "answer":
        return
    row = row or Attendance(
        meeting_id=record.meeting_id,
        institution_id=record.institution_id,
        status=record.status,
        source=record.source,
        recorded_at=record.at,
    )
    row.status, row.source, row.recorded_at = record.status, record.source, record.at
    row.delegate_name = record.delegate.strip() or None
    session.add(row)


def take_progress(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """An action item reported done is done; otherwise it stays on the next agenda."""
    assert isinstance(form, ActionItemAnswer)
    item = session.exec(select(ActionItem).where(ActionItem.assignment_id == assignment.id)).first()
    if item is None:
        return
    done = form.progress == Progress.DONE
    item.status = ActionStatus.DONE if done else ActionStatus.OPEN
    item.done_at = answer.submitted_at if done else None
    session.add(item)
