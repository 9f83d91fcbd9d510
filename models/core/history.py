"""The append-only history of every status change of every entity."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel

from models.core.types import UTCDateTime


class StatusEvent(SQLModel, table=True):
    """One change of one entity: what, from, to, when, by whom, from which run, why."""

    __table_args__ = (Index("ix_statusevent_entity", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=32)
    entity_id: int
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=120)
    flow_run_id: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


def entity_type_of(entity: Any) -> str:
    """The name under which an entity's events and transitions are kept."""
    return str(entity.__tablename__)


def record_event(
    *,
    session: Session,
    entity_type: str,
    entity_id: int,
    from_status: str | None,
    to_status: str,
    actor: str,
    now: datetime,
    flow_run_id: str | None = None,
    note: str | None = None,
) -> StatusEvent:
    """Append one event to the history (in the caller's transaction)."""
    event = StatusEvent(
        entity_type=entity_type,
        entity_id=entity_id,
        from_status=from_status,
        to_status=to_status,
        at=now,
        actor=actor,
        flow_run_id=flow_run_id,
        note=note,
    )
    session.add(event)
    return event
