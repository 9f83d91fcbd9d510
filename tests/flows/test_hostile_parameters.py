"""Hostile flow parameters: a clear error naming the parameter, and nothing written."""

import importlib
import pkgutil
import types
import typing
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from prefect import Flow
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.exceptions import ParameterTypeError, PrefectHTTPStatusError
from pydantic import ValidationError
from sqlmodel import Session, func, select

import flows
from flows.prevention_campaign import prevention_campaign
from flows.recommendation_follow_up import recommendation_follow_up
from models.core.history import StatusEvent
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage
from tests.support.personal_data import CORPUS

HOSTILE = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "{{ 7*7 }}",
            "'; DROP TABLE assignment; --",
            "<script>alert(1)</script>",
            "[bold red]x[/]",
            "\u202eGRETA-3",
            "x" * 5000,
            "../../etc/passwd",
        ]
    ),
)
PATIENT = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
# Parameters each flow accepts; a text parameter is then spoiled one at a time.
VALID: dict[str, dict[str, Any]] = {
    "alert-coordinator": {"flow_run_id": "0b9e8e4c-4d5f-4f31-9a43-6a7f1c2d3e4f", "now": NOW},
    "committee-meeting-cycle": {"body": "CM-SNITP", "wait_for_minutes": False, "now": NOW},
    "cross-border-request": {"reference": "RO-EIO-2026-00001", "now": NOW},
    "monitoring-round": {"strategy": "SNITP-2024-2028", "period": "2026-S2", "now": NOW},
    "prevention-campaign": {"campaign": "CAMP-2026-CERERE", "now": NOW},
    "recommendation-follow-up": {"reply_for": "GRETA-3", "now": NOW},
    "referral": {"reference": "RO-REF-2026-00001", "now": NOW},
}
SPOILED = ["A\x00B", "A\x1b[2JB", "A\u202eB"]


def every_flow() -> dict[str, Flow[Any, Any]]:
    """Every flow of the flows package, by name, found by importing its modules."""
    found: dict[str, Flow[Any, Any]] = {}
    for module in pkgutil.iter_modules(flows.__path__):
        for value in vars(importlib.import_module(f"flows.{module.name}")).values():
            if isinstance(value, Flow):
                found[value.name] = value
    return found


def takes_text(annotation: Any) -> bool:
    """Whether a parameter's type admits free text (a Literal does not)."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(takes_text(arg) for arg in typing.get_args(annotation))
    return False


def text_doors() -> list[tuple[str, str]]:
    """(flow, parameter) for every text parameter of every flow."""
    return [
        (name, parameter)
        for name, flow in sorted(every_flow().items())
        for parameter, annotation in typing.get_type_hints(flow.fn).items()
        if parameter != "return" and takes_text(annotation)
    ]


def names(refused: BaseException, parameter: str) -> bool:
    """Whether a refusal names the parameter: Prefect's, pydantic's or Concord's own wording."""
    if isinstance(refused, ValidationError):
        return any(error["loc"][:1] == (parameter,) for error in refused.errors())
    if isinstance(refused, ParameterTypeError):
        return f"\n - {parameter}:" in str(refused)
    return str(refused).startswith(parameter)


def written(session: Session) -> tuple[int, ...]:
    session.rollback()
    return tuple(
        session.exec(select(func.count()).select_from(table)).one()
        for table in (Assignment, OutboxMessage, StatusEvent)
    )


def test_every_flow_with_text_parameters_has_valid_ones_here() -> None:
    assert {flow for flow, _ in text_doors()} <= set(VALID)
    assert len(text_doors()) >= 8


@pytest.mark.slow
@pytest.mark.parametrize(("flow_name", "parameter"), text_doors())
def test_a_control_character_in_a_text_parameter_is_refused_by_name(
    prefect_api: None, session: Session, flow_name: str, parameter: str
) -> None:
    flow = every_flow()[flow_name]
    before = written(session)
    for spoiled in SPOILED:
        with pytest.raises((ValueError, ParameterTypeError)) as refused:
            flow(**{**VALID[flow_name], parameter: spoiled})
        assert names(refused.value, parameter), str(refused.value)
        assert "\x00" not in str(refused.value)
    assert written(session) == before


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # refused before any query
@pytest.mark.parametrize(("flow_name", "parameter"), text_doors())
def test_personal_data_in_a_text_parameter_is_refused_by_name_and_never_echoed(
    prefect_api: None, session: Session, flow_name: str, parameter: str
) -> None:
    flow = every_flow()[flow_name]
    before = written(session)
    for texts in CORPUS.values():
        with pytest.raises((ValueError, ParameterTypeError)) as refused:
            flow(**{**VALID[flow_name], parameter: texts[0]})
        assert names(refused.value, parameter), str(refused.value)
        assert texts[0] not in str(refused.value)
    assert written(session) == before


@pytest.mark.slow
@PATIENT
@given(HOSTILE)
@example("\x00")
@example("GRETA-3\x00")
@example("GRETA\x9b-3")  # a C1 control
@example("GRETA\u200b-3")  # zero width
def test_a_hostile_reply_for_is_refused_by_name(
    prefect_api: None, session: Session, value: str
) -> None:
    before = written(session)
    if not value.strip():
        return  # empty means: no reply asked for
    with pytest.raises((ValueError, ParameterTypeError)) as refused:
        recommendation_follow_up(reply_for=value)
    assert names(refused.value, "reply_for"), str(refused.value)
    assert written(session) == before


@pytest.mark.slow
@PATIENT
@given(HOSTILE)
@example("\x00")  # PostgreSQL refused it inside the lookup instead of Concord by name
@example("CAMP-2026-CERERE\x1b[2J")
@example("CAMP-2026-CERERE\x00")  # NUL after a planned campaign's code
@example("\x00CAMP-2026-CERERE")
@example("CAMP-2026\x85-CERERE")  # a C1 control (one at either end is stripped as a space)
@example("CAMP-2026-\u2028CERERE")  # a line separator
def test_a_hostile_campaign_code_is_refused_by_name(
    prefect_api: None, session: Session, value: Any
) -> None:
    before = written(session)
    with pytest.raises((ValueError, ParameterTypeError)) as refused:
        prevention_campaign(campaign=value)
    assert names(refused.value, "campaign"), str(refused.value)
    assert written(session) == before


def server_refuses(client: SyncPrefectClient, deployment: UUID, parameters: dict[str, Any]) -> bool:
    """Whether the Prefect server refuses to create a run with these parameters."""
    try:
        client.create_flow_run_from_deployment(deployment, parameters=jsonable(parameters))
    except PrefectHTTPStatusError as refused:
        return refused.response.status_code == 409
    return False


def jsonable(parameters: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in parameters.items()}


@pytest.mark.slow
def test_the_prefect_server_refuses_personal_data_in_any_parameter_before_recording_a_run(
    prefect_api: None,
) -> None:
    """A deployed flow's schema alone keeps a refused value out of Prefect's record of runs."""
    doors = text_doors()
    with get_client(sync_client=True) as client:
        for name in sorted({flow for flow, _ in doors}):
            deployment = every_flow()[name].to_deployment(name="doors").apply()
            assert not server_refuses(client, deployment, VALID[name])
            for parameter in [p for flow, p in doors if flow == name]:
                for texts in CORPUS.values():
                    for text in texts:
                        spoiled = {**VALID[name], parameter: text}
                        assert server_refuses(client, deployment, spoiled), (name, parameter)
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment]))
            )
            assert [run.parameters for run in runs] == [jsonable(VALID[name])]
