"""Cooperation requests on the test databases: clocks, steps, an extension, bad input refused."""

import re
from datetime import date, datetime, time
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from models.cooperation.extensions import extend_clock
from models.cooperation.register import RequestInput, register_request
from models.cooperation.rules import INSTRUMENT_CLOCKS, URGENT_CLOCKS, RequestError
from models.cooperation.steps import clocks_of
from models.cooperation.tables import CooperationRequest, RequestClock
from models.core.calendar import WorkingCalendar
from models.core.clocks import load_clocks
from models.core.db import write_session
from models.core.settings import get_settings
from models.lifecycle.answers import submit_answer, validate_answer
from models.lifecycle.desk import Desk
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.concurrency import released_together
from tests.support.reference import dump, small_document

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=ZONE)


def end_of(day: str) -> datetime:
    return CALENDAR.end_of_day(date.fromisoformat(day))


def desk(session: Session, now: datetime) -> Desk:
    return Desk(session, get_settings(), CALENDAR, now)


@pytest.fixture
def reference(session: Session) -> Session:
    load_reference(
        session=session,
        doc=parse_reference_document(dump(small_document())),
        source="t",
        now=at("2026-11-01"),
    )
    session.commit()
    return session


def eio(**changes: object) -> RequestInput:
    values: dict[str, object] = {
        "sender_reference": "sta-m-2026-0815",
        "direction": "incoming",
        "instrument": "eio",
        "partner_country": "de",
        "partner_authority": "Staatsanwaltschaft München I",
        "partner_email": "eio@sta-muenchen.example",
        "institution": "ANITP",
        "summary": "Audierea a doi martori; documente bancare",
        "started_at": at("2026-12-18", 15),
    }
    return RequestInput.model_validate({**values, **changes})


def register(session: Session, data: RequestInput, now: datetime) -> CooperationRequest:
    registered = register_request(session, data, get_settings(), CALENDAR, now)
    session.commit()
    return registered.request


def open_step(session: Session) -> Assignment:
    query = select(Assignment).where(col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES))
    [step] = session.exec(query).all()
    return step


def answer(session: Session, step: Assignment, now: datetime, **values: str) -> None:
    form = validate_answer(step.kind, values)
    submit_answer(session=session, assignment=step, form=form, actor="t", channel="form", now=now)
    session.commit()


def test_every_clock_an_instrument_runs_is_defined_in_clocks_yaml() -> None:
    named = {
        code
        for table in (INSTRUMENT_CLOCKS, URGENT_CLOCKS)
        for codes in table.values()
        for code in codes
    }
    assert named - set(load_clocks()) == set()


def test_an_eio_is_acknowledged_extended_once_decided_and_executed(reference: Session) -> None:
    session = reference
    request = register(session, eio(), at("2026-12-18", 16))
    assert request.reference == "RO-EIO-2026-00001" and request.partner_country == "DE"
    assert request.sender_reference == "STA-M-2026-0815"
    assert request.partner_login is None, "only a partner's own login sets it"
    step = open_step(session)
    # 7 days from 18 December end on Christmas; 26 December is a holiday too, 27th a Sunday
    assert step.key == "cooperation:RO-EIO-2026-00001:eio-acknowledgement"
    assert step.due_at == end_of("2026-12-28")
    [opened] = session.exec(select(OutboxMessage)).all()
    assert (opened.kind, opened.recipient) == (
        "cooperation-acknowledgement",
        "focal-point@anitp.example",
    )

    answer(session, step, at("2026-12-21", 10), action="acknowledge")
    step = open_step(session)
    assert step.key.endswith(":eio-recognition")
    assert step.due_at == end_of("2027-01-18")  # 30 days end on Sunday 17 January

    extended = extend_clock(
        desk(session, at("2027-01-11")),
        "ro-eio-2026-00001",
        "eio-recognition",
        "other-authority",
        "Martorii sunt audiați de Parchetul Cluj",
    )
    session.commit()
    assert extended.due_at == end_of("2027-02-16")  # 30 more days counted from 17 January
    assert open_step(session).due_at == extended.due_at
    notice = session.exec(
        select(OutboxMessage).where(OutboxMessage.kind == "cooperation-extension")
    ).one()
    assert notice.recipient == "eio@sta-muenchen.example" and notice.language == "en"
    assert "Another authority must be consulted." in notice.body_text
    assert "Parchetul Cluj" not in notice.body_text + (notice.body_html or "")
    with pytest.raises(RequestError, match="clock: eio-recognition: already extended 1"):
        extend_clock(
            desk(session, at("2027-01-12")), "RO-EIO-2026-00001", "eio-recognition", "volume"
        )

    answer(session, open_step(session), at("2027-02-01", 11), action="decide")
    step = open_step(session)
    # 90 days from 1 February end on Orthodox Easter Sunday 2027; Easter Monday is a holiday
    assert step.key.endswith(":eio-execution") and step.due_at == end_of("2027-05-04")

    answer(
        session, step, at("2027-04-20", 11), action="answer", message="Probele au fost transmise."
    )
    session.refresh(request)
    assert request.status == "executed" and request.closed_at == at("2027-04-20", 11)
    assert (
        session.exec(
            select(func.count())
            .select_from(Assignment)
            .where(col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES))
        ).one()
        == 0
    )
    assert all(clock.met_at is not None for clock in clocks_of(session, request))


