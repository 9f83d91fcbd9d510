"""What the coordinator sees of the bodies: the view's panels, and every meeting as listed."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from models.core.i18n import N_, long_date, romanian_sort_key, translate
from models.lifecycle.duty import Panel
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.meetings.cycle import member_ids
from models.meetings.rules import meeting_key, meeting_title
from models.meetings.tables import ActionItem, ActionStatus, Attendance, Meeting, MeetingStatus
from models.messaging.vocabulary import VOCABULARY, name_in
from models.reference.institutions import Body, Institution

SHOWN = (MeetingStatus.DRAFT, MeetingStatus.CONVENED, MeetingStatus.HELD)


def _missing(session: Session, body: Body, meeting: Meeting, kind: str) -> str:
    """The short names of members that have not answered one kind of request, or '-'."""
    prefix = f"{meeting_key(body.code, meeting.planned_date)}:{kind}:"
    names = session.exec(
        select(Institution.short_name, Institution.code)
        .join(Assignment, col(Assignment.institution_id) == col(Institution.id))
        .where(
            col(Assignment.key).startswith(prefix),
            col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
        )
    ).all()
    labels = sorted((short or code for short, code in names), key=romanian_sort_key)
    return ", ".join(labels) or "-"


def _when(local: datetime, language: str) -> str:
    return f"{long_date(local, language)} {local:%H:%M}"


def meetings_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> Panel:
    """The bodies' meetings still ahead or awaiting minutes, with who has not answered."""
    rows = session.exec(
        select(Meeting, Body)
        .join(Body, col(Body.id) == col(Meeting.body_id))
        .where(col(Meeting.status).in_(SHOWN))
        .order_by(col(Meeting.starts_at))
    ).all()

    def t(text: str) -> str:
        return translate(language, text)

    return Panel(
        title=t(N_("Meetings of the standing bodies")),
        headers=[
            t(N_("Body")),
            t(N_("Meeting")),
            t(N_("When")),
            t(N_("Status")),
            t(N_("No agenda answer")),
            t(N_("No attendance answer")),
        ],
        rows=[
            [
                body.code,
                meeting_title(meeting.number, language),
                _when(meeting.starts_at.astimezone(zone), language),
                name_in(VOCABULARY, meeting.status, language),
                _missing(session, body, meeting, "agenda-items"),
                _missing(session, body, meeting, "attendance"),
            ]
            for meeting, body in rows
        ],
        note="" if rows else t(N_("No meeting ahead.")),
    )


def actions_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> Panel:
    """Open and overdue action items per owner institution."""
    del zone
    counts = session.exec(
        select(
            Institution.short_name,
            Institution.code,
            func.count(),
            func.sum(case((col(ActionItem.due_at) < now, 1), else_=0)),
        )
        .join(ActionItem, col(ActionItem.institution_id) == col(Institution.id))
        .where(ActionItem.status == ActionStatus.OPEN)
        .group_by(Institution.short_name, Institution.code)
    ).all()
    rows = sorted(
        ([short or code, str(total), str(int(late or 0))] for short, code, total, late in counts),
        key=lambda row: romanian_sort_key(row[0]),
    )

    def t(text: str) -> str:
        return translate(language, text)

    return Panel(
        title=t(N_("Open action items from meetings")),
        headers=[t(N_("Institution")), t(N_("Open")), t(N_("Overdue"))],
        rows=rows,
        note="" if rows else t(N_("None open.")),
    )


def meeting_panels(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The duty's tables on the coordinator's view."""
    return [
        meetings_panel(session, now, language, zone),
        actions_panel(session, now, language, zone),
    ]


@dataclass(frozen=True)
class MeetingRow:
    """One meeting as `concord meetings` lists it."""

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
