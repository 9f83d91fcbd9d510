"""Follow a registered cross-border cooperation request: tell its institution, show its clocks."""

from datetime import datetime

from prefect import flow

from models.cooperation.register import RequestReference
from models.core.types import utcnow
from tasks.cooperation.requests import RequestState, publish_request, read_request_task
from tasks.messaging.outbox import deliver_outbox


@flow(
    name="cross-border-request",
    flow_run_name="request {reference}",
    validate_parameters=True,
)
def cross_border_request(reference: RequestReference, now: datetime | None = None) -> RequestState:
    """Send what registering the request queued and publish its clocks; safe to run again.

    A request enters Concord through a door that checks its text first: `concord requests
    register` or a partner system's API. This flow takes only the reference Concord issued,
    so nothing a person typed is ever kept in Prefect's record of the run.

    Args:
        reference: The reference Concord issued the request, e.g. RO-EIO-2026-00042.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    state = read_request_task(reference, moment)
    deliver_outbox(moment)
    publish_request(state)
    return state
