"""The committee meeting cycle as a duty: its assignment kinds and its messages."""

from models.lifecycle.duty import AssignmentKind, Duty
from models.meetings.forms import ActionItemAnswer, AgendaItemsAnswer, AttendanceAnswer
from models.meetings.messages import MeetingMessage

DUTY = Duty(
    name="meetings",
    kinds=(
        AssignmentKind(
            "action-item",
            ActionItemAnswer,
            {"ro": "acțiune de îndeplinit", "en": "action item"},
        ),
        AssignmentKind(
            "attendance",
            AttendanceAnswer,
            {"ro": "confirmare de participare", "en": "attendance confirmation"},
        ),
        AssignmentKind(
            "agenda-items",
            AgendaItemsAnswer,
            {"ro": "propuneri pentru ordinea de zi", "en": "agenda proposals"},
        ),
    ),
    message_kinds=tuple(MeetingMessage),
)
