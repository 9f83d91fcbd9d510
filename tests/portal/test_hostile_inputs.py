"""Hostile text in links, form tokens, ids and query parameters is refused by name, never a 500."""

import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.tables import Answer, Assignment
from portal.security import csrf_token
from tests.portal.conftest import BKA, assignment_of, path_of

NON_ASCII = ["é", "²", "\u0660"]  # a Latin letter, a superscript digit, an Arabic-Indic zero
AUTH = ("coordinator", "s3cret")


def state(session: Session) -> tuple[object, ...]:
    """What a refused request must leave as it was: answers, events, each assignment."""
    session.expire_all()
    assignments = session.exec(select(Assignment).order_by(Assignment.id)).all()
    return (
        session.exec(select(func.count()).select_from(Answer)).one(),
        session.exec(select(func.count()).select_from(StatusEvent)).one(),
        [(a.status, a.snoozed_until, a.next_action_at, a.updated_at) for a in assignments],
    )


def with_bad_signature(path: str, character: str) -> str:
    """The link's path with the last character of its signature replaced."""
    return path[:-1] + quote(character)


@pytest.mark.parametrize("character", NON_ASCII)
def test_a_link_whose_signature_holds_non_ascii_characters_is_unknown(
    client: TestClient, session: Session, institutions: tuple, character: str
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    page = with_bad_signature(path_of(assignment), character)
    api = page.replace("/a/", "/api/v1/assignments/", 1)
    before = state(session)
    shown = client.get(page)
    assert shown.status_code == 404 and "Linkul nu este valid" in shown.text
    posted = client.post(page, data={"csrf": "x", "decision": "accept"})
    assert posted.status_code == 404
    assert client.get(api).json() == {"detail": "not found"}
    answered = client.post(api, json={"kind": "referral", "decision": "accept"})
    assert answered.status_code == 404 and answered.json() == {"detail": "not found"}
    assert state(session) == before


@pytest.mark.parametrize("character", NON_ASCII)
def test_a_form_token_whose_signature_holds_non_ascii_characters_is_refused(
    client: TestClient, session: Session, institutions: tuple, character: str
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    forged = f"{int(time.time())}.{character * 32}"
    before = state(session)
    answer = client.post(path_of(assignment), data={"csrf": forged, "decision": "accept"})
    assert answer.status_code == 403 and "Formularul a expirat" in answer.text
    assert state(session) == before


@pytest.fixture
def coordinator(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The portal's client, logged in as the coordinator."""
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", AUTH[1])
    get_settings.cache_clear()
    client.auth = AUTH
    yield client


def coordinator_form(**values: str) -> dict[str, str]:
    """The coordinator's snooze-or-waive form with a valid form token."""
    return {"csrf": csrf_token("coordinator", get_settings().resolved_signing_key()), **values}


@pytest.mark.parametrize("character", NON_ASCII)
def test_the_coordinators_form_token_with_non_ascii_characters_is_refused(
    coordinator: TestClient, session: Session, institutions: tuple, character: str
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    form = coordinator_form(assignment=str(assignment.id), action="waive", reason="duplicate")
    form["csrf"] = form["csrf"][:-1] + character
    before = state(session)
    refused = coordinator.post("/coordinator/assignments", data=form)
    assert refused.status_code == 403 and "Formularul a expirat" in refused.text
    assert state(session) == before


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("²", "assignment: no assignment &#39;²&#39;"),
        ("a\x00b", "assignment: contains the control character U+0000"),
        (str(2**31), f"assignment: no assignment &#39;{2**31}&#39;"),
        ("9" * 18, "assignment: no assignment"),
    ],
)
def test_the_coordinator_names_an_assignment_that_cannot_be(
    coordinator: TestClient, session: Session, institutions: tuple, ref: str, problem: str
) -> None:
    assignment_of(session, institutions[0], "referral")
    before = state(session)
    for action in ("waive", "snooze"):
        form = coordinator_form(assignment=ref, action=action, reason="x", until="2099-01-01")
        refused = coordinator.post("/coordinator/assignments", data=form)
        assert refused.status_code == 422 and problem in refused.text, refused.text
    assert state(session) == before


def test_the_coordinator_cannot_snooze_to_a_day_years_away(
    coordinator: TestClient, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[0], "referral")
    before = state(session)
    form = coordinator_form(assignment=str(assignment.id), action="snooze", until="9999-12-31")
    refused = coordinator.post("/coordinator/assignments", data=form)
    assert refused.status_code == 422 and "until: 9999-12-31" in refused.text, refused.text
    assert "is not between 2000-01-01 and 2100-12-31" in refused.text
    assert state(session) == before


@pytest.mark.parametrize("round_ref", ["\x00", "SNITP-2024-2028:2026-S2\x00"])
def test_the_coordinators_view_refuses_a_round_that_cannot_be(
    coordinator: TestClient, session: Session, institutions: tuple, round_ref: str
) -> None:
    refused = coordinator.get("/coordinator", params={"round": round_ref})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["field"] == "query.round" and "control character U+0000" in problem["message"]


@pytest.mark.parametrize("reference", ["RO-EIO-2026-00001\x00", "\x00"])
def test_a_partner_asking_for_a_reference_that_cannot_be_is_refused(
    partners: None, client: TestClient, session: Session, reference: str
) -> None:
    refused = client.get(f"/api/v1/partners/requests/{quote(reference)}", auth=BKA)
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["field"] == "path.reference" and "control character U+0000" in problem["message"]
