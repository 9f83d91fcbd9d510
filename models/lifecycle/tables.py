"""Assignments (one institution's obligation) and the append-only status history."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime, utcnow


class AssignmentStatus(StrEnum):
    OPEN = "open"
    REMINDED = "reminded"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    DONE = "done"
    WAIVED = "waived"
    CANCELLED = "cancelled"


OPEN_ASSIGNMENT_STATUSES = frozenset(
    {
        AssignmentStatus.OPEN,
        AssignmentStatus.REMINDED,
        AssignmentStatus.OVERDUE,
        AssignmentStatus.ESCALATED,
    }
)


class Assignment(SQLModel, table=True):
    __table_args__ = (Index("ix_assignment_status_next_action", "status", "next_action_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(
        max_length=200, unique=True, description="natural key, e.g. report:PLAN:2026-S2:1.1.1:ANITP"
    )
    kind: str = Field(max_length=32, index=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    subject_type: str = Field(max_length=32)
    subject_ref: str = Field(max_length=120)
    title: str = Field(max_length=500)
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    urgent: bool = False
    status: str = Field(default=AssignmentStatus.OPEN, max_length=16)
    next_action_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminders_sent: int = 0
    last_reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalation_level: int = 0
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    policy_override: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    locked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    link_version: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """One submission by an institution; a later one supersedes it and both stay on record."""

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    institution_id: int = Field(foreign_key="institution.id")
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    on_time: bool
    channel: str = Field(max_length=8, description="form | api")
    payload: str = Field(sa_type=Text)
    attachment_name: str | None = Field(default=None, max_length=200)
    attachment_sha256: str | None = Field(default=None, max_length=64)
    attachment_size: int | None = None
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Notice(SQLModel, table=True):
    """One step the sweep took for one assignment, waiting to be bundled into a message."""

    __table_args__ = (
        UniqueConstraint("assignment_id", "step", "day", "audience"),
        Index("ix_notice_unbundled", "bundle_key", "audience"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    institution_id: int = Field(foreign_key="institution.id")
    step: str = Field(max_length=16)
    audience: str = Field(max_length=16, description="focal-point | head | coordinator")
    day: str = Field(max_length=10, description="local date of the sweep, YYYY-MM-DD")
    urgent: bool = False
    created_at: datetime = Field(sa_type=UTCDateTime)
    bundle_key: str | None = Field(default=None, max_length=200)
