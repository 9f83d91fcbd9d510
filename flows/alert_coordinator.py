"""Tell the coordinator's secretariat that something in Concord needs attention."""

from datetime import datetime

from prefect import flow

from models.core.settings import get_settings
from models.core.text import Line, Paragraphs, RunId
from models.core.types import utcnow
from models.messaging.alerts import run_failed
from tasks.messaging.outbox import deliver_outbox
from tasks.operations.alerts import queue_alert_task


@flow(name="alert-coordinator", flow_run_name="alert coordinator", validate_parameters=True)
def alert_coordinator(
    problem: Line = "Concord",
    details: Paragraphs = "",
    flow_run_id: RunId = "",
    run_name: Line = "",
    flow_name: Line = "",
    state: Line = "",
    now: datetime | None = None,
) -> bool:
    """Email the coordinator once per problem (Prefect automations start this flow).

    Args:
        problem: One line saying what went wrong, when a person starts this flow.
        details: More context for that line.
        flow_run_id: The run concerned, linked in the email; also makes the alert unique.
        run_name: The failed run's name (the automation fills it in; the email phrases it).
        flow_name: The failed run's flow.
        state: The failed run's final state, e.g. Failed or Crashed.
        now: The moment to act as if it were (empty means now).
    """
    moment = now or utcnow()
    settings = get_settings()
    if run_name:
        problem, details = run_failed(run_name, flow_name, state, settings.language)
    flow_run_id = flow_run_id.removeprefix("flow-run/").strip()
    run_url = (
        f"{settings.prefect_ui_url.rstrip('/')}/runs/flow-run/{flow_run_id}" if flow_run_id else ""
    )
    key = f"alert:{flow_run_id or problem[:120]}"
    new = queue_alert_task(key, problem, details, run_url, moment)
    deliver_outbox(moment)
    return new
