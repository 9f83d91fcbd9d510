"""The daily sweep's part in meeting cycles: take every step whose time has come."""

from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import write_session
from models.core.sql import claimed
from models.lifecycle.duty import SweepContext, SweepOutcome
from models.meetings.changes import close_if_done
from models.meetings.cycle import advance, body_of
from models.meetings.messages import MinutesDue
from models.meetings.post import MEMBER_ROLES, meeting_view
from models.meetings.rules import Cycle, meeting_title
from models.meetings.tables import Meeting, MeetingStatus
from models.messaging.compose import (
    Addressee,
    NoRecipientError,
    addressee_for,
    coordinator_addressee,
)
from models.messaging.emails import Post

ACTIVE = (MeetingStatus.CONVENED, MeetingStatus.HELD, MeetingStatus.MINUTED)
REMIND_EVERY = 3  # working days between reminders of minutes that are late


def run_url(settings_ui: str, run_id: str | None) -> str:
    """The Prefect UI page of the run that waits for the minutes (or the runs list)."""
    return f"{settings_ui}/runs/flow-run/{run_id}" if run_id else f"{settings_ui}/runs"


def remind_minutes(cycle: Cycle, meeting: Meeting) -> bool:
    """Tell the secretariat that minutes are late, every few working days (each reminder once)."""
    if meeting.status != MeetingStatus.HELD or cycle.now <= meeting.minutes_due_at:
        return False
    late = cycle.calendar.working_days_between(
        cycle.calendar.local_date(meeting.minutes_due_at), cycle.calendar.local_date(cycle.now)
    )
    post = Post(cycle.session, cycle.settings, cycle.now)
    to = secretariat(cycle, meeting)
    context = MinutesDue(
        meeting=meeting_view(cycle.session, meeting, to.institution.language),
        due_at=meeting.minutes_due_at,
        run_url=run_url(cycle.settings.prefect_ui_url, meeting.minutes_run_id),
    )
    key = f"{meeting.uid}:minutes-due:{late // REMIND_EVERY}"
    return bool(post.queue(key, to, context))


def secretariat(cycle: Cycle, meeting: Meeting) -> Addressee:
    """The chair's focal point, who keeps the body's minutes; the coordinator if it has none."""
    chair = body_of(cycle.session, meeting).chair_id
    try:
        return addressee_for(session=cycle.session, institution_id=chair, roles=MEMBER_ROLES)
    except NoRecipientError:
        return coordinator_addressee(cycle.settings)


def step_meeting(cycle: Cycle, meeting: Meeting) -> list[str]:
    """Every step due for one meeting, in its own transaction."""
    steps = advance(cycle, meeting)
    if remind_minutes(cycle, meeting):
        steps.append("minutes reminder")
    if close_if_done(cycle, meeting):
        steps.append("closed")
    return steps


def active_meetings(session: Session) -> list[int]:
    """Meetings that may have a step due: convened, held or minuted."""
    rows = session.exec(
        select(Meeting.id).where(col(Meeting.status).in_(ACTIVE)).order_by(col(Meeting.starts_at))
    ).all()
    return [i for i in rows if i is not None]


def sweep_meetings(context: SweepContext) -> list[SweepOutcome]:
    """The sweep hook: advance every active meeting; one outcome per meeting that moved."""
    calendar = WorkingCalendar(zone=context.settings.zone)
    with Session(context.engine) as session:
        ids = active_meetings(session)
    outcomes = []
    for meeting_id in ids:
        with write_session(context.engine) as session:
            cycle = Cycle(
                session, context.settings, calendar, context.now, "flow:daily-sweep", context.run_id
            )
            meeting = claimed(session, Meeting, meeting_id)
            if meeting is None:
                continue  # another sweep is taking its steps now
            steps = step_meeting(cycle, meeting)
            label = f"{body_of(session, meeting).code} {meeting_title(meeting.number)}"
            session.commit()
        if steps:
            outcomes.append(_outcome(meeting, label, steps))
    return outcomes


def _outcome(meeting: Meeting, label: str, steps: list[str]) -> SweepOutcome:
    summary = f"meeting {label}: {', '.join(steps)}"
    return SweepOutcome(
        summary=summary,
        artifact_key=f"meeting-{meeting.id}-sweep",
        markdown=f"# {label}\n\n" + "\n".join(f"- {step}" for step in steps),
    )
