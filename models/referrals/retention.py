"""Closed referrals past their retention period: references and notes forgotten."""

from models.core.i18n import N_
from models.lifecycle.retention import ANONYMISED, Retention, closed_cases, forget_case
from models.referrals.tables import Referral


def forget_closed_referrals(retention: Retention) -> dict[str, int]:
    """Anonymise referrals closed or revoked before the cut-off (dry run: only count them)."""
    referrals = closed_cases(retention, Referral)
    if not retention.dry_run:
        for referral in referrals:
            forget_case(retention, referral, "referral", f"{ANONYMISED}V{referral.id}")
            referral.override_note, referral.sender_reference = None, None
            retention.session.add(referral)
    return {N_("closed referrals"): len(referrals)}
