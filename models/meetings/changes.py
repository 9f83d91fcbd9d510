"""Moving, placing or cancelling a meeting: calendars updated in place (same UID, new SEQUENCE)."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from models.core.text import checked_note, one_line
from models.lifecycle.status import change_status, note_event
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus
from models.meetings.cycle import body_of, change_meeting_status
from models.meetings.post import queue_invitations
from models.meetings.rules import Cycle, MeetingError, MeetingTimes, meeting_key, meeting_times
from models.meetings.tables import ActionItem, ActionStatus, Meeting, MeetingStatus

CHANGEABLE = (MeetingStatus.DRAFT, MeetingStatus.CONVENED)
LINK = re.compile(r"https?://\S+")
PLACE_LENGTH = 300  # Meeting.location
LINK_LENGTH = 500  # Meeting.online_url


@dataclass(frozen=True)
class Venue:
    """Where a meeting is held: None keeps what it has, an empty text removes it."""

    location: str | None = None
    online_url: str | None = None


def _one_line_note(field: str, text: str, max_length: int) -> str:
    """One line a person typed, at most `max_length` characters, with no personal data."""
    note = checked_note(field, text, error=MeetingError, max_length=max_length)
    try:
        return one_line(note)
    except ValueError as exc:
        raise MeetingError(f"{field}: {exc}") from None


def checked_place(text: str) -> str:
    """A place as typed: one line of at most 300 characters with no personal data."""
    return _one_line_note("place", text, PLACE_LENGTH)


def checked_link(text: str) -> str:
    """An online link as typed: http(s)://, no spaces or personal data, at most 500; or empty."""
    link = _one_line_note("online-url", text, LINK_LENGTH)
    if link and not LINK.fullmatch(link):
        raise MeetingError("online-url: expected an http:// or https:// link without spaces")
    return link


def checked_venue(venue: Venue) -> Venue:
    """The venue with its place and link checked; MeetingError names the one refused."""
    return Venue(
        location=None if venue.location is None else checked_place(venue.location),
        online_url=None if venue.online_url is None else checked_link(venue.online_url),
    )


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


def move_meeting(
    cycle: Cycle,
    meeting: Meeting,
    times: MeetingTimes | None,
    note: str,
    venue: Venue = Venue(),
) -> bool:
    """Move the meeting or change where it is held; False when nothing would change."""
    note = checked_note("note", note, error=MeetingError)  # every member is emailed it
    venue = checked_venue(venue)
    _check_changeable(meeting)
    times = _new_times(meeting, times)
    changed = _venue_changes(meeting, venue)
    if times is None and not changed:
        return False
    if times is not None:
        _set_times(cycle, meeting, times)
    for field, value in changed.items():
        setattr(meeting, field, value)
    _tell_members(cycle, meeting, _event_note(times, changed, note), note, moved=times is not None)
    return True


def _tell_members(cycle: Cycle, meeting: Meeting, event: str, note: str, *, moved: bool) -> None:
    """Record the change; send the new calendar to the members who know the date or place."""
    # members know the date from the call for proposals, the place only from the invitation
    told = moved or meeting.agenda_frozen_at is not None
    if told:
        meeting.ical_sequence += 1
    meeting.updated_at = cycle.now
    cycle.session.add(meeting)
    cycle.session.flush()
    note_event(session=cycle.session, entity=meeting, actor=cycle.actor, now=cycle.now, note=event)
    if told and meeting.status == MeetingStatus.CONVENED:
        attendance = meeting_assignments(cycle, meeting, "attendance")
        queue_invitations(
            cycle, meeting, attendance or _calls(cycle, meeting), method="REQUEST", change_note=note
        )


def _new_times(meeting: Meeting, times: MeetingTimes | None) -> MeetingTimes | None:
    """The times asked for, or None when the meeting already takes place then."""
    if times is None or (times.starts_at, times.ends_at) == (meeting.starts_at, meeting.ends_at):
        return None
    return times


def _venue_changes(meeting: Meeting, venue: Venue) -> dict[str, str | None]:
    """The place and link that change, with their new values (None: removed)."""
    wanted = {"location": venue.location, "online_url": venue.online_url}
    return {
        field: value or None
        for field, value in wanted.items()
        if value is not None and (value or None) != getattr(meeting, field)
    }


def _set_times(cycle: Cycle, meeting: Meeting, times: MeetingTimes) -> None:
    """The meeting's new times, in the future; attendance answers stay open until then."""
    if times.starts_at <= cycle.now:
        raise MeetingError(f"start: {times.starts_at.isoformat()} has already passed")
    meeting.starts_at, meeting.ends_at = times.starts_at, times.ends_at
    meeting.minutes_due_at = times.minutes_due_at
    if meeting.agenda_frozen_at is None:
        meeting.agenda_deadline_at = max(times.agenda_deadline_at, cycle.now)
    _move_attendance(cycle, meeting)


def _event_note(times: MeetingTimes | None, changed: dict[str, str | None], note: str) -> str:
    """What the meeting's history says of the change, without the place or link itself."""
    happened = [f"moved to {times.starts_at.isoformat()}"] if times is not None else []
    happened += [f"{field} {'set' if value else 'removed'}" for field, value in changed.items()]
    return f"{'; '.join(happened)}: {note}"


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
