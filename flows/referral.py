"""Refer a presumed victim, under a reference Concord issues, to the institution that assists."""

from datetime import datetime
from typing import Literal

from prefect import flow

from models.core.types import utcnow
from models.lifecycle.forms import CaseReference
from models.referrals.register import ReferralInput
from tasks.messaging.outbox import deliver_outbox
from tasks.referrals.notify import ReferralState, notify_referral_task


@flow(name="referral", flow_run_name="referral {county}", validate_parameters=True)
def referral(
    sender_reference: CaseReference,
    notified_by: str,
    county: str,
    child: bool,
    consent: bool,
    identified_at: datetime,
    consent_override_by: str | None = None,
    override_note: str = "",
    exploitation: Literal[
        "sexual", "labour", "begging", "criminal", "other", "unknown"
    ] = "unknown",
    now: datetime | None = None,
) -> ReferralState:
    """Refer the person once: adults to the region's ANITP centre, children to the DGASPC.

    No name, birth date, address or identity number is asked for or kept. An adult is
    referred only with recorded consent; a child without it only on the override of a
    child-protection authority, with its reason. The receiving institution accepts or
    rejects through its link within the 72-hour emergency-support clock.

    Args:
        sender_reference: The notifying institution's own file number, e.g. IPJ-CJ-2026-114;
            never a name. Concord issues the case's reference (RO-REF-2026-00031).
        notified_by: Code of the institution that identified the person (IGPR, ITM-CJ...).
        county: County code where assistance is needed (CJ, IS...); a Bucharest sector as B1-B6.
        child: Whether the person is under 18.
        consent: Whether the person's consent to the referral is recorded.
        identified_at: When the person was identified (starts the reflection period).
        consent_override_by: For a child without consent: the DGASPC of the child's county.
        override_note: Why the child is referred without consent (no personal data).
        exploitation: The presumed form of exploitation.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    data = ReferralInput(
        sender_reference=sender_reference,
        notified_by=notified_by,
        county=county,
        child=child,
        consent=consent,
        consent_override_by=consent_override_by,
        override_note=override_note,
        exploitation=exploitation,
        identified_at=identified_at,
    )
    state = notify_referral_task(data, moment)
    deliver_outbox(moment)
    return state
