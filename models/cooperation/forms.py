"""The answer to one step of a cooperation request: acknowledged, decided, answered, refused."""

from typing import Literal

from pydantic import model_validator

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, LongText

Action = Literal["acknowledge", "decide", "answer", "refuse"]


class CooperationAnswer(AnswerForm):
    kind: Literal["cooperation-request"] = "cooperation-request"
    action: Action
    message: LongText = ""

    @model_validator(mode="after")
    def _answer_has_text(self) -> "CooperationAnswer":
        if self.action == "answer" and not self.message:
            raise ValueError("message: " + N_("An answer needs its text."))
        if self.action == "refuse" and not self.message:
            raise ValueError("message: " + N_("A refusal needs its reason."))
        return self
