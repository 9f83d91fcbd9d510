"""The minutes of a meeting: the secretariat's form, its checks, and what recording them does."""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model
from sqlmodel import Session, col, select

from models.core.i18n import N_, translate
from models.core.privacy import KINDS, personal_data_in
from models.core.sql import insert_ignoring_duplicates
from models.lifecycle.assignments import new_assignment
from models.lifecycle.tables import Assignment
from models.meetings.answers import AttendanceRecord, record_attendance
from models.meetings.cycle import body_of, change_meeting_status, member_ids
from models.meetings.rules import Cycle, MeetingError, meeting_key
from models.meetings.tables import (
    ActionItem,
    Decision,
    Meeting,
    MeetingStatus,
)
from models.reference.institutions import Institution

ATTENDANCE_CHOICES = {
    "present": N_("present"),
    "absent": N_("absent"),
    "delegated": N_("represented by a delegate"),
}


def attendance_labels(language: str) -> dict[str, str]:
    """Each attendance code with the word the minutes form shows for it."""
    return {code: translate(language, word) for code, word in ATTENDANCE_CHOICES.items()}


class AttendanceLine(BaseModel):
    institution: str
    status: Literal["present", "absent", "delegated"]
    delegate: str = Field(default="", max_length=200)


class ActionLine(BaseModel):
    owner: str
    title: str = Field(min_length=3, max_length=500)
    due_date: date


class MinutesInput(BaseModel):
    """What the secretariat records after a meeting."""

    attendance: list[AttendanceLine] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    action_items: list[ActionLine] = Field(default_factory=list)


def minutes_form(
    codes: list[str], language: str, attendance: list[dict[str, str]] | None = None
) -> type[MinutesInput]:
    """The minutes form: members as the only choices, titles in `language`, answers pre-filled."""
    member: Any = Literal.__getitem__(tuple(codes))  # a list of choices in the Prefect UI
    labels = attendance_labels(language)
    status: Any = Literal.__getitem__(tuple(labels.values()))  # words, not codes, in the form
    shown = [{**line, "status": labels[line["status"]]} for line in attendance or []]

    def titled(kind: Any, text: str, **options: Any) -> Any:
        return (kind, Field(title=translate(language, text), **options))

    attendance_line = create_model(
        "AttendanceLine",
        __base__=AttendanceLine,
        institution=titled(member, N_("Institution")),
        status=titled(status, N_("Attendance")),
        delegate=titled(str, N_("Delegate"), default="", max_length=200),
    )
    action_line = create_model(
        "ActionLine",
        __base__=ActionLine,
        owner=titled(member, N_("Owner institution")),
        title=titled(str, N_("Action"), min_length=3, max_length=500),
        due_date=titled(date, N_("Due")),
    )
    return create_model(
        "MinutesInput",
        __base__=MinutesInput,
        attendance=titled(list[attendance_line], N_("Attendance"), default=shown),
        decisions=titled(list[str], N_("Decisions"), default=[]),
        action_items=titled(list[action_line], N_("Action items"), default=[]),
    )


def minutes_from_form(values: dict[str, Any], language: str) -> MinutesInput:
    """The minutes as the form sent them, attendance words turned back into codes."""
    codes = {label: code for code, label in attendance_labels(language).items()}
    lines = [
        {**line, "status": codes.get(line.get("status", ""), line.get("status"))}
        for line in values.get("attendance", [])
    ]
    return MinutesInput.model_validate({**values, "attendance": lines})


def check_minutes(
    minutes: MinutesInput, meeting_day: date, codes: set[str], language: str
) -> list[str]:
    """Every problem with the minutes, each naming its line; empty when they can be recorded."""
    problems: list[str] = []

    def problem(message: str, **values: object) -> None:
        problems.append(translate(language, message) % values)

    for n, line in enumerate(minutes.attendance, 1):
        if line.institution not in codes:
            problem(N_("attendance %(n)d: %(code)s is not a member"), n=n, code=line.institution)
        if line.status == "delegated" and not line.delegate.strip():
            problem(
                N_("attendance %(n)d: name the delegate of %(code)s"), n=n, code=line.institution
            )
    for n, text in enumerate(minutes.decisions, 1):
        if not text.strip() or len(text) > 2000:
            problem(N_("decisions %(n)d: write the decision in 1 to 2000 characters"), n=n)
    for n, item in enumerate(minutes.action_items, 1):
        if item.owner not in codes:
            problem(N_("action_items %(n)d: %(code)s is not a member"), n=n, code=item.owner)
        if item.due_date <= meeting_day:
            problem(
                N_(
                    "action_items %(n)d: the due date %(due)s must come after the meeting (%(day)s)"
                ),
                n=n,
                due=item.due_date.isoformat(),
                day=meeting_day.isoformat(),
            )
    return problems + personal_data_problems(minutes, language)


