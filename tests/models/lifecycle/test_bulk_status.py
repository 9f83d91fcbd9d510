"""Many statuses at once: each row guarded by what was read, each move with its event."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.types import UTCDateTime
from models.lifecycle.assignments import new_assignment
from models.lifecycle.status import Guard, Move, TransitionError, change_statuses, walk
from models.lifecycle.tables import Assignment
from tests.support.factories import make_institution

ZONE = ZoneInfo("Europe/Bucharest")
NOW = datetime(2026, 4, 14, 8, tzinfo=ZONE)


def assignments(session: Session, count: int) -> list[Assignment]:
    owner = make_institution(session, "ANITP")
    rows = [
        new_assignment(
            key=f"report:{n}",
            kind="monitoring-report",
            institution_id=owner.id or 0,
            subject_type="measure",
            subject_ref=str(n),
            title=f"Raport {n}",
            due_at=NOW + timedelta(days=1),
            calendar=WorkingCalendar(zone=ZONE),
            now=NOW - timedelta(days=10),
        )
        for n in range(count)
    ]
    session.add_all(rows)
    session.commit()
    return rows


def test_walk_skips_the_statuses_a_row_cannot_go_to() -> None:
    assert walk("assignment", "open", ("overdue", "escalated")) == ("overdue", "escalated")
    assert walk("assignment", "overdue", ("overdue", "escalated")) == ("escalated",)
    assert walk("assignment", "escalated", ("overdue", "escalated")) == ()


def test_rows_changed_by_another_worker_are_left_alone_without_an_event(
    session: Session,
) -> None:
    first, second, third = assignments(session, 3)
    later = NOW + timedelta(days=3)
    moves = [
        Move(a.id or 0, "open", ("overdue", "escalated"), "escalation step", {"next": later})
        for a in (first, second, third)
    ]
    moves[2] = Move(third.id or 0, "reminded", ("overdue",), "raced", {"next": later})
    moved = change_statuses(
        session=session,
        table=Assignment,
        moves=moves,
        actor="flow:test",
        now=NOW,
        flow_run_id="run-1",
        guard=Guard(types={"next": UTCDateTime()}, changes=lambda v: {"next_action_at": v["next"]}),
    )
    session.commit()
    session.expire_all()
    assert moved == {first.id, second.id}
    rows = {a.id: a for a in session.exec(select(Assignment)).all()}
    assert [rows[a.id].status for a in (first, second, third)] == ["escalated", "escalated", "open"]
    assert rows[first.id].next_action_at == later and rows[third.id].next_action_at != later
    events = session.exec(select(StatusEvent).order_by(col(StatusEvent.id))).all()
    assert [(e.entity_id, e.from_status, e.to_status) for e in events] == [
        (first.id, "open", "overdue"),
        (first.id, "overdue", "escalated"),
        (second.id, "open", "overdue"),
        (second.id, "overdue", "escalated"),
    ]
    assert {(e.actor, e.flow_run_id, e.note, e.at) for e in events} == {
        ("flow:test", "run-1", "escalation step", NOW)
    }


def test_a_transition_the_lifecycle_forbids_writes_nothing(session: Session) -> None:
    [row] = assignments(session, 1)
    with pytest.raises(TransitionError):
        change_statuses(
            session=session,
            table=Assignment,
            moves=[Move(row.id or 0, "open", ("escalated",))],
            actor="flow:test",
            now=NOW,
        )
    session.rollback()
    assert session.exec(select(StatusEvent)).all() == []
