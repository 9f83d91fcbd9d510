"""Victim referrals between institutions as a duty: the referral kind and its lifecycle."""

from models.lifecycle.duty import AssignmentKind, Duty
from models.referrals.forms import PARTIALS, WORDS, ReferralAnswer
from models.referrals.notify import KIND, take_decision
from models.referrals.panels import referrals_panel
from models.referrals.retention import forget_closed_referrals
from models.referrals.tables import REFERRAL_LIFECYCLE, Disclosure, Referral

DUTY = Duty(
    name="referrals",
    kinds=(
        AssignmentKind(
            KIND,
            ReferralAnswer,
            {"ro": "referire de caz", "en": "case referral"},
            template="referral-form.html",
            on_answer=take_decision,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    tables=(Referral, Disclosure),
    commands="deployments.cli_referrals:referrals_app",
    flows=("flows.referral",),
    lifecycles={"referral": REFERRAL_LIFECYCLE},
    panels=referrals_panel,
    retention=forget_closed_referrals,
)
