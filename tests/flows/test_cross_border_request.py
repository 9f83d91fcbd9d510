"""The cross-border flow through a real Prefect API: an urgent SIENA request on a Sunday."""

import re
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from prefect.exceptions import ParameterTypeError
from sqlmodel import Session, func, select

from flows.cross_border_request import cross_border_request
from flows.urgent_sweep import urgent_sweep
from models.cooperation.register import RequestInput, register_request
from models.cooperation.rules import RequestError
from models.cooperation.tables import CooperationRequest
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=ZONE)


def siena(**changes: object) -> dict[str, object]:
    return {
        "sender_reference": "IT-SCIP-2026-0117",
        "direction": "incoming",
        "instrument": "siena",
        "partner_country": "IT",
        "partner_authority": "Servizio per la Cooperazione Internazionale di Polizia",
        "institution": "IGPR",
        "urgent": True,
        "summary": "Verificarea unui vehicul și a unei rute",
        "started_at": at("2026-11-29", 8),  # a Sunday
        **changes,
    }


def register(session: Session, now: datetime, **changes: object) -> str:
    """Register the request as the command line does; the reference Concord issued."""
    data = RequestInput.model_validate(siena(**changes))
    settings = get_settings()
    registered = register_request(session, data, settings, WorkingCalendar(zone=ZONE), now)
    session.commit()
    return registered.request.reference


def kinds_to(messages: list[EmailMessage]) -> list[tuple[str, str]]:
    return [(str(m["X-Concord-Kind"]), str(m["To"]).split(",")[0]) for m in messages]


def test_an_urgent_siena_request_is_escalated_when_its_eight_hours_run_out_on_a_sunday(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    make_institution(session, "IGPR")
    reference = register(session, at("2026-11-29", 8, 5))
    state = cross_border_request(reference=reference, now=at("2026-11-29", 8, 5))
    assert state.clocks == {"siena-urgent-direct": "2026-11-29T16:00:00+02:00"}
    assert kinds_to(smtp_server.messages) == [
        ("cooperation-acknowledgement", "focal-point@igpr.example")
    ]
    first = smtp_server.messages[0]
    assert "Cererea de cooperare RO-SIENA-2026-00001" in str(first["Subject"])
    assert "8 ore" in first.get_body(("plain",)).get_content()

    urgent_sweep(now=at("2026-11-29", 12, 5))  # half-way: the focal point is reminded
    assert kinds_to(smtp_server.messages[1:]) == [("reminder", "focal-point@igpr.example")]
    urgent_sweep(now=at("2026-11-29", 16, 5))  # eight hours gone: the head hears of it
    later = kinds_to(smtp_server.messages[2:])
    assert ("escalation", "head@igpr.example") in later
    session.expire_all()
    step = session.exec(select(Assignment)).one()
    assert (step.status, step.escalation_level) == ("escalated", 1)

    assert register(session, at("2026-11-29", 16, 10)) == reference
    again = cross_border_request(reference=reference, now=at("2026-11-29", 16, 10))
    assert again.reference == reference
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 1
    assert len(smtp_server.messages) == 2 + len(later)


def test_the_flow_takes_only_a_reference_concord_issued(
    prefect_api: None, session: Session
) -> None:
    with pytest.raises(ParameterTypeError, match="reference"):
        cross_border_request(reference="IT-SCIP-2026-0117")
    with pytest.raises(RequestError, match="reference: no request 'RO-EIO-2026-00009'"):
        cross_border_request(reference="RO-EIO-2026-00009")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"started_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))},
            "started_at: 0001-01-01T00:00:00+14:00 is before 2000-01-01",
        ),
        (
            {
                "instrument": "mla",
                "urgent": False,
                "answer_by": datetime(
                    9999, 12, 31, 23, 59, 59, tzinfo=timezone(-timedelta(hours=12))
                ),
            },
            "answer_by: 9999-12-31T23:59:59-12:00 is more than 5 years ahead",
        ),
    ],
)
def test_registering_refuses_a_moment_out_of_bounds_by_name_and_writes_nothing(
    session: Session, changes: dict[str, object], message: str
) -> None:
    make_institution(session, "IGPR")
    with pytest.raises(RequestError, match=re.escape(message)):
        register(session, at("2026-11-29", 8, 5), **changes)
    session.rollback()
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 0
