"""Referral units of work, each in one transaction and safe to run twice."""

from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from sqlmodel import Session

from models.core.db import get_engine
from models.core.settings import get_settings
from models.reference.institutions import Institution
from models.referrals.notify import find_referral
from models.referrals.register import ReferralError


@dataclass(frozen=True)
class ReferralState:
    """What the flow reports about a referral."""

    reference: str
    status: str
    receiving: str
    emergency_due_at: datetime


@task(name="read-referral", task_run_name="read referral {reference}")
def read_referral_task(reference: str) -> ReferralState:
    """Where the notified referral stands: who receives it and by when support starts."""
    settings = get_settings()
    with Session(get_engine(settings.resolved_database_url())) as session:
        referral = find_referral(session, reference)
        if referral is None:
            raise ReferralError(f"reference: no referral has the reference {reference}")
        receiving = session.get(Institution, referral.receiving_id)
        assert receiving is not None
        state = ReferralState(
            reference=referral.reference,
            status=referral.status,
            receiving=receiving.code,
            emergency_due_at=referral.emergency_due_at,
        )
    get_run_logger().info("referral %s to %s: %s", state.reference, state.receiving, state.status)
    return state
