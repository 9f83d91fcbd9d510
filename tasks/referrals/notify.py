"""Referral units of work, each in one transaction and safe to run twice."""

from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from prefect.runtime import flow_run

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.reference.institutions import Institution
from models.referrals.notify import notify_referral
from models.referrals.register import ReferralInput


@dataclass(frozen=True)
class ReferralState:
    """What the flow reports about a referral."""

    reference: str
    status: str
    receiving: str
    created: bool
    emergency_due_at: datetime


@task(name="notify-referral", task_run_name="refer {data.county}")
def notify_referral_task(data: ReferralInput, now: datetime) -> ReferralState:
    """Record the referral (or find it), route it and tell the receiving institution."""
    settings = get_settings()
    run_id = str(flow_run.id) if flow_run.id else None
    with write_session(get_engine(settings.resolved_database_url())) as session:
        desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), now, run_id)
        notified = notify_referral(desk, data)
        receiving = session.get(Institution, notified.referral.receiving_id)
        assert receiving is not None
        state = ReferralState(
            reference=notified.referral.reference,
            status=notified.referral.status,
            receiving=receiving.code,
            created=notified.created,
            emergency_due_at=notified.referral.emergency_due_at,
        )
        session.commit()
    get_run_logger().info(
        "referral %s to %s: %s%s",
        state.reference,
        state.receiving,
        state.status,
        "" if state.created else " (already notified)",
    )
    return state
