"""Moving or cancelling a meeting: calendars updated in place (same UID, higher SEQUENCE)."""

from datetime import datetime

from sqlmodel import col, select

from models.core.text import checked_note
from models.lifecycle.status import change_status, note_event
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus
from models.meetings.cycle import Cycle, body_of, change_meeting_status
from models.meetings.post import queue_invitations
from models.meetings.rules import MeetingError, MeetingTimes, meeting_key, meeting_times
from models.meetings.tables import ActionItem, ActionStatus, Meeting, MeetingStatus

CHANGEABLE = (MeetingStatus.DRAFT, MeetingStatus.CONVENED)


def meeting_assignments(cycle: Cycle, meeting: Meeting, kind: str) -> list[Assignment]:
    """The meeting's assignments of `kind` (agenda-items, attendance, action-item)."""
    prefix = meeting_key(body_of(cycle.session, meeting).code, meeting.planned_date)
    return list(
        cycle.session.exec(
            select(Assignment)
            .where(col(Assignment.key).startswith(f"{prefix}:{kind}:"))
            .order_by(col(Assignment.key))
        ).all()
    )


def _check_changeable(meeting: Meeting) -> None:
    if meeting.status not in CHANGEABLE:
        raise MeetingError(
            f"meeting: it is {meeting.status}; only a draft or convened one can change"
        )


def moved_times(cycle: Cycle, meeting: Meeting, start: datetime, duration: int) -> MeetingTimes:
    """The new times of a moved meeting, keeping its agenda and minutes periods."""
    day = cycle.calendar.local_date
    return meeting_times(
        start=start,
        duration_minutes=duration,
        agenda_days=max(
            1,
            cycle.calendar.working_days_between(
                day(meeting.agenda_deadline_at), day(meeting.starts_at)
            ),
        ),
        minutes_days=max(
            1,
            cycle.calendar.working_days_between(
                day(meeting.starts_at), day(meeting.minutes_due_at)
            ),
        ),
        calendar=cycle.calendar,
    )


def move_meeting(cycle: Cycle, meeting: Meeting, times: MeetingTimes, note: str) -> bool:
    """Move the meeting and tell every member; False when it already takes place then."""
    note = checked_note("note", note, error=MeetingError)  # every member is emailed it
    _check_changeable(meeting)
    if (times.starts_at, times.ends_at) == (meeting.starts_at, meeting.ends_at):
        return False
    if times.starts_at <= cycle.now:
        raise MeetingError(f"start: {times.starts_at.isoformat()} has already passed")
    meeting.starts_at, meeting.ends_at = times.starts_at, times.ends_at
    meeting.minutes_due_at = times.minutes_due_at
    if meeting.agenda_frozen_at is None:
        meeting.agenda_deadline_at = max(times.agenda_deadline_at, cycle.now)
    meeting.ical_sequence += 1
    meeting.updated_at = cycle.now
    cycle.session.add(meeting)
    _move_attendance(cycle, meeting)
    cycle.session.flush()
    note_event(
        session=cycle.session,
        entity=meeting,
        actor=cycle.actor,
        now=cycle.now,
        note=f"moved to {times.starts_at.isoformat()}: {note}",
    )
    if meeting.status == MeetingStatus.CONVENED:
        attendance = meeting_assignments(cycle, meeting, "attendance")
        queue_invitations(
            cycle, meeting, attendance or _calls(cycle, meeting), method="REQUEST", change_note=note
        )
    return True


def _calls(cycle: Cycle, meeting: Meeting) -> list[Assignment]:
    return meeting_assignments(cycle, meeting, "agenda-items")


def _move_attendance(cycle: Cycle, meeting: Meeting) -> None:
    """Attendance answers stay open until the new start."""
    for assignment in meeting_assignments(cycle, meeting, "attendance"):
        assignment.locked_at = meeting.starts_at
        assignment.due_at = min(max(assignment.due_at, cycle.now), meeting.starts_at)
        cycle.session.add(assignment)


def cancel_meeting(cycle: Cycle, meeting: Meeting, reason: str) -> bool:
    """Cancel the meeting, its open requests, and the members' calendar entries."""
    reason = checked_note("reason", reason, error=MeetingError)  # every member is emailed it
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    _check_changeable(meeting)
    was_convened = meeting.status == MeetingStatus.CONVENED
    meeting.ical_sequence += 1
    change_meeting_status(cycle, meeting, MeetingStatus.CANCELLED, note=reason)
    for kind in ("agenda-items", "attendance"):
        for assignment in meeting_assignments(cycle, meeting, kind):
            _cancel(cycle, assignment, reason)
    if was_convened:
        members = meeting_assignments(cycle, meeting, "attendance") or _calls(cycle, meeting)
        queue_invitations(cycle, meeting, members, method="CANCEL", change_note=reason)
    return True


def _cancel(cycle: Cycle, assignment: Assignment, reason: str) -> None:
    if assignment.status in OPEN_ASSIGNMENT_STATUSES:
        change_status(
            session=cycle.session,
            entity=assignment,
            to=AssignmentStatus.CANCELLED,
            actor=cycle.actor,
            now=cycle.now,
            note=reason,
            values={"next_action_at": None, "updated_at": cycle.now},
        )


def close_if_done(cycle: Cycle, meeting: Meeting) -> bool:
    """A minuted meeting closes once every action item decided at it is done."""
    if meeting.status != MeetingStatus.MINUTED:
        return False
    open_items = cycle.session.exec(
        select(ActionItem.id).where(
            ActionItem.meeting_id == meeting.id, ActionItem.status == ActionStatus.OPEN
        )
    ).first()
    if open_items is not None:
        return False
    change_meeting_status(cycle, meeting, MeetingStatus.CLOSED)
    return True
