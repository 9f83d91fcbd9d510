"""Imports every table so that SQLModel.metadata knows the whole schema."""

from models.lifecycle.tables import Answer, Assignment, Notice, StatusEvent
from models.messaging.outbox import OutboxMessage
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
    "OutboxMessage",
    "StatusEvent",
    "Strategy",
    "Submission",
]
