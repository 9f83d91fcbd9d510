"""Hostile flow parameters: a clear error naming the parameter, and nothing written."""

import importlib
import pkgutil
import types
import typing
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from prefect import Flow
from prefect.exceptions import ParameterTypeError
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
    "alert-coordinator": {"problem": "Sweep late", "details": "See the run.", "now": NOW},
    "committee-meeting-cycle": {
        "body": "CM-SNITP",
        "place": "Palatul Victoria",
        "online_url": "https://meet.example/cm",
        "wait_for_minutes": False,
        "now": NOW,
    },
    "cross-border-request": {
        "sender_reference": "STA-M-2026-0815",
        "instrument": "eio",
        "partner_country": "DE",
        "partner_authority": "Staatsanwaltschaft München I",
        "institution": "DIICOT",
        "started_at": NOW,
        "summary": "Bank records",
        "partner_email": "eio@justiz.example",
        "now": NOW,
    },
    "monitoring-round": {"strategy": "SNITP-2024-2028", "period": "2026-S2", "now": NOW},
    "prevention-campaign": {"campaign": "CAMP-2026-CERERE", "now": NOW},
    "recommendation-follow-up": {"reply_for": "GRETA-3", "now": NOW},
    "referral": {
        "sender_reference": "IPJ-CJ-2026-0114",
        "notified_by": "IGPR",
        "county": "CJ",
        "child": True,
        "consent": False,
        "consent_override_by": "DGASPC-CJ",
        "override_note": "Parents unreachable",
        "identified_at": NOW,
        "now": NOW,
    },
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
    assert len(text_doors()) >= 20


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
def test_a_hostile_campaign_code_is_refused_by_name(
    prefect_api: None, session: Session, value: Any
) -> None:
    before = written(session)
    with pytest.raises((ValueError, ParameterTypeError)) as refused:
        prevention_campaign(campaign=value)
    assert names(refused.value, "campaign"), str(refused.value)
    assert written(session) == before
