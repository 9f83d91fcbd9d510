"""What an institution may answer to each kind of assignment, and recording an answer."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from sqlmodel import Session, col, select

from models.lifecycle.status import change_status, record_event
from models.lifecycle.tables import Answer, Assignment
from models.monitoring.tables import Submission
from models.registry.enums import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)
]


class Progress(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MonitoringReportAnswer(AnswerBody):
    kind: Literal["monitoring-report"] = "monitoring-report"
    progress: Progress
    indicator_value: ShortText = ""
    narrative: RequiredText


class ActionItemAnswer(AnswerBody):
    kind: Literal["action-item"] = "action-item"
    progress: Progress
    narrative: RequiredText


class AttendanceAnswer(AnswerBody):
    kind: Literal["attendance"] = "attendance"
    attending: Literal["yes", "no", "delegate"]
    delegate_name: ShortText = ""

    @model_validator(mode="after")
    def _delegate_named(self) -> "AttendanceAnswer":
        if self.attending == "delegate" and not self.delegate_name:
            raise ValueError("delegate_name: name the person who attends instead")
        return self


class CooperationAnswer(AnswerBody):
    kind: Literal["cooperation-request"] = "cooperation-request"
    action: Literal["acknowledge", "answer"]
    message: LongText = ""

    @model_validator(mode="after")
    def _answer_has_text(self) -> "CooperationAnswer":
        if self.action == "answer" and not self.message:
            raise ValueError("message: an answer needs its text")
        return self


class ReferralAnswer(AnswerBody):
    kind: Literal["referral"] = "referral"
    decision: Literal["accept", "reject"]
    reason: LongText = ""

    @model_validator(mode="after")
    def _rejection_has_reason(self) -> "ReferralAnswer":
        if self.decision == "reject" and not self.reason:
            raise ValueError("reason: a rejection needs a reason")
        return self


class AgendaItemsAnswer(AnswerBody):
    kind: Literal["agenda-items"] = "agenda-items"
    proposals: RequiredText


AnyAnswer = Annotated[
    MonitoringReportAnswer
    | ActionItemAnswer
    | AttendanceAnswer
    | CooperationAnswer
    | ReferralAnswer
    | AgendaItemsAnswer,
    Field(discriminator="kind"),
]
ANSWER_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyAnswer)


class AnswerInvalid(ValueError):
    """The answer does not validate; `problems` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems.items()))
        self.problems = problems


class AnswerRefused(RuntimeError):
    """The assignment no longer takes answers (withdrawn, locked, or past its deadline)."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes


def validate_answer(kind: str, values: dict[str, Any]) -> AnswerBody:
    """The typed answer for an assignment of `kind`; AnswerInvalid names each wrong field."""
    try:
        body = ANSWER_ADAPTER.validate_python({**values, "kind": kind})
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            location = [str(p) for p in error["loc"] if str(p) != kind]
            message = error["msg"].removeprefix("Value error, ")
            field, _, detail = message.partition(": ")
            if not location and detail:
                problems[field] = detail
            else:
                problems[".".join(location) or "answer"] = message
        raise AnswerInvalid(problems) from None
    assert isinstance(body, AnswerBody)
    return body


def store_attachment(attachment: Attachment, folder: Path) -> tuple[str, int]:
    """Keep the file under `folder` by content hash; returns (sha256, size)."""
    digest = hashlib.sha256(attachment.content).hexdigest()
    target = folder / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(attachment.content)
    return digest, len(attachment.content)


def safe_file_name(name: str) -> str:
    """A file name without folders or control characters, at most 200 characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    return cleaned[:200] or "attachment"


def answer_history(*, session: Session, assignment_id: int) -> list[Answer]:
    """Every answer to the assignment, newest first."""
    query = (
        select(Answer)
        .where(Answer.assignment_id == assignment_id)
        .order_by(col(Answer.submitted_at).desc(), col(Answer.id).desc())
    )
    return list(session.exec(query).all())


def refusal_reason(assignment: Assignment, now: datetime) -> str | None:
    """Why the assignment takes no answer now, or None when it does."""
    if assignment.status in (AssignmentStatus.CANCELLED, AssignmentStatus.WAIVED):
        return "withdrawn"
    if assignment.locked_at is not None and assignment.locked_at <= now:
        return "locked"
    if assignment.status == AssignmentStatus.DONE and now > assignment.due_at:
        return "closed"
    return None


def _fill_submission(
    session: Session, assignment_id: int, body: "MonitoringReportAnswer", answer: Answer
) -> None:
    """Copy a monitoring report into its round's Submission row, when it belongs to a round."""
    submission = session.exec(
        select(Submission).where(Submission.assignment_id == assignment_id)
    ).first()
    if submission is None:
        return
    submission.progress = body.progress.value
    submission.indicator_value = body.indicator_value or None
    submission.narrative = body.narrative
    submission.attachment_sha256 = answer.attachment_sha256
    submission.submitted_at = answer.submitted_at
    submission.on_time = answer.on_time if submission.on_time is None else submission.on_time
    session.add(submission)


def submit_answer(
    *,
    session: Session,
    assignment: Assignment,
    body: AnswerBody,
    actor: str,
    channel: str,
    now: datetime,
    attachment: tuple[str, str, int] | None = None,
) -> Answer:
    """Record an answer (superseding earlier ones) and close the assignment, in one transaction."""
    reason = refusal_reason(assignment, now)
    if reason is not None:
        raise AnswerRefused(reason)
    assert assignment.id is not None
    for earlier in answer_history(session=session, assignment_id=assignment.id):
        if earlier.superseded_at is None:
            earlier.superseded_at = now
            session.add(earlier)
    name, digest, size = attachment if attachment else (None, None, None)
    answer = Answer(
        assignment_id=assignment.id,
        institution_id=assignment.institution_id,
        submitted_at=now,
        on_time=now <= assignment.due_at,
        channel=channel,
        payload=json.dumps(body.model_dump(mode="json"), ensure_ascii=False),
        attachment_name=name,
        attachment_sha256=digest,
        attachment_size=size,
    )
    session.add(answer)
    session.flush()
    if isinstance(body, MonitoringReportAnswer):
        _fill_submission(session, assignment.id, body, answer)
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
    else:
        record_event(
            session=session,
            entity_type="assignment",
            entity_id=assignment.id,
            from_status=assignment.status,
            to_status=assignment.status,
            actor=actor,
            now=now,
            note=f"answer replaced ({channel})",
        )
    return answer
