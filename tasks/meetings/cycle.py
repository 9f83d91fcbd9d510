"""Meeting-cycle units of work, each in one transaction and safe to run twice."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.runtime import flow_run
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.i18n import N_, translate
from models.core.settings import get_settings
from models.core.types import utcnow
from models.meetings.agenda import agenda_items
from models.meetings.cycle import (
    MeetingRequest,
    advance,
    body_of,
    find_body,
    plan_meeting,
)
from models.meetings.minutes import (
    MinutesInput,
    action_assignments,
    member_codes,
    minutes_form,
    record_minutes,
)
from models.meetings.minutes_post import attendance_lines, decisions_of, queue_minutes
from models.meetings.rules import (
    CADENCE_TIME,
    CADENCE_WEEKDAY,
    Cycle,
    MeetingError,
    meeting_times,
    meeting_title,
    next_cadence_start,
    standing_item,
)
from models.meetings.tables import Attendance, Meeting
from models.reference.institutions import Institution


@dataclass(frozen=True)
class MeetingState:
    """What the flow needs to know about its meeting after a step."""

    meeting_id: int
    label: str
    status: str
    steps: list[str]
    as_of: datetime


def _cycle(session: Session, now: datetime) -> Cycle:
    settings = get_settings()
    run_id = str(flow_run.id) if flow_run.id else None
    return Cycle(session, settings, WorkingCalendar(zone=settings.zone), now, run_id=run_id)


def _engine() -> Engine:
    return get_engine(get_settings().resolved_database_url())


def _state(cycle: Cycle, meeting: Meeting, steps: list[str]) -> MeetingState:
    label = f"{body_of(cycle.session, meeting).code} {meeting_title(meeting.number)}"
    return MeetingState(meeting.id or 0, label, meeting.status, steps, cycle.now)


def cadence_start(session: Session, body_code: str, cycle: Cycle) -> datetime:
    """The body's next meeting by its cadence: the first Tuesday of its next period, 10:00."""
    body = find_body(session, body_code)
    return next_cadence_start(
        cadence=body.cadence,
        after=cycle.calendar.local_date(cycle.now),
        weekday=CADENCE_WEEKDAY,
        at=CADENCE_TIME,
        calendar=cycle.calendar,
    )


@task(name="open-meeting", task_run_name="open meeting of {body}")
def open_meeting_task(
    body: str,
    start: datetime | None,
    duration_minutes: int,
    agenda_days: int,
    minutes_days: int,
    waits: bool,
    now: datetime,
) -> MeetingState:
    """Plan the meeting (or find it) and take every step whose time has come."""
    with write_session(_engine()) as session:
        cycle = _cycle(session, now)
        times = meeting_times(
            start=start or cadence_start(session, body, cycle),
            duration_minutes=duration_minutes,
            agenda_days=agenda_days,
            minutes_days=minutes_days,
            calendar=cycle.calendar,
        )
        meeting = plan_meeting(cycle, MeetingRequest(body, times))
        if waits and cycle.run_id:
            meeting.minutes_run_id = cycle.run_id  # the run the secretariat's reminders link to
        steps = advance(cycle, meeting)
        state = _state(cycle, meeting, steps)
        session.commit()
    get_run_logger().info(
        "meeting %s: %s (%s)", state.label, state.status, ", ".join(steps) or "no step due"
    )
    return state


@task(name="record-minutes", task_run_name="record minutes")
def record_minutes_task(
    meeting_id: int, minutes: dict[str, Any], now: datetime | None
) -> MeetingState:
    """Record the minutes, create the action items and queue the minutes to every member.

    With a given `now` (a demo's or test's clock) the minutes count as written once the
    meeting ended; on the real clock they are refused until the meeting has begun.
    """
    with write_session(_engine()) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        if now is None and utcnow() < meeting.starts_at:
            raise MeetingError(
                translate(get_settings().language, N_("minutes: the meeting has not begun yet"))
            )
        cycle = _cycle(session, max(now or utcnow(), meeting.ends_at))
        steps = advance(cycle, meeting)
        if record_minutes(cycle, meeting, MinutesInput.model_validate(minutes)):
            queue_minutes(cycle, meeting)
            steps.append("minuted")
        state = _state(cycle, meeting, steps)
        session.commit()
    return state


def minutes_request(meeting_id: int, problems: list[str]) -> tuple[type[MinutesInput], str]:
    """The minutes form for the meeting (members as choices, answers pre-filled) and its text."""
    settings = get_settings()
    with Session(_engine()) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        codes = sorted(member_codes(session, meeting))
        initial = _answered_attendance(session, meeting)
        markdown = minutes_markdown(session, meeting, settings.language, problems)
    return minutes_form(codes, settings.language, initial), markdown


def _answered_attendance(session: Session, meeting: Meeting) -> list[dict[str, str]]:
    rows = session.exec(
        select(Institution.code, Attendance.status, Attendance.delegate_name)
        .join(Attendance, Attendance.institution_id == Institution.id)  # type: ignore[arg-type]
        .where(Attendance.meeting_id == meeting.id)
        .order_by(Institution.code)
    ).all()
    return [
        {"institution": code, "status": status, "delegate": delegate or ""}
        for code, status, delegate in rows
    ]


def minutes_markdown(session: Session, meeting: Meeting, language: str, problems: list[str]) -> str:
    """What the minutes form shows above it: problems first, if any, then the agenda."""
    lines = []
    if problems:
        refused = translate(language, N_("The minutes were not recorded:"))
        lines += [f"**{refused}**", ""]
        lines += [f"- {problem}" for problem in problems] + [""]
    title = meeting_title(meeting.number, language)
    lines += [f"### {body_of(session, meeting).name}, {title}", ""]
    lines += [
        f"{n}. {standing_item(item.title, language)}"
        for n, item in enumerate(agenda_items(session, meeting), 1)
    ]
    sources = [
        source
        for source in session.exec(
            select(Attendance.source).where(Attendance.meeting_id == meeting.id)
        )
    ]
    note = N_(
        "Attendance answered by members through the portal: %(portal)d; entered with the "
        "minutes: %(minutes)d (filled in below)."
    )
    counts = {"portal": sources.count("answer"), "minutes": sources.count("minutes")}
    return "\n".join([*lines, "", translate(language, note) % counts])


def attendance_markdown(session: Session, meeting: Meeting, language: str) -> str:
    """Every member and its attendance, as a Markdown table."""
    lines: list[str] = []
    header = [translate(language, N_("Institution")), translate(language, N_("Attendance"))]
    lines += [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [
        f"| {line['name']} | {line['status']} |"
        for line in attendance_lines(session, meeting, language)
    ]
    return "\n".join(lines)


def minutes_report(meeting_id: int) -> str:
    """The run's Markdown artifact: agenda, attendance, decisions and action items."""
    settings = get_settings()
    with Session(_engine()) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        lines = [minutes_markdown(session, meeting, settings.language, [])]
        lines += ["", attendance_markdown(session, meeting, settings.language)]
        decisions = decisions_of(session, meeting)
        decided, to_do = N_("Decisions"), N_("Action items")
        lines += ["", f"#### {translate(settings.language, decided)}", ""]
        lines += [f"{n}. {text}" for n, text in enumerate(decisions, 1)] or ["-"]
        lines += ["", f"#### {translate(settings.language, to_do)}", ""]
        for item, _ in action_assignments(session, meeting):
            owner = session.get(Institution, item.institution_id)
            due = item.due_at.astimezone(settings.zone).date().isoformat()
            lines.append(f"- {item.title} ({owner.label if owner else '?'}, {due})")
    return "\n".join(lines)
