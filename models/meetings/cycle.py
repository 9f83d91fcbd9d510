"""A meeting's cycle up to the meeting: plan, convene, freeze the agenda, invite, hold."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import insert_once
from models.core.text import shown
from models.lifecycle.assignments import new_assignment
from models.lifecycle.status import change_status, note_event
from models.lifecycle.tables import Assignment
from models.meetings.agenda import add_standing_items, freeze_agenda_items
from models.meetings.post import queue_agenda_calls, queue_invitations
from models.meetings.rules import Cycle, MeetingError, MeetingTimes, meeting_key, meeting_uid
from models.meetings.tables import Meeting, MeetingStatus
from models.reference.institutions import Body, Institution, Membership


@dataclass(frozen=True)
class MeetingRequest:
    """A body's meeting to plan; its place and online link are set later, by a move."""

    body_code: str
    times: MeetingTimes


def find_body(session: Session, code: str) -> Body:
    """The body with `code`, or MeetingError naming the codes that exist."""
    body = session.exec(select(Body).where(Body.code == code)).first()
    if body is None:
        known = ", ".join(session.exec(select(Body.code).order_by(Body.code)).all())
        raise MeetingError(f"body: no body {shown(code)}; known bodies: {known}")
    return body


def find_meeting(
    session: Session, body: Body, day: date, calendar: WorkingCalendar
) -> Meeting | None:
    """The body's meeting first planned for `day`, or the one that now takes place on `day`."""
    planned = session.exec(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.planned_date == day)
    ).first()
    if planned is not None:
        return planned
    start = calendar.end_of_day(day) - timedelta(days=1)
    moved = session.exec(
        select(Meeting).where(
            Meeting.body_id == body.id,
            col(Meeting.starts_at) > start,
            col(Meeting.starts_at) <= calendar.end_of_day(day),
        )
    ).first()
    return moved


def plan_meeting(cycle: Cycle, request: MeetingRequest) -> Meeting:
    """The body's meeting on the requested day, created as a draft the first time."""
    session, times = cycle.session, request.times
    body = find_body(session, request.body_code)
    day = times.starts_at.astimezone(cycle.calendar.zone).date()
    existing = find_meeting(session, body, day, cycle.calendar)
    if existing is not None:
        return existing
    if times.starts_at <= cycle.now:
        raise MeetingError(f"start: {times.starts_at.isoformat()} has already passed")
    if times.agenda_deadline_at <= cycle.now:
        raise MeetingError(
            f"agenda_deadline_working_days: the agenda deadline "
            f"{times.agenda_deadline_at.date().isoformat()} has already passed"
        )
    count = session.exec(select(Meeting.id).where(Meeting.body_id == body.id)).all()
    meeting = Meeting(
        body_id=body.id or 0,
        planned_date=day,
        number=len(count) + 1,
        starts_at=times.starts_at,
        ends_at=times.ends_at,
        uid=meeting_uid(body.code, day),
        agenda_deadline_at=times.agenda_deadline_at,
        minutes_due_at=times.minutes_due_at,
        created_at=cycle.now,
        updated_at=cycle.now,
    )
    planned, _ = insert_once(
        session, meeting, lambda: find_meeting(session, body, day, cycle.calendar)
    )
    return planned


def member_ids(session: Session, body_id: int) -> list[int]:
    """The body's member institutions, in code order."""
    rows = session.exec(
        select(Membership.institution_id)
        .join(Institution, col(Institution.id) == col(Membership.institution_id))
        .where(Membership.body_id == body_id)
        .order_by(col(Institution.code))
    ).all()
    return list(rows)


def body_of(session: Session, meeting: Meeting) -> Body:
    body = session.get(Body, meeting.body_id)
    assert body is not None
    return body


def member_assignments(
    cycle: Cycle, meeting: Meeting, *, kind: str, due_at: datetime, title: str
) -> list[Assignment]:
    """One assignment of `kind` per member (created once), in member order."""
    body = body_of(cycle.session, meeting)
    prefix = meeting_key(body.code, meeting.planned_date)
    codes = dict(cycle.session.exec(select(Institution.id, Institution.code)).all())
    found = []
    for institution_id in member_ids(cycle.session, body.id or 0):
        key = f"{prefix}:{kind}:{codes[institution_id]}"
        assignment = cycle.session.exec(select(Assignment).where(Assignment.key == key)).first()
        if assignment is None:
            assignment = new_assignment(
                key=key,
                kind=kind,
                institution_id=institution_id,
                subject_type="meeting",
                subject_ref=f"{body.code}/{meeting.planned_date.isoformat()}",
                title=title,
                due_at=due_at,
                calendar=cycle.calendar,
                now=cycle.now,
            )
            cycle.session.add(assignment)
        found.append(assignment)
    cycle.session.flush()
    return found


