import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlmodel import Session, select

from models.cooperation.register import RequestInput, register_request
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.core.tokens import sign_token
from models.lifecycle.tables import Answer, Assignment
from portal.security import BAD_TOKENS, redact
from tests.portal.conftest import assignment_of, path_of

SETTINGS_OF_TEST = {
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
    "deadline": None,
    "max_examples": 60,
}


def refused_page(response) -> str:  # type: ignore[no-untyped-def]
    assert "Solicitare" not in response.text and "ANITP" not in response.text
    return str(response.text)


def test_a_tampered_token_gets_a_page_that_reveals_nothing(
    client: TestClient, session: Session, institutions: tuple, caplog: pytest.LogCaptureFixture
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    path = path_of(assignment)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    before = sum(BAD_TOKENS.values())
    with caplog.at_level(logging.INFO, logger="concord.portal"):
        response = client.get(tampered)
    assert response.status_code == 404
    refused_page(response)
    assert sum(BAD_TOKENS.values()) == before + 1
    token = tampered.removeprefix("/a/")
    assert token not in caplog.text and "refused portal link" in caplog.text
    assert "/a/***" in caplog.text


def test_expired_revoked_and_cancelled_links_are_gone(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "monitoring-report")
    assert assignment.id is not None
    expired = sign_token(
        assignment_id=assignment.id,
        institution_id=assignment.institution_id,
        expires_at=datetime.now(UTC) - timedelta(seconds=5),
        key=get_settings().resolved_signing_key(),
    )
    assert client.get(f"/a/{expired}").status_code == 410
    old = path_of(assignment)
    assignment.link_version += 1
    session.add(assignment)
    session.commit()
    assert client.get(old).status_code == 410
    assert client.get(path_of(assignment)).status_code == 200
    assignment.status = "cancelled"
    session.add(assignment)
    session.commit()
    response = client.get(path_of(assignment))
    assert response.status_code == 410
    refused_page(response)


def test_a_token_never_opens_another_institutions_assignment(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    anitp, europol = institutions
    theirs = assignment_of(session, anitp, "monitoring-report")
    assert theirs.id is not None and europol.id is not None
    forged = sign_token(
        assignment_id=theirs.id,
        institution_id=europol.id,
        expires_at=datetime.now(UTC) + timedelta(days=3),
        key=get_settings().resolved_signing_key(),
    )
    assert client.get(f"/a/{forged}").status_code == 404
    assert client.get(f"/api/v1/assignments/{forged}").status_code == 404
    other_key = sign_token(
        assignment_id=theirs.id,
        institution_id=anitp.id or 0,
        expires_at=datetime.now(UTC) + timedelta(days=3),
        key=SecretStr("not the portal's key"),
    )
    assert client.get(f"/a/{other_key}").status_code == 404


def test_the_json_api_reads_and_answers_with_the_same_rules(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
    shown = client.get(api).json()
    assert (shown["kind"], shown["accepts_answers"], shown["answers"]) == ("referral", True, [])
    wrong_kind = client.post(api, json={"kind": "attendance", "attending": "yes"})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["detail"][0]["field"] == "kind"
    no_reason = client.post(api, json={"kind": "referral", "decision": "reject"})
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    accepted = client.post(api, json={"kind": "referral", "decision": "accept"})
    assert accepted.status_code == 201 and accepted.json()["current"] is True
    assert client.get(api).json()["status"] == "done"
    assignment.locked_at = datetime.now(UTC)
    session.add(assignment)
    session.commit()
    assert client.post(api, json={"kind": "referral", "decision": "accept"}).status_code == 409


def test_request_bodies_over_the_limit_are_refused(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "agenda-items")
    response = client.post(
        path_of(assignment),
        content=b"x" * (6 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert session.exec(select(Answer)).all() == []


def test_the_coordinators_view_needs_its_password(
    client: TestClient, session: Session, institutions: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_only = client.get("/coordinator")
    assert local_only.status_code == 403, "no password: loopback only"
    assert "numai de pe acest calculator" in local_only.text  # the coordinator's language
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", "s3cret")
    get_settings.cache_clear()
    wrong = client.get("/coordinator", auth=("coordinator", "wrong"))
    assert wrong.status_code == 401 and "Este necesară parola coordonatorului" in wrong.text
    data = RequestInput(
        sender_reference="BKA-W-2026-17",
        direction="incoming",
        instrument="siena",
        partner_country="AT",
        partner_authority="Bundeskriminalamt Wien",
        institution="ANITP",
        started_at=datetime.now(UTC) - timedelta(hours=1),
    )
    register_request(session, data, get_settings(), WorkingCalendar(), datetime.now(UTC))
    session.commit()
    page = client.get("/coordinator", auth=("coordinator", "s3cret"))
    assert page.status_code == 200
    assert "RO-SIENA-20" in page.text and "SIENA primită (AT)" in page.text
    assert "BKA-W-2026-17" not in page.text, "the sender's own number is not shown"


def test_log_paths_never_show_a_token() -> None:
    assert redact("/a/abc.def") == "/a/***"
    assert redact("/api/v1/assignments/abc.def") == "/api/v1/assignments/***"


TOKENS = st.one_of(
    st.text(min_size=1, max_size=80).filter(lambda t: "/" not in t and t not in (".", "..")),
    st.from_regex(r"[A-Za-z0-9_-]{4,40}\.[A-Za-z0-9_-]{4,50}", fullmatch=True),
)
BODIES = st.one_of(
    st.dictionaries(
        st.text(max_size=12), st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=5
    ),
    st.text(max_size=50),
    st.lists(st.integers(), max_size=3),
)


@settings(**SETTINGS_OF_TEST)
@given(token=TOKENS, body=BODIES)
@example(token="\x00", body={"narrative": "\x00"})
@example(token="a\x00.b", body="\x1b[2J")
@example(token="\x85\u202e", body={"\x00": "\u2028"})
def test_random_tokens_and_bodies_never_cause_a_server_error_or_leak(
    client: TestClient, session: Session, institutions: tuple, token: str, body: object
) -> None:
    if not session.exec(select(Assignment)).first():
        assignment_of(session, institutions[0], "monitoring-report")
    token = quote(token, safe="")
    for response in (
        client.get(f"/a/{token}"),
        client.get(f"/api/v1/assignments/{token}"),
        client.post(f"/api/v1/assignments/{token}", json=body),
        client.post(f"/a/{token}", data={"csrf": "x", "narrative": str(body)}),
    ):
        assert response.status_code < 500
        assert "Solicitare monitoring-report" not in response.text
    assert session.exec(select(Answer)).all() == []


@settings(**SETTINGS_OF_TEST)
@given(body=BODIES)
@example(body={"kind": "monitoring-report", "narrative": "a\x00b"})
@example(body={"kind": "monitoring-report\x00"})
@example(body={"\x00": None})
@example(body="\x00")
def test_malformed_bodies_on_a_valid_link_are_refused_cleanly(
    client: TestClient, session: Session, institutions: tuple, body: object
) -> None:
    assignment = session.exec(select(Assignment)).first() or assignment_of(
        session, institutions[0], "monitoring-report"
    )
    api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
    response = client.post(api, json=body)
    assert response.status_code in (201, 422)


def test_the_coordinator_snoozes_and_waives_from_the_portal(
    client: TestClient, session: Session, institutions: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", "s3cret")
    get_settings.cache_clear()
    auth = ("coordinator", "s3cret")
    first = assignment_of(session, institutions[0], "monitoring-report", key="report:P:1")
    second = assignment_of(session, institutions[0], "action-item", key="action:P:2")
    page = client.get("/coordinator", auth=auth).text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    snoozed = client.post(
        "/coordinator/assignments",
        auth=auth,
        data={
            "csrf": csrf,
            "assignment": "report:P:1",
            "action": "snooze",
            "until": "2099-03-01",
            "reason": "waiting for the ministry",
        },
    )
    assert snoozed.status_code == 200 and "amânată până la 2099-03-01" in snoozed.text
    no_reason = client.post(
        "/coordinator/assignments",
        auth=auth,
        data={"csrf": csrf, "assignment": str(second.id), "action": "waive", "reason": ""},
    )
    assert no_reason.status_code == 422 and "reason: a waiver needs a reason" in no_reason.text
    forged = client.post(
        "/coordinator/assignments",
        auth=auth,
        data={"csrf": "1.x", "assignment": str(second.id), "action": "waive", "reason": "x"},
    )
    assert forged.status_code == 403
    waived = client.post(
        "/coordinator/assignments",
        auth=auth,
        data={"csrf": csrf, "assignment": str(second.id), "action": "waive", "reason": "duplicate"},
    )
    assert waived.status_code == 200
    session.expire_all()
    assert session.get(Assignment, first.id).snoozed_until is not None  # type: ignore[union-attr]
    assert session.get(Assignment, second.id).status == "waived"  # type: ignore[union-attr]


@pytest.mark.parametrize("csrf", ["9" * 400, "²³.x", "\x00", "1." + "a" * 5000, ""])
def test_a_malformed_form_token_is_refused_without_a_server_error(
    client: TestClient,
    session: Session,
    institutions: tuple,
    csrf: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    answer = client.post(path_of(assignment), data={"csrf": csrf, "decision": "accept"})
    assert answer.status_code == 403
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", "s3cret")
    get_settings.cache_clear()
    waive = client.post(
        "/coordinator/assignments",
        data={"csrf": csrf, "action": "waive", "assignment": "1", "reason": "x"},
        auth=("coordinator", "s3cret"),
    )
    assert waive.status_code == 403
    assert session.get(Assignment, assignment.id).status == "open"  # type: ignore[union-attr]


def test_an_infinite_number_in_an_answer_is_a_clear_422(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
    body = b'{"kind": "referral", "decision": "accept", "reason": 1e999}'
    response = client.post(api, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "reason" in response.text


def test_a_wrong_answer_is_checked_against_the_form_its_kind_names(
    client: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
    response = client.post(api, json={"kind": "referral", "decision": "maybe"})
    assert response.status_code == 422
    fields = [problem["field"] for problem in response.json()["detail"]]
    assert fields == ["referral.decision"], fields  # not one error per installed form
