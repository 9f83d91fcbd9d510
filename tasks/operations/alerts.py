"""Operational alerts to the coordinator's secretariat, through the outbox."""

from datetime import datetime

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

from models.core.db import get_engine, write_session
from models.core.settings import get_settings
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
