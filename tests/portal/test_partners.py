"""Partner systems send requests over real HTTP, each with its own credentials."""

from functools import partial

import httpx
import pytest
from sqlmodel import Session, func, select

from models.cooperation.tables import CooperationRequest
from models.messaging.outbox import OutboxMessage
from tests.portal.conftest import BKA, BKA_DESK, POLIZIA
from tests.support.concurrency import each_released_together
from tests.support.factories import make_institution


def siena(**changes: object) -> dict[str, object]:
    return {
        "partner_reference": "DE-SIENA-2026-4411",
        "instrument": "siena",
        "institution": "IGPR",
        "urgent": True,
        "summary": "Verificarea unui număr de înmatriculare",
        "received_at": "2026-11-22T09:30:00+01:00",
        **changes,
    }


def test_a_partner_sends_a_request_and_reads_its_clocks(
    partners: None, session: Session, live_portal: str
) -> None:
    make_institution(session, "IGPR")
    with httpx.Client(base_url=f"{live_portal}/api/v1/partners", timeout=30) as client:
        sent = client.post("/requests", json=siena(), auth=BKA)
        assert sent.status_code == 201, sent.text
        body = sent.json()
        assert (body["status"], body["institution"]) == ("registered", "IGPR")
        assert (body["reference"], body["partner_reference"]) == (
            "RO-SIENA-2026-00001",
            "DE-SIENA-2026-4411",
        )
        assert body["clocks"] == [
            {
                "code": "siena-urgent-direct",
                "due_at": "2026-11-22T16:30:00Z",
                "met_at": None,
                "extensions_used": 0,
            }
        ]
        again = client.post("/requests", json=siena(summary="altceva"), auth=BKA)
        assert again.status_code == 200 and again.json() == body
        shown = client.get("/requests/de-siena-2026-4411", auth=BKA)
        assert shown.status_code == 200 and shown.json() == body
        by_ours = client.get("/requests/RO-SIENA-2026-00001", auth=BKA)
        assert by_ours.status_code == 200 and by_ours.json() == body

        assert client.get("/requests/DE-SIENA-2026-4411", auth=POLIZIA).status_code == 404
        taken = client.post("/requests", json=siena(), auth=POLIZIA)
        assert taken.status_code == 409
        assert taken.json()["detail"][0]["field"] == "partner_reference"
    request = session.exec(select(CooperationRequest)).one()
    assert (request.partner_country, request.partner_authority) == ("DE", "Bundeskriminalamt")
    assert request.partner_login == "de-bka"
    assert request.partner_email == "siena@bka.example"
    kinds = session.exec(select(OutboxMessage.kind)).all()
    assert kinds == ["cooperation-acknowledgement"]


def test_a_second_login_of_the_same_authority_neither_reads_nor_resends_the_firsts_case(
    partners: None, session: Session, live_portal: str
) -> None:
    make_institution(session, "IGPR")
    with httpx.Client(base_url=f"{live_portal}/api/v1/partners", timeout=30) as client:
        assert client.post("/requests", json=siena(), auth=BKA).status_code == 201
        assert client.get("/requests/DE-SIENA-2026-4411", auth=BKA_DESK).status_code == 404
        taken = client.post("/requests", json=siena(), auth=BKA_DESK)
        assert taken.status_code == 409, taken.text
        assert taken.json()["detail"][0]["field"] == "partner_reference"
        assert client.get("/requests/DE-SIENA-2026-4411", auth=BKA).status_code == 200
    request = session.exec(select(CooperationRequest)).one()
    assert request.partner_login == "de-bka"


