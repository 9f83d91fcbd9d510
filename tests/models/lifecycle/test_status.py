from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.history import StatusEvent
from models.lifecycle.status import StaleStatusError, TransitionError, change_status
from models.lifecycle.tables import Assignment, AssignmentStatus
from models.reference.institutions import Institution

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def make_assignment(session: Session) -> Assignment:
    institution = Institution(code="ANITP", name="ANITP", kind="agency")
    session.add(institution)
    session.flush()
    assert institution.id is not None
    assignment = Assignment(
        key="report:PLAN:2026-S2:1.1.1:ANITP",
        kind="monitoring-report",
        institution_id=institution.id,
        subject_type="measure",
        subject_ref="1.1.1",
        title="Report on 1.1.1",
        due_at=NOW + timedelta(days=10),
    )
    session.add(assignment)
    session.commit()
    return assignment


def events(session: Session) -> list[StatusEvent]:
    return list(session.exec(select(StatusEvent).order_by(StatusEvent.id)).all())


def test_an_allowed_change_writes_the_status_and_its_event_together(session: Session) -> None:
    assignment = make_assignment(session)
    change_status(
        session=session,
        entity=assignment,
        to=AssignmentStatus.REMINDED,
        actor="flow:daily-sweep",
        now=NOW,
        flow_run_id="run-1",
        note="5 days left",
    )
    session.commit()
    session.expire_all()
    stored = session.get(Assignment, assignment.id)
    assert stored is not None and stored.status == "reminded"
    [event] = events(session)
    assert (event.entity_type, event.entity_id, event.from_status, event.to_status) == (
        "assignment",
        assignment.id,
        "open",
        "reminded",
    )
    assert (event.actor, event.flow_run_id, event.note, event.at) == (
        "flow:daily-sweep",
        "run-1",
        "5 days left",
        NOW,
    )


def test_a_forbidden_change_is_refused_and_writes_nothing(session: Session) -> None:
    assignment = make_assignment(session)
    with pytest.raises(TransitionError, match="cannot go from 'open' to 'escalated'"):
        change_status(session=session, entity=assignment, to="escalated", actor="x", now=NOW)
    with pytest.raises(TransitionError, match="unknown status 'lost'"):
        change_status(session=session, entity=assignment, to="lost", actor="x", now=NOW)
    session.commit()
    assert events(session) == []
    session.expire_all()
    stored = session.get(Assignment, assignment.id)
    assert stored is not None and stored.status == "open"


def test_a_closed_assignment_cannot_reopen(session: Session) -> None:
    assignment = make_assignment(session)
    change_status(session=session, entity=assignment, to="done", actor="ANITP", now=NOW)
    with pytest.raises(TransitionError):
        change_status(session=session, entity=assignment, to="open", actor="ANITP", now=NOW)


def test_the_second_of_two_racing_writers_loses_and_writes_no_event(engine: Engine) -> None:
    with Session(engine) as setup:
        assignment_id = make_assignment(setup).id
    with Session(engine) as first, Session(engine, expire_on_commit=False) as second:
        mine = first.get(Assignment, assignment_id)
        theirs = second.get(Assignment, assignment_id)
        assert mine is not None and theirs is not None
        second.commit()  # ends the read, keeps the now stale object
        change_status(session=first, entity=mine, to="reminded", actor="worker-1", now=NOW)
        first.commit()
        with pytest.raises(StaleStatusError):
            change_status(session=second, entity=theirs, to="reminded", actor="worker-2", now=NOW)
        second.rollback()
    with Session(engine) as check:
        assert [e.actor for e in events(check)] == ["worker-1"]


def test_timestamps_come_back_timezone_aware_in_utc(session: Session) -> None:
    assignment = make_assignment(session)
    session.expire_all()
    stored = session.get(Assignment, assignment.id)
    assert stored is not None
    assert stored.due_at == NOW + timedelta(days=10)
    assert stored.due_at.tzinfo is not None and stored.due_at.utcoffset() == timedelta(0)
