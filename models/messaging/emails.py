"""The engine's own messages: one typed context and one small function per kind."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field
from sqlmodel import Session

from models.core.settings import Settings
from models.lifecycle.answers import changes_until
from models.messaging.compose import (
    Addressee,
    CalendarAttachment,
    FileAttachment,
    composed_rows,
    notify,
)
from models.messaging.message_views import (
    AssignmentView,
    DigestGroup,
    EscalationLine,
    View,
)
from models.messaging.outbox import queue_rows


class MessageKind(StrEnum):
    ASSIGNMENT_CREATED = "assignment-created"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    ESCALATION_SUMMARY = "escalation-summary"
    DAILY_DIGEST = "daily-digest"
    ANSWER_CONFIRMATION = "answer-confirmation"
    OPERATIONS_ALERT = "operations-alert"
    REPLY_RECEIVED = "reply-received"
    REPLY_REFUSED = "reply-refused"


class MessageContext(View):
    """What one message kind's templates may show; `kind` names the templates."""

    kind: ClassVar[str]

    def template_values(self) -> dict[str, object]:
        """The context's fields, by name, as the templates read them."""
        return {name: getattr(self, name) for name in type(self).model_fields}


@dataclass(frozen=True)
class Post:
    """Queues messages in the outbox within the caller's transaction, as of `now`."""

    session: Session
    settings: Settings
    now: datetime

    def queue(
        self,
        key: str,
        to: Addressee,
        context: MessageContext,
        calendar: CalendarAttachment | None = None,
        files: tuple[FileAttachment, ...] = (),
    ) -> list[str]:
        """Render `context` for `to` and queue it under `key`; returns the keys that were new."""
        return notify(
            session=self.session,
            key=key,
            kind=context.kind,
            to=to,
            context=context.template_values(),
            settings=self.settings,
            now=self.now,
            calendar=calendar,
            files=files,
        )

    def queue_many(self, letters: list[tuple[str, Addressee, MessageContext]]) -> list[str]:
        """Render and queue many (key, to, context) in one insert; returns the new keys."""
        rows = [
            row
            for key, to, context in letters
            for row in composed_rows(
                key=key,
                kind=context.kind,
                to=to,
                context=context.template_values(),
                settings=self.settings,
                now=self.now,
            )
        ]
        return queue_rows(session=self.session, rows=rows)


class AssignmentCreated(MessageContext):
    kind = MessageKind.ASSIGNMENT_CREATED
    assignment: AssignmentView


class AssignmentNotice(MessageContext):
    kind = MessageKind.REMINDER
    assignment: AssignmentView
    days_left: int = 0


class OverdueNotice(AssignmentNotice):
    kind = MessageKind.OVERDUE


class Escalation(MessageContext):
    kind = MessageKind.ESCALATION
    assignments: list[AssignmentView]
    level: int = 1


class EscalationSummary(MessageContext):
    kind = MessageKind.ESCALATION_SUMMARY
    lines: list[EscalationLine]
    day: date


class DailyDigest(MessageContext):
    kind = MessageKind.DAILY_DIGEST
    groups: list[DigestGroup]
    total: int
    day: date


class AnswerConfirmation(MessageContext):
    kind = MessageKind.ANSWER_CONFIRMATION
    assignment: AssignmentView
    answered_at: datetime
    changes_until: datetime | None = None  # None: the answer can no longer be corrected


class OperationsAlert(MessageContext):
    kind = MessageKind.OPERATIONS_ALERT
    problem: str
    details: str
    run_url: str


class ReplyReceived(MessageContext):
    kind = MessageKind.REPLY_RECEIVED
    assignment: AssignmentView | None = None  # None: tied to the institution only
    received_at: datetime
    subject: str
    files: list[str] = Field(default_factory=list)


class ReplyRefused(MessageContext):
    kind = MessageKind.REPLY_REFUSED
    assignment: AssignmentView | None = None
    received_at: datetime  # never the subject: it may be what held the personal data
    found: str  # the kind of personal data in words: a message id of models.core.privacy.KINDS


def reminder(post: Post, key: str, to: Addressee, item: AssignmentView) -> list[str]:
    """An urgent assignment's reminder, sent at once instead of in the digest."""
    return post.queue(key, to, AssignmentNotice(assignment=item))


def overdue(post: Post, key: str, to: Addressee, item: AssignmentView) -> list[str]:
    """An urgent assignment's overdue notice, sent at once instead of in the digest."""
    return post.queue(key, to, OverdueNotice(assignment=item))


def escalation(post: Post, key: str, to: Addressee, items: list[AssignmentView]) -> list[str]:
    """The head of an institution told what its focal point left overdue."""
    return post.queue(key, to, Escalation(assignments=items))


def escalation_summary(
    post: Post, key: str, to: Addressee, lines: list[EscalationLine], day: date
) -> list[str]:
    """The coordinator's list of what stays overdue after the heads were told."""
    return post.queue(key, to, EscalationSummary(lines=lines, day=day))


def daily_digest(
    post: Post, key: str, to: Addressee, groups: list[DigestGroup], day: date
) -> list[str]:
    """One institution's open items of the day, in one email."""
    total = sum(len(group.items) for group in groups)
    return post.queue(key, to, DailyDigest(groups=groups, total=total, day=day))


def answer_confirmation(
    post: Post, key: str, to: Addressee, item: AssignmentView, answered_at: datetime
) -> list[str]:
    """The institution told that its answer arrived, and until when it can still correct it."""
    until: datetime | None = changes_until(item.due_at, item.locked_at)
    if until is not None and until <= answered_at:
        until = None
    context = AnswerConfirmation(assignment=item, answered_at=answered_at, changes_until=until)
    return post.queue(key, to, context)


def operations_alert(
    post: Post, key: str, to: Addressee, problem: str, details: str, run_url: str
) -> list[str]:
    """The coordinator's secretariat told that a run needs attention."""
    return post.queue(key, to, OperationsAlert(problem=problem, details=details, run_url=run_url))