def test_registering_twice_keeps_one_request_one_step_and_one_email(reference: Session) -> None:
    session = reference
    register(session, eio(), at("2026-12-18", 16))
    register(session, eio(summary="altceva"), at("2026-12-18", 17))
    counts = [
        session.exec(select(func.count()).select_from(table)).one()
        for table in (CooperationRequest, Assignment, OutboxMessage)
    ]
    assert counts == [1, 1, 1]


def test_an_outgoing_request_is_chased_on_working_days(reference: Session) -> None:
    session = reference
    register(
        session, eio(direction="outgoing", sender_reference="DIICOT-OUT-1"), at("2026-12-18", 16)
    )
    step = open_step(session)
    assert step.title.startswith("Urmăriți răspunsul partenerului (DE)")
    assert step.policy_override and step.policy_override["unit"] == "working-days"
    assert step.urgent is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": "Victima, CNP 1960529460012, a fost audiată"}, "summary"),
        ({"institution": "NOPE"}, "institution: no institution has the code 'NOPE'"),
        ({"partner_country": "RO"}, "partner_country"),
        (
            {"started_at": at("2027-06-01")},
            "started_at: 2027-06-01T09:00:00+03:00 is in the future",
        ),
        ({"answer_by": at("2027-01-10")}, "answer_by: eio requests run on their legal clocks"),
        (
            {"started_at": "0001-01-01T00:00:00+14:00"},
            "started_at: 0001-01-01T00:00:00+14:00 is before 2000-01-01; "
            "give a moment from 2000-01-01 up to now",
        ),
        (
            {"instrument": "mla", "answer_by": "9999-12-31T23:59:59-12:00"},
            "answer_by: 9999-12-31T23:59:59-12:00 is more than 5 years ahead; "
            "give a deadline from 2000-01-01 to 2031-12-18",
        ),
        (
            {
                "instrument": "other",
                "started_at": "1999-06-01T09:00:00+03:00",
                "answer_by": "1999-07-01T09:00:00+03:00",
            },
            "started_at: 1999-06-01T09:00:00+03:00 is before 2000-01-01",
        ),
        (
            {"instrument": "other"},
            "answer_by: a request under another instrument needs its deadline",
        ),
    ],
)
def test_bad_requests_are_refused_naming_the_field_and_write_nothing(
    reference: Session, changes: dict[str, object], message: str
) -> None:
    session = reference
    with pytest.raises((RequestError, ValueError), match=re.escape(message)):
        register(session, eio(**changes), at("2026-12-18", 16))
    session.rollback()
    assert session.exec(select(func.count()).select_from(RequestClock)).one() == 0
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 0


def test_answers_out_of_order_move_the_request_forward_only(reference: Session) -> None:
    session = reference
    request = register(session, eio(), at("2026-12-18", 16))
    first = open_step(session)
    answer(session, first, at("2026-12-19", 10), action="decide")
    step = open_step(session)
    assert step.key.endswith(":eio-execution")
    answer(session, first, at("2026-12-20", 10), action="acknowledge")  # corrected later
    session.refresh(request)
    assert request.status == "decided" and open_step(session).id == step.id
    answer(session, step, at("2026-12-21", 10), action="answer", message="Probe transmise.")
    session.refresh(request)
    assert request.status == "executed", "every step answered: nothing is left to chase"
    assert (
        session.exec(
            select(func.count())
            .select_from(Assignment)
            .where(col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES))
        ).one()
        == 0
    )


def test_a_request_registered_twice_at_once_is_stored_once(
    reference: Session, engine: Engine
) -> None:
    def register_in_a_session_of_its_own(number: int) -> bool:
        with write_session(engine) as session:
            data = eio(sender_reference=f"STA-M-2026-{number:04}")
            registered = register_request(
                session, data, get_settings(), CALENDAR, at("2026-12-18", 16)
            )
            session.commit()
            return registered.created

    for number in range(10):
        results = released_together(partial(register_in_a_session_of_its_own, number))
        assert sorted(results, key=str) == [False, True], results
    assert reference.exec(select(func.count()).select_from(CooperationRequest)).one() == 10
