"""The one place where statuses change: validate the transition, write it and its event."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Integer, String, bindparam, column, func, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeEngine
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


@dataclass(frozen=True)
class Move:
    """One row of many moving at once: status read, statuses passed through, why, own values."""

    entity_id: int
    seen: str
    path: tuple[str, ...] = ()
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The status the row ends in."""
        return self.path[-1] if self.path else self.seen


def walk(entity_type: str, seen: str, targets: Iterable[str]) -> tuple[str, ...]:
    """The targets reached one after another from `seen`, skipping those it cannot go to."""
    lifecycle = lifecycle_of(entity_type) or {}
    path: list[str] = []
    for target in targets:
        if target != seen and target in lifecycle.get(seen, frozenset()):
            path.append(target)
            seen = target
    return tuple(path)


TYPES: dict[str, TypeEngine[Any]] = {"seen": String(), "target": String()}


def _rows_table(types: dict[str, TypeEngine[Any]]) -> tuple[Any, dict[str, Any]]:
    """PostgreSQL: the moves as one JSON parameter read as a table `v` (compiled once)."""
    columns = [column(n, t) for n, t in {"id": Integer(), **TYPES, **types}.items()]
    rows = func.json_to_recordset(bindparam("moves", type_=JSON()))
    v = rows.table_valued(*columns).render_derived(name="v", with_types=True)
    return v, {name: v.c[name] for name in ("id", *TYPES, *types)}


def _json(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _row(move: Move) -> dict[str, Any]:
    """A move's values by name, as its table `v` reads them."""
    own = {"id": move.entity_id, "seen": move.seen, "target": move.target}
    return own | {name: _json(value) for name, value in move.extra.items()}


Clauses = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Guard:
    """The values a bulk update reads per row (by name and type), its guards and its changes."""

    types: dict[str, TypeEngine[Any]] = field(default_factory=dict)
    where: Clauses | None = None
    changes: Clauses | None = None


def _steps(move: Move) -> list[tuple[str, str]]:
    """The (from, to) transitions of a move, in order."""
    return list(zip((move.seen, *move.path), move.path, strict=False))


def _statement(table: Any, v: dict[str, Any], guard: Guard) -> Any:
    """The guarded UPDATE, reading each row's own values from `v`."""
    where = guard.where(v) if guard.where else []
    return (
        update(table)
        .where(table.id == v["id"], table.status == v["seen"], *where)
        .values(status=v["target"], **(guard.changes(v) if guard.changes else {}))
    )


def _update_each(session: Session, table: Any, moves: list[Move], guard: Guard) -> set[int]:
    """SQLite: the UPDATE once per row in one call (its compiled form reused).

    The write lock, held since the rows were read, leaves no other writer a chance to
    change them: a row not updated is a stale read, and the transaction rolls back.
    """
    types = {"id": Integer(), **TYPES, **guard.types}
    v = {name: bindparam(f"v_{name}", type_=kind) for name, kind in types.items()}
    rows = [
        {"v_id": m.entity_id, "v_seen": m.seen, "v_target": m.target}
        | {f"v_{name}": value for name, value in m.extra.items()}
        for m in moves
    ]
    result = session.connection().execute(_statement(table, v, guard), rows)
    if result.rowcount != len(moves):
        raise StaleStatusError(f"{table.__tablename__}: a row changed under the write lock")
    return {move.entity_id for move in moves}


def _update_from_rows(session: Session, table: Any, moves: list[Move], guard: Guard) -> set[int]:
    """PostgreSQL: one UPDATE joining the moves, passed as one JSON parameter; moved ids."""
    _, v = _rows_table(guard.types)
    statement = _statement(table, v, guard).returning(table.id)
    found = session.connection().execute(statement, {"moves": [_row(m) for m in moves]})
    return {entity_id for entity_id in found.scalars() if entity_id}


def change_statuses(
    *,
    session: Session,
    table: Any,
    moves: list[Move],
    actor: str,
    now: datetime,
    flow_run_id: str | None = None,
    guard: Guard | None = None,
) -> set[int]:
    """`change_status` for many rows of `table` in one UPDATE and one insert of their events.

    Each row is guarded by the status it was read in (and by `guard.where`, given the moves'
    `extra` values of `guard.types`); a row another worker changed first is left alone,
    without an event. `guard.changes` gives the other columns to set. Returns the moved ids.
    """
    if not moves:
        return set()
    entity_type = str(table.__tablename__)
    for move in moves:
        for seen, to in _steps(move):
            check_transition(entity_type, seen, to)
    sqlite = session.get_bind().dialect.name == "sqlite"
    update_rows = _update_each if sqlite else _update_from_rows
    moved = update_rows(session, table, moves, guard or Guard())
    common = {"entity_type": entity_type, "at": now, "actor": actor, "flow_run_id": flow_run_id}
    events = [
        common | {"entity_id": m.entity_id, "from_status": seen, "to_status": to, "note": m.note}
        for m in moves
        if m.entity_id in moved
        for seen, to in _steps(m)
    ]
    if events:
        session.connection().execute(insert(StatusEvent), events)
    return moved
