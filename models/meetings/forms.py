"""The answers members give in a meeting cycle (agenda proposals, attendance, action items),
their words and partials."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import StringConstraints, model_validator

from models.core.i18n import N_
from models.core.text import NO_PERSONAL_DATA_BUT_NAMES, PRINTABLE
from models.lifecycle.forms import AnswerForm, Progress, RequiredText
from models.meetings.tables import MeetingStatus

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "meetings"
WORDS: dict[str, str] = {
    # a meeting's statuses (cancelled is the engine's)
    MeetingStatus.DRAFT: N_("draft"),
    MeetingStatus.CONVENED: N_("convened"),
    MeetingStatus.HELD: N_("held"),
    MeetingStatus.MINUTED: N_("minuted"),
    MeetingStatus.CLOSED: N_("closed"),
    # the forms' fields (an action item's progress choices are the engine's)
    "progress": N_("Progress"),
    "narrative": N_("What was done"),
    "attending": N_("Attendance"),
    "delegate_name": N_("Name and position of the delegate"),
    "proposals": N_("Agenda proposals"),
    # attendance choices
    "yes": N_("Yes, we attend"),
    "no": N_("We do not attend"),
    "delegate": N_("A delegate attends"),
}

OfficialName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    PRINTABLE,
    NO_PERSONAL_DATA_BUT_NAMES,
]


class ActionItemAnswer(AnswerForm):
    kind: Literal["action-item"] = "action-item"
    progress: Progress
    narrative: RequiredText


class AttendanceAnswer(AnswerForm):
    kind: Literal["attendance"] = "attendance"
    attending: Literal["yes", "no", "delegate"]
    delegate_name: OfficialName = ""

    @model_validator(mode="after")
    def _delegate_named(self) -> "AttendanceAnswer":
        if self.attending == "delegate" and not self.delegate_name:
            raise ValueError("delegate_name: " + N_("Name the person who attends instead."))
        return self


class AgendaItemsAnswer(AnswerForm):
    kind: Literal["agenda-items"] = "agenda-items"
    proposals: RequiredText
