"""Follow a notified referral: tell the receiving institution, report where it stands."""

from datetime import datetime

from prefect import flow

from models.core.types import utcnow
from models.referrals.register import ReferralReference
from tasks.messaging.outbox import deliver_outbox
from tasks.referrals.notify import ReferralState, read_referral_task


@flow(name="referral", flow_run_name="referral {reference}", validate_parameters=True)
def referral(reference: ReferralReference, now: datetime | None = None) -> ReferralState:
    """Send what notifying the referral queued and report it; safe to run again.

    A referral enters Concord through `concord referrals notify`, which checks every field
    first (no name, birth date, address or identity number is asked for or kept; consent or
    the override of the child's own DGASPC). This flow takes only the reference Concord
    issued, so nothing a person typed is ever kept in Prefect's record of the run. The
    receiving institution accepts or rejects through its link within the 72-hour
    emergency-support clock.

    Args:
        reference: The reference Concord issued the referral, e.g. RO-REF-2026-00031.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    state = read_referral_task(reference)
    deliver_outbox(moment)
    return state
