"""The one place where statuses change: validate the transition, write it and its event."""

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from models.core.history import StatusEvent, entity_type_of, record_event
from models.lifecycle.duty import Lifecycle, duty_lifecycle
from models.lifecycle.tables import AssignmentStatus as A


class HasStatus(Protocol):
    id: int | None
    status: str


class TransitionError(ValueError):
    """A status change that the lifecycle does not allow."""


class StaleStatusError(RuntimeError):
    """The row's status changed under us: another worker got there first."""


ASSIGNMENT_LIFECYCLE: Lifecycle = {
    A.OPEN: frozenset({A.REMINDED, A.OVERDUE, A.DONE, A.WAIVED, A.CANCELLED}),
    A.REMINDED: frozenset({A.OVERDUE, A.DONE, A.WAIVED, A.CANCELLED}),
    A.OVERDUE: frozenset({A.ESCALATED, A.DONE, A.WAIVED, A.CANCELLED}),
    A.ESCALATED: frozenset({A.DONE, A.WAIVED, A.CANCELLED}),
    A.DONE: frozenset(),
    A.WAIVED: frozenset(),
    A.CANCELLED: frozenset(),
}


def lifecycle_of(entity_type: str) -> Lifecycle | None:
    """The allowed transitions of an entity type: assignments here, the rest from its duty."""
    return ASSIGNMENT_LIFECYCLE if entity_type == "assignment" else duty_lifecycle(entity_type)


def check_transition(entity_type: str, from_status: str, to_status: str) -> None:
    """Raise TransitionError unless `from_status -> to_status` is allowed for `entity_type`."""
    from_status, to_status = str(from_status), str(to_status)
    lifecycle = lifecycle_of(entity_type)
    if lifecycle is None:
        raise TransitionError(f"{entity_type} has no status lifecycle")
    if to_status not in lifecycle:
        raise TransitionError(f"{entity_type}: unknown status {to_status!r}")
    if to_status not in lifecycle.get(from_status, frozenset()):
        raise TransitionError(f"{entity_type}: cannot go from {from_status!r} to {to_status!r}")


def _guarded_update(
    session: Session, entity: HasStatus, entity_type: str, seen: str, changes: dict[str, Any]
) -> None:
    """Write `changes` to the row only while its status is still `seen`, and to `entity`."""
    table = type(entity)
    result = session.execute(
        update(table)
        .where(table.id == entity.id, table.status == seen)  # type: ignore[arg-type]
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleStatusError(f"{entity_type} {entity.id} is no longer {seen!r}")
    for name, value in changes.items():
        set_committed_value(entity, name, value)


def change_status(
    *,
    session: Session,
    entity: HasStatus,
    to: str,
    actor: str,
    now: datetime,
    flow_run_id: str | None = None,
    note: str | None = None,
    values: dict[str, Any] | None = None,
) -> StatusEvent:
    """Move `entity` to status `to` if allowed and still current; write its event alongside.

    The UPDATE is guarded by the status we read, so two workers racing for the same row
    cannot both move it: the loser gets StaleStatusError and its transaction rolls back.
    """
    entity_type = entity_type_of(entity)
    seen = str(entity.status)
    check_transition(entity_type, seen, to)
    _guarded_update(session, entity, entity_type, seen, {"status": to, **(values or {})})
    assert entity.id is not None
    return record_event(
        session=session,
        entity_type=entity_type,
        entity_id=entity.id,
        from_status=seen,
        to_status=to,
        actor=actor,
        now=now,
        flow_run_id=flow_run_id,
        note=note,
    )


def note_event(
    *, session: Session, entity: HasStatus, actor: str, now: datetime, note: str
) -> None:
    """Record something that happened to `entity` without changing its status."""
    assert entity.id is not None
    record_event(
        session=session,
        entity_type=entity_type_of(entity),
        entity_id=entity.id,
        from_status=str(entity.status),
        to_status=str(entity.status),
        actor=actor,
        now=now,
        note=note,
    )
