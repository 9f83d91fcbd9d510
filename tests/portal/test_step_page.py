"""A cross-border request's step page: the step's own actions only, the time left on its
legal clock counted as the clock counts, and its legal basis."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlmodel import Session, col, select

from models.cooperation.register import RequestInput, register_request
from models.cooperation.tables import CooperationRequest, RequestClock
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.tables import Answer, Assignment
from models.reference.institutions import Institution
from portal.app import create_app
from portal.dependencies import clock
from tests.portal.conftest import path_of
from tests.portal.test_forms import csrf_of

NOW = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)  # Friday 15 January 2027, 10:00 in Bucharest
CALENDAR = WorkingCalendar(zone=get_settings().zone)


class Browser:
    """The portal on the test database at NOW, the step's clock rows counted from NOW too."""

    def __init__(self) -> None:
        app = create_app()
        app.dependency_overrides[clock] = lambda: NOW
        self.client = TestClient(app, base_url="http://portal.test")

    def open(self, assignment: Assignment) -> html.HtmlElement:
        response = self.client.get(path_of(assignment, now=NOW))
        assert response.status_code == 200, response.text
        return html.fromstring(response.text)

    def send(self, assignment: Assignment, form: dict[str, str]) -> tuple[int, str]:
        path = path_of(assignment, now=NOW)
        token = csrf_of(self.client.get(path).text)
        response = self.client.post(path, data={**form, "csrf": token})
        return response.status_code, response.text


@pytest.fixture
def browser(session: Session) -> Iterator[Browser]:
    opened = Browser()
    with opened.client:
        yield opened


def step_of(
    session: Session,
    institution: Institution,
    instrument: str,
    started_at: datetime,
    *,
    urgent: bool = False,
) -> Assignment:
    """The first step of an incoming request under `instrument`, received at `started_at`."""
    data = RequestInput.model_validate(
        {
            "sender_reference": f"BKA-{instrument}-{started_at:%d%H}-{int(urgent)}".upper(),
            "direction": "incoming",
            "instrument": instrument,
            "partner_country": "de",
            "partner_authority": "Bundeskriminalamt",
            "institution": institution.code,
            "urgent": urgent,
            "started_at": started_at,
        }
    )
    registered = register_request(session, data, get_settings(), CALENDAR, NOW)
    session.commit()
    assert registered.step is not None
    return registered.step


def offered(page: html.HtmlElement) -> list[str]:
    return [str(value) for value in page.xpath("//input[@name='action']/@value")]


def rows(page: html.HtmlElement) -> dict[str, str]:
    """The rows above the form: label to text."""
    return {
        " ".join(row.xpath("th")[0].text_content().split()): " ".join(
            row.xpath("td")[0].text_content().split()
        )
        for row in page.xpath("//table//tr[th and td]")
    }


def local(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02}:00").replace(tzinfo=CALENDAR.zone)


def test_a_siena_step_offers_no_recognition_and_refuses_it_storing_nothing(
    browser: Browser, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    anitp, _ = institutions
    step = step_of(session, anitp, "siena", local("2027-01-13", 9))
    assert offered(browser.open(step)) == ["answer", "refuse"]

    status, text = browser.send(step, {"action": "decide", "message": ""})
    assert status == 422
    page = html.fromstring(text)
    errors = " ".join(" ".join(page.xpath("//*[@class='errors']//text()")).split())
    assert "Acțiune" in errors and "Am decis asupra recunoașterii și executării" in errors
    assert "Europol SIENA" in errors and "Transmitem răspunsul, Refuzăm cererea" in errors
    assert offered(page) == ["answer", "refuse"]
    session.expire_all()
    assert session.exec(select(Answer)).all() == []
    stored = session.get(Assignment, step.id)
    assert stored is not None and stored.status == "open"
    request = session.exec(select(CooperationRequest)).one()
    assert (request.status, request.decided_at) == ("registered", None)
    assert (
        session.exec(select(RequestClock).where(col(RequestClock.met_at).is_not(None))).all() == []
    )


def test_the_api_refuses_an_action_the_step_does_not_offer_naming_the_field(
    browser: Browser, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    _, europol = institutions
    step = step_of(session, europol, "siena", local("2027-01-13", 9))
    body = {"kind": "cooperation-request", "action": "acknowledge"}
    token = path_of(step, now=NOW).removeprefix("/a/")
    response = browser.client.post(f"/api/v1/assignments/{token}", json=body)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == "action"
    assert problem["message"].startswith("“We acknowledge receipt” cannot be chosen")
    assert session.exec(select(Answer)).all() == []


def test_an_eio_step_offers_the_decision_and_takes_it(
    browser: Browser, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    anitp, _ = institutions
    step = step_of(session, anitp, "eio", local("2027-01-13", 9))
    assert offered(browser.open(step)) == ["acknowledge", "decide", "answer", "refuse"]
    status, _ = browser.send(step, {"action": "decide", "message": ""})
    assert status == 200
    session.expire_all()
    execution = session.exec(
        select(Assignment).where(col(Assignment.key).endswith(":eio-execution"))
    ).one()
    assert offered(browser.open(execution)) == ["answer", "refuse"]  # decided: no going back
    payload = json.loads(session.exec(select(Answer)).one().payload)
    assert payload["action"] == "decide"


@pytest.mark.parametrize(
    ("instrument", "received", "urgent", "deadline", "basis"),
    [
        (  # 7 calendar days from Wednesday: Wednesday 20 January, 5 days after today
            "siena",
            local("2027-01-13", 9),
            False,
            "20 January 2027, 23:59 (Bucharest time) — 5 calendar days left",
            "Directive (EU) 2023/977, art. 5(1)(c)",
        ),
        (  # 5 working days from Thursday end on Thursday 21 January: 4 working days after today
            "eurojust",
            local("2027-01-14", 9),
            False,
            "21 January 2027, 23:59 (Bucharest time) — 4 working days left",
            'Regulation (EU) 2018/1727, art. 21 ("without undue delay"); internal target',
        ),
        (  # 7 calendar days from Tuesday 5 January ended on Tuesday 12 January
            "siena",
            local("2027-01-05", 9),
            False,
            "12 January 2027, 23:59 (Bucharest time) — overdue by 3 calendar days",
            "Directive (EU) 2023/977, art. 5(1)(c)",
        ),
        (  # 8 hours from 07:00, the hour of receipt counted
            "siena",
            local("2027-01-15", 7),
            True,
            "15 January 2027, 15:00 (Bucharest time) — 5 hours left",
            "Directive (EU) 2023/977, art. 5(1)(a)",
        ),
    ],
    ids=["calendar days", "working days", "overdue", "hours"],
)
def test_the_step_page_says_the_time_left_on_its_legal_clock_and_its_basis(
    browser: Browser,
    session: Session,
    institutions: tuple[Institution, Institution],
    instrument: str,
    received: datetime,
    urgent: bool,
    deadline: str,
    basis: str,
) -> None:
    _, europol = institutions
    page = browser.open(step_of(session, europol, instrument, received, urgent=urgent))
    shown = rows(page)
    assert shown["Legal deadline"] == deadline
    assert shown["Legal basis"] == basis


def test_a_romanian_reader_gets_the_basis_in_romanian(
    browser: Browser, session: Session, institutions: tuple[Institution, Institution]
) -> None:
    anitp, _ = institutions
    shown = rows(browser.open(step_of(session, anitp, "eio", local("2027-01-13", 9))))
    assert "Directiva 2014/41/UE, art. 16 și anexa B" in shown.values()
    assert any(
        text.startswith("20 ianuarie 2027, 23:59 (ora României) — ") for text in shown.values()
    )
