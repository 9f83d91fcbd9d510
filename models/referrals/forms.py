"""The answer to a victim referral: accept it, or reject it with a reason from the list."""

from typing import Literal

from pydantic import model_validator

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, LongText

Reason = Literal[
    "out-of-area", "no-capacity", "not-eligible", "already-assisted", "consent-withdrawn", "other"
]


class ReferralAnswer(AnswerForm):
    kind: Literal["referral"] = "referral"
    decision: Literal["accept", "reject"]
    reason: Reason | None = None
    note: LongText = ""

    @model_validator(mode="after")
    def _rejection_has_reason(self) -> "ReferralAnswer":
        if self.decision == "reject" and not self.reason:
            raise ValueError("reason: " + N_("A rejection needs a reason."))
        if self.reason == "other" and not self.note:
            raise ValueError("note: " + N_("Say why in a few words."))
        return self
