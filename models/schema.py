"""The whole schema on SQLModel.metadata: the engine's tables, then each installed duty's."""

from sqlmodel import SQLModel

from models.core.history import StatusEvent
from models.core.references import CaseSequence
from models.duties import INSTALLED
from models.lifecycle.tables import Answer, Assignment, Notice
from models.messaging.outbox import OutboxAttachment, OutboxMessage
from models.reference.institutions import Body, Contact, Institution, Membership
from models.reference.strategy import Measure, MeasureInstitution, Objective, Strategy

ENGINE_TABLES: tuple[type[SQLModel], ...] = (
    CaseSequence,
    StatusEvent,
    Institution,
    Contact,
    Body,
    Membership,
    Strategy,
    Objective,
    Measure,
    MeasureInstitution,
    Assignment,
    Answer,
    Notice,
    OutboxMessage,
    OutboxAttachment,
)
DUTY_TABLES: tuple[type[SQLModel], ...] = tuple(
    table for duty in INSTALLED for table in duty.tables
)
TABLES = ENGINE_TABLES + DUTY_TABLES
