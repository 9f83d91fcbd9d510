"""The answer to a victim referral: accept it, or reject it with a reason."""

from typing import Literal

from pydantic import model_validator

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, LongText


class ReferralAnswer(AnswerForm):
    kind: Literal["referral"] = "referral"
    decision: Literal["accept", "reject"]
    reason: LongText = ""

    @model_validator(mode="after")
    def _rejection_has_reason(self) -> "ReferralAnswer":
        if self.decision == "reject" and not self.reason:
            raise ValueError("reason: " + N_("A rejection needs a reason."))
        return self