def convene(cycle: Cycle, meeting: Meeting) -> bool:
    """Draft to convened: standing items, and every member asked for agenda proposals."""
    if meeting.status != MeetingStatus.DRAFT:
        return False
    add_standing_items(cycle.session, meeting)
    calls = member_assignments(
        cycle,
        meeting,
        kind="agenda-items",
        due_at=meeting.agenda_deadline_at,
        title=f"Propuneri pentru ordinea de zi: {body_of(cycle.session, meeting).name}"[:500],
    )
    queue_agenda_calls(cycle, meeting, calls)
    change_meeting_status(cycle, meeting, MeetingStatus.CONVENED)
    return True


def stop_chasing(cycle: Cycle, meeting: Meeting, kind: str, locked_at: datetime) -> None:
    """No more reminders for the meeting's `kind` assignments, no answers after `locked_at`."""
    prefix = meeting_key(body_of(cycle.session, meeting).code, meeting.planned_date)
    cycle.session.execute(
        update(Assignment)
        .where(col(Assignment.key).startswith(f"{prefix}:{kind}:"))
        .values(next_action_at=None, locked_at=locked_at, updated_at=cycle.now)
        .execution_options(synchronize_session=False)
    )


def freeze_and_invite(cycle: Cycle, meeting: Meeting) -> bool:
    """At the agenda deadline: freeze the agenda, ask for attendance, send the invitations."""
    if meeting.status != MeetingStatus.CONVENED or meeting.agenda_frozen_at is not None:
        return False
    if cycle.now < meeting.agenda_deadline_at:
        return False
    freeze_agenda_items(cycle.session, meeting)
    stop_chasing(cycle, meeting, "agenda-items", meeting.agenda_deadline_at)
    meeting_day = meeting.starts_at.astimezone(cycle.calendar.zone).date()
    due_day = max(
        cycle.calendar.add_working_days(meeting_day, -1), cycle.calendar.local_date(cycle.now)
    )
    attendance = member_assignments(
        cycle,
        meeting,
        kind="attendance",
        due_at=min(cycle.calendar.end_of_day(due_day), meeting.starts_at),
        title=f"Participare: {body_of(cycle.session, meeting).name}"[:500],
    )
    for assignment in attendance:
        assignment.locked_at = meeting.starts_at
    meeting.agenda_frozen_at = cycle.now
    meeting.updated_at = cycle.now
    if meeting.ical_sequence > 0:  # a move sent this SEQUENCE already, with the calls' links
        meeting.ical_sequence += 1
    cycle.session.flush()
    invited = queue_invitations(cycle, meeting, attendance, method="REQUEST")
    note = f"agenda frozen; {invited} invitations queued"
    note_event(session=cycle.session, entity=meeting, actor=cycle.actor, now=cycle.now, note=note)
    return True


def mark_held(cycle: Cycle, meeting: Meeting) -> bool:
    """Once the meeting has ended: held, and attendance no longer chased."""
    if meeting.status != MeetingStatus.CONVENED or cycle.now < meeting.ends_at:
        return False
    freeze_and_invite(cycle, meeting)
    stop_chasing(cycle, meeting, "attendance", meeting.starts_at)
    change_meeting_status(cycle, meeting, MeetingStatus.HELD)
    return True


def advance(cycle: Cycle, meeting: Meeting) -> list[str]:
    """Every step whose time has come, in order; the names of those taken."""
    steps = [("convened", convene), ("agenda frozen", freeze_and_invite), ("held", mark_held)]
    return [name for name, step in steps if step(cycle, meeting)]


def change_meeting_status(
    cycle: Cycle, meeting: Meeting, status: str, note: str | None = None
) -> None:
    change_status(
        session=cycle.session,
        entity=meeting,
        to=status,
        actor=cycle.actor,
        now=cycle.now,
        flow_run_id=cycle.run_id,
        note=note,
        values={"updated_at": cycle.now},
    )
