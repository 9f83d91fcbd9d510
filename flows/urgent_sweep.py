"""Every quarter of an hour, day and night: the steps due on urgent, hour-based assignments."""

from datetime import datetime

from prefect import flow, get_run_logger

from models.core.types import utcnow
from tasks.lifecycle.advance import advance_due_assignments_task
from tasks.lifecycle.bundle import bundle_notices_task
from tasks.messaging.outbox import deliver_outbox


@flow(name="urgent-sweep", flow_run_name="urgent sweep")
def urgent_sweep(now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Remind, mark overdue and escalate urgent assignments (hour clocks), and deliver at once.

    Working-day kinds are left to the daily sweep, so they are looked at once a day. Its
    duty hooks (locking rounds, advancing meetings) do not run here either.

    Args:
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    steps = advance_due_assignments_task(moment, urgent_only=True)
    messages = bundle_notices_task(moment)
    delivery = deliver_outbox(moment)
    if steps or messages:
        get_run_logger().info("urgent sweep: steps %s, messages %s", steps, messages)
    return {"steps": steps, "messages": messages, "delivery": delivery}
