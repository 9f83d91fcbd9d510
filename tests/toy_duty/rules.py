"""What an answer does: the count is kept once per assignment."""

from sqlmodel import Session, select

from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer, Assignment
from tests.toy_duty.forms import LeafletAnswer
from tests.toy_duty.tables import LeafletCount


def keep_count(session: Session, assignment: Assignment, form: AnswerForm, answer: Answer) -> None:
    """Record (or correct) the institution's count."""
    assert isinstance(form, LeafletAnswer) and assignment.id is not None
    query = select(LeafletCount).where(LeafletCount.assignment_id == assignment.id)
    count = session.exec(query).first() or LeafletCount(assignment_id=assignment.id, state="")
    count.state, count.boxes = form.state, form.boxes
    session.add(count)