def personal_data_problems(minutes: MinutesInput, language: str) -> list[str]:
    """A problem for every line whose text seems to hold personal data."""
    texts = [(N_("decision"), n, text) for n, text in enumerate(minutes.decisions, 1)]
    texts += [(N_("action"), n, item.title) for n, item in enumerate(minutes.action_items, 1)]
    texts += [(N_("delegate"), n, line.delegate) for n, line in enumerate(minutes.attendance, 1)]
    message = translate(language, N_("%(field)s %(n)d: the text seems to contain %(what)s"))
    return [
        message
        % {"field": translate(language, field), "n": n, "what": translate(language, KINDS[kind])}
        for field, n, text in texts
        if (kind := personal_data_in(text)) is not None
    ]


def member_codes(session: Session, meeting: Meeting) -> dict[str, int]:
    """The body's members by code."""
    ids = member_ids(session, meeting.body_id)
    rows = session.exec(select(Institution.code, Institution.id)).all()
    return {code: i for code, i in rows if i in ids}


def _attendance(
    cycle: Cycle, meeting: Meeting, lines: list[AttendanceLine], ids: dict[str, int]
) -> None:
    for line in lines:
        record_attendance(
            cycle.session,
            AttendanceRecord(
                meeting.id or 0,
                ids[line.institution],
                line.status,
                line.delegate,
                "minutes",
                cycle.now,
            ),
        )


def _decisions(session: Session, meeting: Meeting, texts: list[str]) -> None:
    rows = [
        {"meeting_id": meeting.id, "position": position, "text": text.strip()}
        for position, text in enumerate(texts, 1)
    ]
    if rows:
        session.execute(
            insert_ignoring_duplicates(session, Decision, ["meeting_id", "position"]), rows
        )


def _action_items(
    cycle: Cycle, meeting: Meeting, lines: list[ActionLine], ids: dict[str, int]
) -> None:
    body = body_of(cycle.session, meeting)
    prefix = meeting_key(body.code, meeting.planned_date)
    for position, line in enumerate(lines, 1):
        due_at = cycle.calendar.end_of_day(line.due_date)
        assignment = new_assignment(
            key=f"{prefix}:action-item:{position}",
            kind="action-item",
            institution_id=ids[line.owner],
            subject_type="meeting",
            subject_ref=f"{body.code}/{meeting.planned_date.isoformat()}#{position}",
            title=line.title,
            due_at=due_at,
            calendar=cycle.calendar,
            now=cycle.now,
        )
        cycle.session.add(assignment)
        cycle.session.flush()
        cycle.session.add(
            ActionItem(
                meeting_id=meeting.id or 0,
                position=position,
                assignment_id=assignment.id or 0,
                institution_id=ids[line.owner],
                title=line.title,
                due_at=due_at,
            )
        )


def record_minutes(cycle: Cycle, meeting: Meeting, minutes: MinutesInput) -> bool:
    """Store attendance, decisions and action items (each an assignment); False if already done."""
    if meeting.status in (MeetingStatus.MINUTED, MeetingStatus.CLOSED):
        return False
    if meeting.status != MeetingStatus.HELD:
        raise MeetingError(f"minutes: the meeting is {meeting.status}, not held yet")
    ids = member_codes(cycle.session, meeting)
    day = meeting.starts_at.astimezone(cycle.calendar.zone).date()
    problems = check_minutes(minutes, day, set(ids), cycle.settings.language)
    if problems:
        raise MeetingError("; ".join(problems))
    _attendance(cycle, meeting, minutes.attendance, ids)
    _decisions(cycle.session, meeting, minutes.decisions)
    _action_items(cycle, meeting, minutes.action_items, ids)
    change_meeting_status(cycle, meeting, MeetingStatus.MINUTED)
    return True


def action_assignments(session: Session, meeting: Meeting) -> list[tuple[ActionItem, Assignment]]:
    """The meeting's action items with their assignments, in order."""
    rows = session.exec(
        select(ActionItem, Assignment)
        .join(Assignment, col(Assignment.id) == col(ActionItem.assignment_id))
        .where(ActionItem.meeting_id == meeting.id)
        .order_by(col(ActionItem.position))
    ).all()
    return list(rows)
