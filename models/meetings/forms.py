"""The answers members give in a meeting cycle: agenda proposals, attendance, action items."""

from typing import Annotated, Literal

from pydantic import StringConstraints, model_validator

from models.core.i18n import N_
from models.core.text import NO_PERSONAL_DATA_BUT_NAMES, PRINTABLE
from models.lifecycle.forms import AnswerForm, Progress, RequiredText

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
