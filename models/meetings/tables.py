"""A standing body's meetings: agenda, decisions, action items and who attended."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    CONVENED = "convened"
    HELD = "held"
    MINUTED = "minuted"
    CLOSED = "closed"
    CANCELLED = "cancelled"


MEETING_LIFECYCLE: dict[str, frozenset[str]] = {
    MeetingStatus.DRAFT: frozenset({MeetingStatus.CONVENED, MeetingStatus.CANCELLED}),
    MeetingStatus.CONVENED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset({MeetingStatus.MINUTED}),
    MeetingStatus.MINUTED: frozenset({MeetingStatus.CLOSED}),
    MeetingStatus.CLOSED: frozenset[str](),
    MeetingStatus.CANCELLED: frozenset[str](),
}


class AgendaSource(StrEnum):
    STANDING = "standing"
    PROPOSAL = "proposal"
    CARRIED_OVER = "carried-over"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    DELEGATED = "delegated"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Meeting(SQLModel, table=True):
    """One meeting of a body; `planned_date` (its first date) names it even after a move."""

    __table_args__ = (UniqueConstraint("body_id", "planned_date"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    planned_date: date
    number: int
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    location: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    status: str = Field(default=MeetingStatus.DRAFT, max_length=10)
    uid: str = Field(max_length=200, unique=True)
    ical_sequence: int = 0
    agenda_deadline_at: datetime = Field(sa_type=UTCDateTime)
    agenda_frozen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    minutes_due_at: datetime = Field(sa_type=UTCDateTime)
    minutes_run_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    position: int
    title: str = Field(max_length=500)
    source: str = Field(max_length=16)
    institution_id: int | None = Field(default=None, foreign_key="institution.id")
    action_item_id: int | None = Field(default=None, foreign_key="action_item.id")
    accepted: bool = True


class Decision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    position: int
    text: str = Field(max_length=2000)


class ActionItem(SQLModel, table=True):
    """An action decided at a meeting; its Assignment chases the owner until it is done."""

    __tablename__ = "action_item"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    position: int
    assignment_id: int = Field(foreign_key="assignment.id", unique=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    title: str = Field(max_length=500)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=ActionStatus.OPEN, max_length=8)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Attendance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "institution_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    institution_id: int = Field(foreign_key="institution.id")
    status: str = Field(max_length=10)
    delegate_name: str | None = Field(default=None, max_length=200)
    source: str = Field(max_length=8)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
