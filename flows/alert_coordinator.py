"""Tell the coordinator's secretariat that a Concord run needs attention."""

from datetime import datetime

from prefect import flow

from models.core.settings import get_settings
from models.core.text import RunId
from models.core.types import utcnow
from models.messaging.alerts import run_alert
from tasks.messaging.outbox import deliver_outbox
from tasks.operations.alerts import queue_alert_task, read_ended_run


@flow(name="alert-coordinator", flow_run_name="alert coordinator", validate_parameters=True)
def alert_coordinator(flow_run_id: RunId, now: datetime | None = None) -> bool:
    """Email the coordinator once per run that ended badly (Prefect automations start this flow).

    The run's name, flow and final state are read from the Prefect API, never taken as
    parameters; a run the API does not know is still reported, as an unknown run.

    Args:
        flow_run_id: The run concerned, e.g. flow-run/0b8d5e6a-...; linked in the email and
            makes the alert unique.
        now: The moment to act as if it were (empty means now).
    """
    moment = now or utcnow()
    settings = get_settings()
    run_id = flow_run_id.removeprefix("flow-run/")
    ended = read_ended_run(run_id)
    problem, details = run_alert(run_id, ended, settings.language)
    ui = settings.prefect_ui_url.rstrip("/")
    run_url = f"{ui}/runs/flow-run/{run_id}" if ended else ""
    new = queue_alert_task(f"alert:{run_id}", problem, details, run_url, moment)
    deliver_outbox(moment)
    return new
