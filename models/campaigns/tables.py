"""A prevention campaign, who takes part, the activities reported and the HelpLine's figures.

No table holds personal data: activities count people, they never name them.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class CampaignStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    CLOSED = "closed"


CAMPAIGN_LIFECYCLE: dict[str, frozenset[str]] = {
    CampaignStatus.PLANNED: frozenset({CampaignStatus.RUNNING}),
    CampaignStatus.RUNNING: frozenset({CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset[str](),
}


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title_ro: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    forms: list[str] = Field(sa_type=JSON)
    target_groups: list[str] = Field(sa_type=JSON)
    channels: list[str] = Field(sa_type=JSON)
    counties: list[str] = Field(sa_type=JSON)
    starts_on: date
    ends_on: date
    lead_institution_id: int = Field(foreign_key="institution.id")
    targets: dict[str, Any] = Field(sa_type=JSON)
    sample: bool = False
    status: str = Field(default=CampaignStatus.PLANNED, max_length=10)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)

    def title(self, language: str) -> str:
        """The campaign's title in `language` (Romanian unless English is asked for)."""
        return self.title_en if language == "en" else self.title_ro


class CampaignParticipant(SQLModel, table=True):
    """An institution that reports on the campaign: a regional centre or a partner."""

    __tablename__ = "campaign_participant"
    __table_args__ = (UniqueConstraint("campaign_id", "institution_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    institution_id: int = Field(foreign_key="institution.id")
    role: str = Field(max_length=10)  # centre | partner


class CampaignMeasure(SQLModel, table=True):
    """A strategy measure the campaign serves: its reach is that measure's indicator value."""

    __tablename__ = "campaign_measure"
    __table_args__ = (UniqueConstraint("campaign_id", "measure_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)


class CampaignActivity(SQLModel, table=True):
    """One activity held, as the institution's current report states it."""

    __tablename__ = "campaign_activity"
    __table_args__ = (UniqueConstraint("assignment_id", "row"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    institution_id: int = Field(foreign_key="institution.id")
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    answer_id: int = Field(foreign_key="answer.id")
    row: int
    held_on: date
    county: str = Field(max_length=3)
    channel: str = Field(max_length=20)
    target_group: str = Field(max_length=20)
    form: str = Field(max_length=12)
    participants: int = 0
    reach: int = 0
    materials: int = 0
    partner: str | None = Field(default=None, max_length=200)


class HelplineMonth(SQLModel, table=True):
    """Calls to the HelpLine in one month on one topic, from one county ('' when unknown)."""

    __tablename__ = "helpline_month"
    __table_args__ = (UniqueConstraint("month", "topic", "county"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    topic: str = Field(max_length=20)
    county: str = Field(default="", max_length=3)
    calls: int
