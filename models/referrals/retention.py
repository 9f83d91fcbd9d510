"""Closed referrals past their retention period: reference and notes forgotten."""

from sqlmodel import col, select

from models.lifecycle.retention import ANONYMISED, Retention, forget_assignments, forget_notes
from models.referrals.tables import Referral


def forget_closed_referrals(retention: Retention) -> dict[str, int]:
    """Anonymise referrals closed or revoked before the cut-off (dry run: only count them)."""
    session = retention.session
    referrals = session.exec(
        select(Referral).where(
            col(Referral.closed_at) < retention.cutoff,
            col(Referral.reference).not_like(f"{ANONYMISED}%"),
        )
    ).all()
    if not retention.dry_run:
        for referral in referrals:
            alias = f"{ANONYMISED}V{referral.id}"
            forget_assignments(session, "referral", referral.reference, alias)
            forget_notes(session, "referral", referral.id or 0)
            referral.reference, referral.override_note = alias, None
            session.add(referral)
    return {"referrals": len(referrals)}
