"""Forgetting what a closed case said once its retention period is over.

Each duty finds its own closed cases; the engine forgets what they left in assignments,
answers and the status history, keeping only counts, dates and statuses.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlmodel import Session, col, select

from models.core.history import StatusEvent
from models.lifecycle.tables import Answer, Assignment

ANONYMISED = "ANON-"


@dataclass(frozen=True)
class Retention:
    """What a retention pass works on: the transaction, the cut-off, and whether to write."""

    session: Session
    cutoff: datetime
    dry_run: bool


RetentionHook = Callable[[Retention], dict[str, int]]  # counts by English message id


class ClosedCase(Protocol):
    id: int | None
    reference: str
    closed_at: datetime | None


Case = TypeVar("Case", bound=ClosedCase)


def closed_cases(retention: Retention, table: type[Case]) -> list[Case]:
    """The cases of `table` closed before the cut-off and not yet anonymised."""
    reference, closed_at = table.reference, table.closed_at
    query = select(table).where(
        col(closed_at) < retention.cutoff, col(reference).not_like(f"{ANONYMISED}%")
    )
    return list(retention.session.exec(query).all())


def forget_case(retention: Retention, case: ClosedCase, subject_type: str, alias: str) -> None:
    """Rename the case to its alias and forget its assignments' and history's texts."""
    forget_assignments(retention.session, subject_type, case.reference, alias)
    forget_notes(retention.session, subject_type, case.id or 0)
    case.reference = alias


def forget_notes(session: Session, entity_type: str, entity_id: int) -> None:
    """Drop the free-text notes of one entity's history (the transitions stay)."""
    events = session.exec(
        select(StatusEvent).where(
            StatusEvent.entity_type == entity_type, StatusEvent.entity_id == entity_id
        )
    ).all()
    for event in events:
        event.note = None
        session.add(event)


def forget_assignments(session: Session, subject_type: str, reference: str, alias: str) -> int:
    """Rename a case's assignments to its alias and drop their titles, answers and notes."""
    found = session.exec(
        select(Assignment).where(
            Assignment.subject_type == subject_type, Assignment.subject_ref == reference
        )
    ).all()
    for assignment in found:
        assignment.key = assignment.key.replace(reference, alias)
        assignment.subject_ref, assignment.title = alias, alias
        session.add(assignment)
        answers = session.exec(
            select(Answer).where(col(Answer.assignment_id) == assignment.id)
        ).all()
        for answer in answers:
            answer.payload = json.dumps({"kind": assignment.kind})
            session.add(answer)
        forget_notes(session, "assignment", assignment.id or 0)
    return len(found)
