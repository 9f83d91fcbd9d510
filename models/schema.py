"""The whole schema: the engine's tables, then each installed duty's (`Duty.tables`).

`METADATA` holds exactly these tables, for Alembic and the tests: a table some other module
defines (a duty that is not installed, a test's own) is on SQLModel.metadata, not on it.
"""

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from models.core.history import StatusEvent
from models.core.references import CaseSequence
from models.core.settings import SettingsError
from models.duties import INSTALLED
from models.lifecycle.duty import Duty, installed_duties
from models.lifecycle.tables import Answer, Assignment, Notice
from models.messaging.inbound_tables import InboundFile, InboundMessage
from models.messaging.outbox import OutboxAttachment, OutboxMessage
from models.reference.institutions import Body, Contact, Institution, Membership
from models.reference.services import PublicService
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
    PublicService,
    Assignment,
    Answer,
    Notice,
    OutboxMessage,
    OutboxAttachment,
    InboundMessage,
    InboundFile,
)


def _duties() -> tuple[Duty, ...]:
    """The installed duties; the listed ones alone while the settings are wrong."""
    try:
        return installed_duties()
    except SettingsError:  # whatever runs next names the wrong variable
        return INSTALLED


DUTY_TABLES: tuple[type[SQLModel], ...] = tuple(
    table for duty in _duties() for table in duty.tables
)
TABLES = ENGINE_TABLES + DUTY_TABLES
METADATA = MetaData(naming_convention=SQLModel.metadata.naming_convention)
for _table in TABLES:
    _table.__table__.to_metadata(METADATA)  # type: ignore[attr-defined]
