from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from prefect.exceptions import ParameterTypeError
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools import ValidationError, validate
from sqlmodel import Session, select

from flows.monitoring_round import monitoring_round
from models.lifecycle.policy import Policy, PolicyError
from models.lifecycle.tables import Assignment
from models.monitoring.tables import MonitoringRound
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document

ZONE = ZoneInfo("Europe/Bucharest")
OPENS = datetime(2026, 12, 1, 8, tzinfo=ZONE)


def load(session: Session) -> None:
    load_reference(
        session=session, doc=parse_reference_document(dump(small_document())), source="t", now=OPENS
    )
    session.commit()


def test_a_round_can_change_the_reminder_policy_of_its_reports(
    prefect_api: None, session: Session
) -> None:
    load(session)
    monitoring_round(
        strategy="PLAN",
        period="2026-S2",
        due_date=date(2027, 1, 29),
        reminder_policy={"remind_before": [10, 2]},
        now=OPENS,
    )
    reports = session.exec(select(Assignment)).all()
    assert reports and all(r.policy_override == {"remind_before": [10, 2]} for r in reports)
    # ten working days before Friday 29 January 2027 is Friday 15 January
    first = datetime.combine(date(2027, 1, 15), time(0), tzinfo=ZONE)
    assert {r.next_action_at for r in reports} == {first}


def test_a_bad_reminder_policy_is_refused_before_anything_is_written(
    prefect_api: None, session: Session
) -> None:
    load(session)
    with pytest.raises(
        PolicyError, match=r"^policy_override\.remind_before: every value must be above 0$"
    ):
        monitoring_round(
            strategy="PLAN", period="2026-S2", reminder_policy={"remind_before": [0]}, now=OPENS
        )
    assert session.exec(select(MonitoringRound)).all() == []
    assert session.exec(select(Assignment)).all() == []


def test_several_fields_of_the_policy_change_together_and_are_checked_together(
    prefect_api: None, session: Session
) -> None:
    load(session)
    with pytest.raises(PolicyError, match=r"^policy_override\.escalate_head_after: must lie"):
        monitoring_round(
            strategy="PLAN",
            period="2026-S2",
            reminder_policy={"escalate_head_after": 9, "repeat_every": 2},
            now=OPENS,
        )
    changes = {"escalate_head_after": 4, "escalate_coordinator_after": 9, "repeat_every": 0}
    monitoring_round(strategy="PLAN", period="2026-S2", reminder_policy=changes, now=OPENS)
    reports = session.exec(select(Assignment)).all()
    assert reports and all(r.policy_override == changes for r in reports)


@pytest.mark.parametrize(
    "policy",
    [
        {"remind_befor": [3]},
        {"remind_before": "10, 3"},
        {"unit": "days"},
        {"urgent": "yes"},
        {"overdue_after": "3"},
    ],
)
def test_a_policy_outside_its_schema_is_refused_by_the_server_and_by_the_flow(
    prefect_api: None, session: Session, policy: dict[str, object]
) -> None:
    schema = parameter_schema(monitoring_round.fn).model_dump_for_openapi()
    with pytest.raises(ValidationError, match=r"reminder_policy"):
        validate({"reminder_policy": policy}, schema, raise_on_error=True)
    with pytest.raises(ParameterTypeError, match=r"reminder_policy"):
        monitoring_round(strategy="PLAN", period="2026-S2", reminder_policy=policy, now=OPENS)
    assert session.exec(select(Assignment)).all() == []


def test_every_policy_field_is_typed_in_the_schema_the_server_enforces() -> None:
    schema = parameter_schema(monitoring_round.fn).model_dump_for_openapi()
    changes = schema["definitions"]["PolicyChanges"]
    assert changes["additionalProperties"] is False
    fields = {name: field["anyOf"][0] for name, field in changes["properties"].items()}
    assert fields == {
        "unit": {"enum": ["working-days", "hours"], "type": "string"},
        "urgent": {"type": "boolean"},
        "remind_before": {"items": {"type": "integer"}, "type": "array"},
        "overdue_after": {"type": "integer"},
        "escalate_head_after": {"type": "integer"},
        "escalate_coordinator_after": {"type": "integer"},
        "repeat_every": {"type": "integer"},
    }
    assert set(fields) == set(Policy.model_fields)
