"""Victim referrals between institutions as a duty: the referral kind."""

from models.lifecycle.duty import AssignmentKind, Duty
from models.referrals.forms import ReferralAnswer

DUTY = Duty(
    name="referrals",
    kinds=(
        AssignmentKind(
            "referral", ReferralAnswer, {"ro": "referire de caz", "en": "case referral"}
        ),
    ),
)
