"""The coordinator's alert about a run that ended badly, read from a real Prefect API."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from prefect import flow
from prefect.exceptions import ParameterTypeError
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools import ValidationError, validate
from sqlmodel import Session, select

from flows.alert_coordinator import alert_coordinator
from models.messaging.outbox import OutboxMessage
from tests.support.servers import SmtpServer

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
RUN_ID = "21730748-6333-44a3-831a-638d2f3d94e5"  # a run id as Prefect writes one


@flow(name="doomed-duty", flow_run_name="{label} 2026-S2")
def doomed(label: str) -> None:
    """A duty that fails, so that there is a failed run to alert about."""
    raise RuntimeError("the duty broke")


def failed_run(label: str) -> UUID:
    """The id of a new run of the doomed duty, which has failed."""
    state = doomed(label, return_state=True)
    assert state.is_failed() and state.state_details.flow_run_id is not None
    return state.state_details.flow_run_id


def alerts(session: Session) -> list[OutboxMessage]:
    session.rollback()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "operations-alert")))


def test_a_failed_run_is_phrased_from_what_the_api_knows_of_it_once(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    run_id = failed_run("monitoring")
    assert alert_coordinator(flow_run_id=f"flow-run/{run_id}", now=NOW) is True
    assert alert_coordinator(flow_run_id=str(run_id), now=NOW) is False
    [alert] = alerts(session)
    assert alert.key == f"alert:{run_id}"
    assert alert.subject == "Concord necesită atenție: Rularea „monitoring 2026-S2” a eșuat"
    assert "procesul: doomed-duty; starea finală: a eșuat" in alert.body_text
    assert f"/runs/flow-run/{run_id}" in alert.body_text
    assert len(smtp_server.messages) == 1


def test_a_run_the_api_does_not_know_is_still_reported_once(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    run_id = uuid4()
    assert alert_coordinator(flow_run_id=f"flow-run/{run_id}", now=NOW) is True
    assert alert_coordinator(flow_run_id=f"flow-run/{run_id}", now=NOW) is False
    [alert] = alerts(session)
    assert alert.subject.endswith(f"rulare necunoscută {run_id}")  # the coordinator reads Romanian
    assert "/runs/flow-run/" not in alert.body_text
    assert len(smtp_server.messages) == 1


def test_a_run_named_after_a_person_is_reported_by_its_id(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    run_id = failed_run("Ion Popescu")
    alert_coordinator(flow_run_id=str(run_id), now=NOW)
    [alert] = alerts(session)
    assert alert.subject == f"Concord necesită atenție: Rularea „{run_id}” a eșuat"
    assert "Popescu" not in alert.body_text


def test_the_flow_takes_only_a_run_id_and_the_moment() -> None:
    schema = parameter_schema(alert_coordinator.fn).model_dump()
    assert list(schema["properties"]) == ["flow_run_id", "now"]
    assert schema["required"] == ["flow_run_id"]
    assert schema["properties"]["flow_run_id"]["pattern"].startswith("^(flow-run/)?[0-9a-f]{8}")


@pytest.mark.parametrize(
    "spoiled",
    # fixed: every xdist worker must collect the same ids
    ["", "flow-run/", "run failed: see logs", "flow-run/../../etc", "0b8d5e6a", f"{RUN_ID}x"],
)
def test_anything_but_a_run_id_is_refused_before_the_flow_runs(
    prefect_api: None, session: Session, spoiled: str
) -> None:
    schema = parameter_schema(alert_coordinator.fn).model_dump_for_openapi()
    with pytest.raises(ValidationError, match=r"field 'flow_run_id'"):  # as the server checks
        validate({"flow_run_id": spoiled}, schema, raise_on_error=True)
    with pytest.raises(ParameterTypeError, match=r"flow_run_id"):
        alert_coordinator(flow_run_id=spoiled, now=NOW)
    assert alerts(session) == []
