"""The answer to a cross-border cooperation request: acknowledge it, or answer it."""

from typing import Literal

from pydantic import model_validator

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, LongText


class CooperationAnswer(AnswerForm):
    kind: Literal["cooperation-request"] = "cooperation-request"
    action: Literal["acknowledge", "answer"]
    message: LongText = ""

    @model_validator(mode="after")
    def _answer_has_text(self) -> "CooperationAnswer":
        if self.action == "answer" and not self.message:
            raise ValueError("message: " + N_("An answer needs its text."))
        return self
