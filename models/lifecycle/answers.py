"""Recording an institution's answer to an assignment, whatever its kind."""

import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from models.core.i18n import N_
from models.lifecycle.attachments import StoredAttachment
from models.lifecycle.duty import UnknownKindError, assignment_kind
from models.lifecycle.forms import AnswerForm
from models.lifecycle.status import change_status, note_event
from models.lifecycle.tables import (
    OPEN_ASSIGNMENT_STATUSES,
    Answer,
    Assignment,
    AssignmentStatus,
)

Problem = tuple[str, dict[str, Any]]
"""What is wrong with one field: an English message id and its parameters."""

ERROR_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("At most %(max_length)s characters."),
    "literal_error": N_("Choose one of the options."),
    "enum": N_("Choose one of the options."),
    "personal_data": N_(
        "This text seems to contain %(what)s. Concord keeps no personal data: remove it and "
        "use the case's pseudonymous reference."
    ),
}
INVALID = N_("This value is not valid.")


def _listed(value: Any) -> Any:
    """A list parameter as the words of a sentence."""
    return ", ".join(map(str, value)) if isinstance(value, list) else value


class AnswerInvalid(ValueError):
    """The answer does not validate; `problems` maps each field to what is wrong.

    Each problem is an English message id with its parameters, so that a page can show
    it in its reader's language; `english` is the same in English.
    """

    def __init__(self, problems: dict[str, Problem]) -> None:
        self.problems = problems
        self.english = {
            field: message % {k: _listed(v) for k, v in params.items()}
            for field, (message, params) in problems.items()
        }
        super().__init__("; ".join(f"{field}: {text}" for field, text in self.english.items()))


class AnswerRefused(RuntimeError):
    """The assignment no longer takes answers (withdrawn, locked, or past its deadline)."""


def _problems(exc: ValidationError) -> dict[str, Problem]:
    """Each wrong field with its message; a form's own checks name their field first."""
    problems: dict[str, Problem] = {}
    for error in exc.errors(include_url=False):
        location = ".".join(str(p) for p in error["loc"])
        if not location:  # a form's own check: "field: message"
            field, _, detail = error["msg"].removeprefix("Value error, ").partition(": ")
            problems[field] = (detail, {})
            continue
        message = ERROR_MESSAGES.get(error["type"], INVALID)
        problems[location] = (message, dict(error.get("ctx") or {}))
    return problems


def validate_answer(kind: str, values: dict[str, Any]) -> AnswerForm:
    """The typed answer for an assignment of `kind`; AnswerInvalid names each wrong field."""
    try:
        form = assignment_kind(kind).form
    except UnknownKindError as exc:
        raise AnswerInvalid({"kind": (str(exc).removeprefix("kind: "), {})}) from None
    try:
        return form.model_validate({**values, "kind": kind})
    except ValidationError as exc:
        raise AnswerInvalid(_problems(exc)) from None


def answer_history(*, session: Session, assignment_id: int) -> list[Answer]:
    """Every answer to the assignment, newest first."""
    query = (
        select(Answer)
        .where(Answer.assignment_id == assignment_id)
        .order_by(col(Answer.submitted_at).desc(), col(Answer.id).desc())
    )
    return list(session.exec(query).all())


def changes_until(due_at: datetime, locked_at: datetime | None) -> datetime:
    """The moment after which an answer can no longer be given or corrected.

    An answer stays correctable until its period locks; with no lock, until the deadline.
    """
    return locked_at if locked_at is not None else due_at


def _locked_in_state(session: Session | None, assignment: Assignment) -> bool:
    """True when what the assignment belongs to (a round, a meeting) is locked already."""
    if session is None:
        return False
    try:
        hook = assignment_kind(assignment.kind).locked
    except UnknownKindError:
        return False
    return hook is not None and hook(session, assignment)


def refusal_reason(
    assignment: Assignment, now: datetime, session: Session | None = None
) -> str | None:
    """Why the assignment takes no answer now, or None when it does.

    With a session, a lock is also read from the state of what the assignment belongs to,
    so a round locked on another clock refuses answers at once.
    """
    if assignment.status in (AssignmentStatus.CANCELLED, AssignmentStatus.WAIVED):
        return "withdrawn"
    if assignment.locked_at is not None and assignment.locked_at <= now:
        return "locked"
    if _locked_in_state(session, assignment):
        return "locked"
    if assignment.status == AssignmentStatus.DONE and now > changes_until(
        assignment.due_at, assignment.locked_at
    ):
        return "closed"
    return None


def _supersede_earlier(session: Session, assignment_id: int, now: datetime) -> None:
    for earlier in answer_history(session=session, assignment_id=assignment_id):
        if earlier.superseded_at is None:
            earlier.superseded_at = now
            session.add(earlier)


def _close(
    session: Session, assignment: Assignment, actor: str, channel: str, now: datetime
) -> None:
    """Mark the assignment done, or record that an answer replaced the earlier one."""
    assert assignment.id is not None
    if assignment.status in OPEN_ASSIGNMENT_STATUSES:
        change_status(
            session=session,
            entity=assignment,
            to=AssignmentStatus.DONE,
            actor=actor,
            now=now,
            note=f"answered ({channel})",
            values={"closed_at": now, "next_action_at": None, "updated_at": now},
        )
        return
    note = f"answer replaced ({channel})"
    note_event(session=session, entity=assignment, actor=actor, now=now, note=note)


def submit_answer(
    *,
    session: Session,
    assignment: Assignment,
    form: AnswerForm,
    actor: str,
    channel: str,
    now: datetime,
    attachment: StoredAttachment | None = None,
) -> Answer:
    """Record an answer (superseding earlier ones) and close the assignment, in one transaction.

    The kind's own answer hook (e.g. filling a monitoring round's Submission) runs in the
    same transaction.
    """
    reason = refusal_reason(assignment, now, session)
    if reason is not None:
        raise AnswerRefused(reason)
    assert assignment.id is not None
    _supersede_earlier(session, assignment.id, now)
    answer = Answer(
        assignment_id=assignment.id,
        institution_id=assignment.institution_id,
        submitted_at=now,
        on_time=now <= assignment.due_at,
        channel=channel,
        payload=json.dumps(form.model_dump(mode="json"), ensure_ascii=False),
        attachment_name=attachment.name if attachment else None,
        attachment_sha256=attachment.sha256 if attachment else None,
        attachment_size=attachment.size if attachment else None,
    )
    session.add(answer)
    session.flush()
    hook = assignment_kind(assignment.kind).on_answer
    if hook is not None:
        hook(session, assignment, form, answer)
    _close(session, assignment, actor, channel, now)
    return answer
