"""What meeting emails show: the call for agenda items, the meeting, its changes and minutes."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from models.messaging.compose import sentence
from models.messaging.emails import MessageContext
from models.messaging.message_views import AssignmentView, View


class MeetingMessage(StrEnum):
    AGENDA_CALL = "agenda-call"
    INVITATION = "meeting-invitation"
    UPDATE = "meeting-update"
    CANCELLATION = "meeting-cancellation"
    MINUTES = "minutes"
    MINUTES_DUE = "minutes-due"


class MeetingView(View):
    uid: str
    body_name: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str | None = None
    online_url: str | None = None
    agenda: list[str] = Field(default_factory=list)
    sequence: int = 0
    change_note: str | None = None

    @field_validator("change_note")
    @classmethod
    def _one_full_stop(cls, note: str | None) -> str | None:
        """The note as a sentence with its own end, which the templates do not repeat."""
        return sentence(note) if note else note


class MinutesView(View):
    meeting: MeetingView
    decisions: list[str]
    action_items: list[AssignmentView]


class AgendaCall(MessageContext):
    kind = MeetingMessage.AGENDA_CALL
    meeting: MeetingView
    assignment: AssignmentView


class MeetingInvitation(MessageContext):
    kind = MeetingMessage.INVITATION
    meeting: MeetingView
    attendance: AssignmentView | None = None


class MeetingUpdate(MeetingInvitation):
    kind = MeetingMessage.UPDATE


class MeetingCancellation(MeetingInvitation):
    kind = MeetingMessage.CANCELLATION


class Minutes(MessageContext):
    kind = MeetingMessage.MINUTES
    minutes: MinutesView


class MinutesDue(MessageContext):
    kind = MeetingMessage.MINUTES_DUE
    meeting: MeetingView
    due_at: datetime
    run_url: str
