"""Answers: accepted, replaced, refused after the lock, refused once waived."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models.lifecycle.actions import waive
from models.lifecycle.answers import (
    AnswerInvalid,
    AnswerRefused,
    answer_history,
    submit_answer,
    validate_answer,
)
from models.lifecycle.tables import Assignment, AssignmentStatus
from tests.support.factories import make_assignment, make_institution

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
REPORT = {"progress": "in-progress", "narrative": "Sesiuni de informare în 12 școli."}


def open_report(session: Session) -> Assignment:
    owner = make_institution(session, "ANITP")
    return make_assignment(session, owner, key="report:1", due_at=NOW + timedelta(days=5))


def answer(session: Session, assignment: Assignment, when: datetime, **values: str) -> None:
    form = validate_answer(assignment.kind, {**REPORT, **values})
    submit_answer(
        session=session, assignment=assignment, form=form, actor="ANITP", channel="api", now=when
    )
    session.commit()


def test_an_answer_closes_the_assignment_on_time(session: Session) -> None:
    assignment = open_report(session)
    answer(session, assignment, NOW)
    assert assignment.status == AssignmentStatus.DONE and assignment.closed_at == NOW
    [given] = answer_history(session=session, assignment_id=assignment.id or 0)
    assert given.on_time and given.superseded_at is None


def test_a_later_answer_replaces_the_first_and_both_stay(session: Session) -> None:
    assignment = open_report(session)
    answer(session, assignment, NOW)
    answer(session, assignment, NOW + timedelta(hours=1), progress="done")
    newest, first = answer_history(session=session, assignment_id=assignment.id or 0)
    assert '"done"' in newest.payload and newest.superseded_at is None
    assert first.superseded_at == NOW + timedelta(hours=1)


def test_no_answer_is_taken_once_the_assignment_is_locked(session: Session) -> None:
    assignment = open_report(session)
    assignment.locked_at = NOW
    with pytest.raises(AnswerRefused, match="locked"):
        answer(session, assignment, NOW + timedelta(minutes=1))
    assert answer_history(session=session, assignment_id=assignment.id or 0) == []


def test_no_answer_is_taken_for_a_waived_assignment(session: Session) -> None:
    assignment = open_report(session)
    waive(session=session, assignment=assignment, reason="măsură încheiată", actor="c", now=NOW)
    with pytest.raises(AnswerRefused, match="withdrawn"):
        answer(session, assignment, NOW)


def test_a_wrong_answer_names_its_field() -> None:
    with pytest.raises(AnswerInvalid) as invalid:
        validate_answer("monitoring-report", {"progress": "maybe", "narrative": ""})
    assert set(invalid.value.problems) == {"progress", "narrative"}
    with pytest.raises(AnswerInvalid, match="no installed duty declares 'x'"):
        validate_answer("x", {})
