"""Which actions each step of each instrument offers, read from the instruments' clocks."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from models.cooperation.register import RequestInput, register_request
from models.cooperation.steps import clocks_of, offered_actions, step_clock
from models.cooperation.tables import CooperationRequest
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.answers import submit_answer, validate_answer
from models.lifecycle.tables import Assignment
from tests.support.factories import make_institution

NOW = datetime(2027, 1, 15, 8, tzinfo=UTC)
CALENDAR = WorkingCalendar(zone=get_settings().zone)


def registered(
    session: Session, instrument: str, urgent: bool = False
) -> tuple[CooperationRequest, Assignment]:
    make_institution(session, "ANITP")
    data = RequestInput.model_validate(
        {
            "sender_reference": "BKA-2027-1",
            "direction": "incoming",
            "instrument": instrument,
            "partner_country": "de",
            "partner_authority": "Bundeskriminalamt",
            "institution": "ANITP",
            "urgent": urgent,
            "started_at": NOW - timedelta(hours=1),
            "answer_by": NOW + timedelta(days=20) if instrument == "other" else None,
        }
    )
    done = register_request(session, data, get_settings(), CALENDAR, NOW)
    session.commit()
    assert done.step is not None
    return done.request, done.step


def offered_at(session: Session, request: CooperationRequest, step: Assignment) -> list[str]:
    clocks = clocks_of(session, request)
    found = step_clock(clocks, step)
    assert found is not None
    return list(offered_actions(request, clocks, found))


@pytest.mark.parametrize(
    ("instrument", "urgent", "first_step"),
    [
        ("eio", False, ["acknowledge", "decide", "answer", "refuse"]),
        ("eio", True, ["acknowledge", "decide", "answer", "refuse"]),  # the provisional measure
        ("siena", False, ["answer", "refuse"]),
        ("siena", True, ["answer", "refuse"]),
        ("mla", False, ["answer", "refuse"]),
        ("other", False, ["answer", "refuse"]),
        ("jit", False, ["answer"]),  # the team's agreement runs from its signature
        ("eurojust", False, ["answer"]),
        ("trm", False, ["acknowledge", "decide", "answer"]),
    ],
)
def test_the_first_step_of_each_instrument_offers_its_own_actions(
    session: Session, instrument: str, urgent: bool, first_step: list[str]
) -> None:
    request, step = registered(session, instrument, urgent)
    assert offered_at(session, request, step) == first_step


def test_the_decision_stays_offered_where_it_was_taken_and_nowhere_after(
    session: Session,
) -> None:
    request, first = registered(session, "eio")
    form = validate_answer(first.kind, {"action": "decide"})
    submit_answer(session=session, assignment=first, form=form, actor="t", channel="form", now=NOW)
    session.commit()
    assert offered_at(session, request, first) == ["acknowledge", "decide", "answer", "refuse"]
    execution = session.exec(
        select(Assignment).where(col(Assignment.key).endswith(":eio-execution"))
    ).one()
    assert offered_at(session, request, execution) == ["answer", "refuse"]
