"""The answer to a victim referral (accept it, or reject it with a reason from the list), its
words and partial."""

from pathlib import Path
from typing import Literal

from pydantic import model_validator

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, LongText
from models.referrals.tables import ReferralStatus, RejectionReason

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "referrals"
WORDS: dict[str, str] = {
    # a referral's statuses
    ReferralStatus.NOTIFIED: N_("notified"),
    ReferralStatus.ACCEPTED: N_("accepted"),
    ReferralStatus.REJECTED: N_("rejected"),
    ReferralStatus.ASSISTED: N_("assisted"),
    ReferralStatus.CLOSED: N_("closed"),
    ReferralStatus.REVOKED: N_("revoked"),
    # the decision form
    "decision": N_("Decision"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "accept": N_("We accept the referral"),
    "reject": N_("We reject the referral"),
    # why a referral is rejected
    RejectionReason.OUT_OF_AREA: N_("The case is outside our area"),
    RejectionReason.NO_CAPACITY: N_("We have no place or staff for it now"),
    RejectionReason.NOT_ELIGIBLE: N_("The person does not meet the conditions for assistance"),
    RejectionReason.ALREADY_ASSISTED: N_("The person is already assisted"),
    RejectionReason.CONSENT_WITHDRAWN: N_("The person withdrew consent"),
    RejectionReason.OTHER: N_("Another reason (say which in the note)"),
}


class ReferralAnswer(AnswerForm):
    kind: Literal["referral"] = "referral"
    decision: Literal["accept", "reject"]
    reason: RejectionReason | None = None
    note: LongText = ""

    @model_validator(mode="after")
    def _rejection_has_reason(self) -> "ReferralAnswer":
        if self.decision == "reject" and not self.reason:
            raise ValueError("reason: " + N_("A rejection needs a reason."))
        if self.reason == "other" and not self.note:
            raise ValueError("note: " + N_("Say why in a few words."))
        return self
