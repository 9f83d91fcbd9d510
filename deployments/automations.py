"""Prefect automations: when a Concord run fails or crashes, alert the coordinator."""

from prefect.automations import Automation
from prefect.client.orchestration import get_client
from prefect.events.actions import RunDeployment
from prefect.events.schemas.automations import EventTrigger, Posture

RUN_FAILED = "concord: a run failed"


def ensure_automations() -> list[str]:
    """Create (or replace) the automations; returns their names."""
    with get_client(sync_client=True) as client:
        alert = client.read_deployment_by_name("alert-coordinator/alert-coordinator")
        for existing in client.read_automations_by_name(RUN_FAILED):
            client.delete_automation(existing.id)
    Automation(
        name=RUN_FAILED,
        description="Email the coordinator when a run of a Concord deployment fails or crashes.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            match_related={"prefect.resource.id": "prefect.tag.concord"},
            posture=Posture.Reactive,
            threshold=1,
        ),
        actions=[
            RunDeployment(
                source="selected",
                deployment_id=alert.id,
                # Only the id: the flow reads the run's name, flow and state from the API, so
                # no text anyone typed is kept among the alert run's parameters.
                parameters={
                    # Not a bare expression: prefect 3.8.8 renders those through tojson, which
                    # cannot encode a UUID; the flow removes the prefix.
                    "flow_run_id": "flow-run/{{ flow_run.id }}",
                },
            )
        ],
    ).create()
    return [RUN_FAILED]
