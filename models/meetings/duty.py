"""The committee meeting cycle as a duty: its assignment kinds, messages, lifecycle and sweep."""

from models.lifecycle.duty import AssignmentKind, Duty
from models.meetings.answers import (
    agenda_closed,
    meeting_over,
    take_attendance,
    take_progress,
    take_proposals,
)
from models.meetings.forms import (
    PARTIALS,
    WORDS,
    ActionItemAnswer,
    AgendaItemsAnswer,
    AttendanceAnswer,
)
from models.meetings.messages import MeetingMessage
from models.meetings.panels import meeting_panels
from models.meetings.sweep import sweep_meetings
from models.meetings.tables import (
    MEETING_LIFECYCLE,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
)

DUTY = Duty(
    name="meetings",
    kinds=(
        AssignmentKind(
            "action-item",
            ActionItemAnswer,
            {"ro": "acțiune de îndeplinit", "en": "action item"},
            template="action-item-form.html",
            on_answer=take_progress,
        ),
        AssignmentKind(
            "attendance",
            AttendanceAnswer,
            {"ro": "confirmare de participare", "en": "attendance confirmation"},
            template="attendance-form.html",
            on_answer=take_attendance,
            locked=meeting_over,
        ),
        AssignmentKind(
            "agenda-items",
            AgendaItemsAnswer,
            {"ro": "propuneri pentru ordinea de zi", "en": "agenda proposals"},
            template="agenda-items-form.html",
            on_answer=take_proposals,
            locked=agenda_closed,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    tables=(Meeting, AgendaItem, Decision, ActionItem, Attendance),
    commands="deployments.cli_meetings:meetings_app",
    flows=("flows.committee_meeting_cycle",),
    message_kinds=tuple(MeetingMessage),
    lifecycles={"meeting": MEETING_LIFECYCLE},
    sweep=sweep_meetings,
    panels=meeting_panels,
)
