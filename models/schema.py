"""Imports every table so that SQLModel.metadata knows the whole schema."""

from models.core.history import StatusEvent
from models.lifecycle.tables import Answer, Assignment, Notice
from models.messaging.outbox import OutboxAttachment, OutboxMessage
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.institutions import Body, Contact, Institution, Membership
from models.reference.strategy import Measure, MeasureInstitution, Objective, Strategy

__all__ = [
    "Answer",
    "Assignment",
    "Body",
    "Contact",
    "Institution",
    "Measure",
    "MeasureInstitution",
    "Membership",
    "MonitoringRound",
    "Notice",
    "Objective",
    "OutboxAttachment",
    "OutboxMessage",
    "StatusEvent",
    "Strategy",
    "Submission",
]
