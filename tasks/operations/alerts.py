"""Operational alerts to the coordinator's secretariat, through the outbox."""

from datetime import datetime
from uuid import UUID

from prefect import task
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.exceptions import ObjectNotFound

from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.messaging.alerts import EndedRun
from models.messaging.compose import coordinator_addressee
from models.messaging.emails import Post, operations_alert


@task(name="queue-alert", task_run_name="queue alert")
def queue_alert_task(key: str, problem: str, details: str, run_url: str, now: datetime) -> bool:
    """Queue one alert email to the coordinator (once per key); True if it was new."""
    settings = get_settings()
    with write_session(get_engine(settings.resolved_database_url())) as session:
        to = coordinator_addressee(settings)
        new = operations_alert(Post(session, settings, now), key, to, problem, details, run_url)
        session.commit()
    return bool(new)


@task(name="read-ended-run", task_run_name="read run {run_id}", retries=2, retry_delay_seconds=10)
def read_ended_run(run_id: str) -> EndedRun | None:
    """The run's name, flow and state as the Prefect API knows them; None if it has no such run."""
    with get_client(sync_client=True) as client:
        try:
            run = client.read_flow_run(UUID(run_id))
            flow = client.read_flow(run.flow_id)
        except ObjectNotFound:
            return None
    return EndedRun(run.name, flow.name, run.state_name or "")


@task(name="find-completed-sweep", task_run_name="find completed sweep")
def sweep_completed_since(since: datetime) -> bool:
    """True when a daily-sweep flow run has completed since `since`."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["daily-sweep"])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.COMPLETED])),
                start_time=FlowRunFilterStartTime(after_=since),
            ),
            limit=1,
        )
    return bool(runs)
