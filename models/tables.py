"""Imports every table so that SQLModel.metadata knows the whole schema."""

from models.assignments import Answer, Assignment, Notice, StatusEvent
from models.institutions import Body, Contact, Institution, Membership
from models.monitoring import MonitoringRound, Submission
from models.outbox import OutboxMessage
from models.strategy import Measure, MeasureInstitution, Objective, Strategy

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
