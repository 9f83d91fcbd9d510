"""Hostile flow parameters: a clear error naming the parameter, and nothing written."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from flows.prevention_campaign import prevention_campaign
from flows.recommendation_follow_up import recommendation_follow_up
from models.campaigns.definitions import CampaignError
from models.core.history import StatusEvent
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage

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


def written(session: Session) -> tuple[int, ...]:
    session.rollback()
    return tuple(
        session.exec(select(func.count()).select_from(table)).one()
        for table in (Assignment, OutboxMessage, StatusEvent)
    )


@pytest.mark.slow
@PATIENT
@given(HOSTILE)
def test_a_hostile_reply_for_is_refused_by_name(
    prefect_api: None, session: Session, value: str
) -> None:
    before = written(session)
    if not value.strip():
        return  # empty means: no reply asked for
    with pytest.raises(ValueError, match=r"^reply_for: no source "):
        recommendation_follow_up(reply_for=value)
    assert written(session) == before


@pytest.mark.slow
@PATIENT
@given(HOSTILE)
def test_a_hostile_campaign_code_is_refused_by_name(
    prefect_api: None, session: Session, value: Any
) -> None:
    before = written(session)
    with pytest.raises((CampaignError, ValueError)) as refused:
        prevention_campaign(campaign=value)
    assert str(refused.value).startswith("campaign")
    assert written(session) == before
