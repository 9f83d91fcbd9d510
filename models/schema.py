"""Imports every table so that SQLModel.metadata knows the whole schema."""

from models.campaigns.tables import (
    Campaign,
    CampaignActivity,
    CampaignMeasure,
    CampaignParticipant,
    HelplineMonth,
)
from models.cooperation.tables import CooperationRequest, RequestClock
from models.core.history import StatusEvent
from models.core.references import CaseSequence
from models.lifecycle.tables import Answer, Assignment, Notice
from models.meetings.tables import ActionItem, AgendaItem, Attendance, Decision, Meeting
from models.messaging.outbox import OutboxAttachment, OutboxMessage
from models.monitoring.tables import MonitoringRound, Submission
from models.recommendations.tables import (
    Evidence,
    Recommendation,
    RecommendationContributor,
    RecommendationMeasure,
    RecommendationSource,
)
from models.reference.institutions import Body, Contact, Institution, Membership
from models.reference.strategy import Measure, MeasureInstitution, Objective, Strategy
from models.referrals.tables import Disclosure, Referral

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Answer",
    "Assignment",
    "Attendance",
    "Body",
    "Campaign",
    "CampaignActivity",
    "CampaignMeasure",
    "CampaignParticipant",
    "CaseSequence",
    "Contact",
    "CooperationRequest",
    "Decision",
    "Disclosure",
    "Evidence",
    "HelplineMonth",
    "Institution",
    "Measure",
    "MeasureInstitution",
    "Meeting",
    "Membership",
    "MonitoringRound",
    "Notice",
    "Objective",
    "OutboxAttachment",
    "OutboxMessage",
    "Recommendation",
    "RecommendationContributor",
    "RecommendationMeasure",
    "RecommendationSource",
    "Referral",
    "RequestClock",
    "StatusEvent",
    "Strategy",
    "Submission",
]
