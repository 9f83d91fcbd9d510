"""Register a cross-border cooperation request and open its first step under its legal clock."""

from datetime import datetime
from typing import Literal

from prefect import flow

from models.cooperation.register import RequestInput
from models.core.types import utcnow
from models.lifecycle.forms import CaseReference
from tasks.cooperation.requests import RequestState, publish_request, register_request_task
from tasks.messaging.outbox import deliver_outbox


@flow(
    name="cross-border-request",
    flow_run_name="request {instrument} {partner_country}",
    validate_parameters=True,
)
def cross_border_request(
    sender_reference: CaseReference,
    instrument: Literal["eio", "siena", "mla", "jit", "eurojust", "trm", "other"],
    partner_country: str,
    partner_authority: str,
    institution: str,
    started_at: datetime,
    direction: Literal["incoming", "outgoing"] = "incoming",
    urgent: bool = False,
    summary: str = "",
    partner_email: str | None = None,
    answer_by: datetime | None = None,
    now: datetime | None = None,
) -> RequestState:
    """Register the request once, compute every clock of its instrument, tell the institution.

    Args:
        sender_reference: The file number the sender gave the case (the partner's for an
            incoming request, the Romanian institution's for an outgoing one), e.g.
            STA-M-2026-0815; never a name. Concord issues its own reference (RO-EIO-2026-00042).
        instrument: eio, siena, mla, jit, eurojust, trm or other.
        partner_country: The other state, as two letters (DE, IT, ES...).
        partner_authority: The partner authority, e.g. Staatsanwaltschaft München I.
        institution: Code of the Romanian institution in charge (DIICOT, IGPR, ANITP...).
        started_at: When the request was received (incoming) or sent (outgoing), with its time.
        direction: incoming (a partner asks Romania) or outgoing (Romania asks a partner).
        urgent: Urgent requests run on the instrument's urgent (hour) clocks.
        summary: What is asked, in a few words and without personal data.
        partner_email: The partner's functional mailbox, told of any extension.
        answer_by: The deadline the requesting state set (MLA and other instruments).
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    data = RequestInput(
        sender_reference=sender_reference,
        direction=direction,
        instrument=instrument,
        partner_country=partner_country,
        partner_authority=partner_authority,
        partner_email=partner_email,
        institution=institution,
        urgent=urgent,
        summary=summary,
        started_at=started_at,
        answer_by=answer_by,
    )
    state = register_request_task(data, moment)
    deliver_outbox(moment)
    publish_request(state)
    return state
