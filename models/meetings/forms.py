"""The answers members give in a meeting cycle: agenda proposals, attendance, action items."""

from typing import Literal

from pydantic import model_validator

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, Progress, RequiredText, ShortText


class ActionItemAnswer(AnswerForm):
    kind: Literal["action-item"] = "action-item"
    progress: Progress
    narrative: RequiredText


class AttendanceAnswer(AnswerForm):
    kind: Literal["attendance"] = "attendance"
    attending: Literal["yes", "no", "delegate"]
    delegate_name: ShortText = ""

    @model_validator(mode="after")
    def _delegate_named(self) -> "AttendanceAnswer":
        if self.attending == "delegate" and not self.delegate_name:
            raise ValueError("delegate_name: " + N_("Name the person who attends instead."))
        return self


class AgendaItemsAnswer(AnswerForm):
    kind: Literal["agenda-items"] = "agenda-items"
    proposals: RequiredText