@pytest.mark.parametrize(
    ("auth", "status"),
    [(None, 401), (("de-bka", "wrong-secret-0123456789abcdef"), 401), (("nobody", BKA[1]), 401)],
)
def test_no_partner_login_no_request(
    partners: None, session: Session, live_portal: str, auth: tuple[str, str] | None, status: int
) -> None:
    response = httpx.post(
        f"{live_portal}/api/v1/partners/requests", json=siena(), auth=auth, timeout=30
    )
    assert response.status_code == status
    assert response.headers["www-authenticate"].startswith("Basic")
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": "Persoana cu pașaportul AB1234567"}, "summary"),
        ({"institution": "NOPE"}, "institution"),
        ({"instrument": "fax"}, "instrument"),
        ({"received_at": "2026-11-22T09:30:00"}, "received_at"),
        ({"received_at": "2099-01-01T09:30:00+01:00"}, "received_at"),
        ({"received_at": "0001-01-01T00:00:00+14:00"}, "received_at"),
        ({"received_at": "9999-12-31T23:59:59-12:00"}, "received_at"),
        ({"instrument": "mla", "answer_by": "9999-12-31T23:59:59-12:00"}, "answer_by"),
        ({"instrument": "other", "answer_by": "0001-01-01T00:00:00+14:00"}, "answer_by"),
        ({"partner_reference": "a b"}, "partner_reference"),
        ({"partner_reference": "POPESCU-MARIA-1960101123456"}, "partner_reference"),
        ({"partner_reference": "MARIA.POPESCU"}, "partner_reference"),
        ({"partner_reference": "0721-234-567"}, "partner_reference"),
        ({"summary": "victima Maria Popescu, str. Florilor nr. 12"}, "summary"),
        ({"institution": "IG\x00PR"}, "institution"),
        ({"summary": "nul \x00 inside"}, "summary"),
    ],
)
def test_a_bad_request_is_refused_naming_its_field_and_nothing_is_written(
    partners: None, session: Session, live_portal: str, changes: dict[str, object], field: str
) -> None:
    make_institution(session, "IGPR")
    response = httpx.post(
        f"{live_portal}/api/v1/partners/requests", json=siena(**changes), auth=BKA, timeout=30
    )
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["detail"]] == [field]
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"received_at": "0001-01-01T00:00:00+14:00"},
            "0001-01-01T00:00:00+14:00 is before 2000-01-01; "
            "give a moment from 2000-01-01 up to now",
        ),
        (
            {"instrument": "mla", "answer_by": "9999-12-31T23:59:59-12:00"},
            "9999-12-31T23:59:59-12:00 is more than 5 years ahead; give a deadline from 2000-01-01",
        ),
    ],
)
def test_a_moment_no_utc_clock_can_hold_is_refused_with_the_range_allowed(
    partners: None, session: Session, live_portal: str, changes: dict[str, object], message: str
) -> None:
    make_institution(session, "IGPR")
    response = httpx.post(
        f"{live_portal}/api/v1/partners/requests", json=siena(**changes), auth=BKA, timeout=30
    )
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["message"].startswith(message), problem


def send_and_read(live_portal: str, reference: str, auth: tuple[str, str]) -> tuple[int, int]:
    """The status of sending a new `reference` as `auth`, then of reading it back."""
    with httpx.Client(base_url=f"{live_portal}/api/v1/partners", timeout=60) as client:
        sent = client.post("/requests", json=siena(partner_reference=reference), auth=auth)
        return sent.status_code, client.get(f"/requests/{reference}", auth=auth).status_code


def test_two_partners_racing_one_new_reference_one_gets_it_and_the_other_a_conflict(
    partners: None, session: Session, live_portal: str
) -> None:
    make_institution(session, "IGPR")
    winners = {}
    for number in range(10):
        reference = f"DE-SIENA-2026-{number:04}"
        bka, polizia = each_released_together(
            partial(send_and_read, live_portal, reference, BKA),
            partial(send_and_read, live_portal, reference, POLIZIA),
        )
        assert sorted([bka, polizia]) == [(201, 200), (409, 404)], (reference, bka, polizia)
        winners[reference] = BKA[0] if bka[0] == 201 else POLIZIA[0]
    owners = session.exec(
        select(CooperationRequest.sender_reference, CooperationRequest.partner_login)
    )
    assert dict(owners.all()) == winners


def test_one_partner_sending_one_new_reference_twice_at_once_gets_201_then_200(
    partners: None, session: Session, live_portal: str
) -> None:
    make_institution(session, "IGPR")
    for number in range(10):
        reference = f"DE-SIENA-2026-{number:04}"
        results = each_released_together(*[partial(send_and_read, live_portal, reference, BKA)] * 2)
        assert sorted(results) == [(200, 200), (201, 200)], (reference, results)
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 10
