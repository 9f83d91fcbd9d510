"""A portal app on the test database, and signed links to its assignments."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import assignment_link
from models.reference.institutions import Institution
from portal.app import create_app
from tests.support.factories import make_assignment, make_institution
from tests.support.servers import free_port

SOON = datetime.now(UTC) + timedelta(days=7)


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    """A client for the portal, talking to the test database."""
    with TestClient(create_app(), base_url="http://portal.test") as test_client:
        yield test_client


def path_of(
    assignment: Assignment, *, version: int | None = None, now: datetime | None = None
) -> str:
    """The portal path (/a/<token>) of an assignment's signed link."""
    assert assignment.id is not None
    link = assignment_link(
        assignment_id=assignment.id,
        institution_id=assignment.institution_id,
        due_at=assignment.due_at,
        now=now or datetime.now(UTC),
        settings=get_settings(),
        version=assignment.link_version if version is None else version,
    )
    return link.removeprefix(get_settings().portal_base_url)


@pytest.fixture
def institutions(session: Session) -> tuple[Institution, Institution]:
    """A Romanian and an English-speaking institution."""
    return make_institution(session, "ANITP"), make_institution(session, "EUROPOL", language="en")


def assignment_of(
    session: Session,
    institution: Institution,
    kind: str,
    *,
    key: str | None = None,
    due_at: datetime = SOON,
) -> Assignment:
    """An open assignment of `kind` for `institution`."""
    return make_assignment(
        session,
        institution,
        key=key or f"{kind}:{institution.code}",
        kind=kind,
        due_at=due_at,
        title=f"Solicitare {kind}",
    )


@pytest.fixture
def live_portal(session: Session) -> Iterator[str]:
    """The portal served by uvicorn on a loopback port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(), host="127.0.0.1", port=port, access_log=False, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # a busy machine starts it slowly, never not at all
    while not server.started and time.monotonic() < deadline:
        assert thread.is_alive(), "the portal stopped before it started serving"
        time.sleep(0.05)
    assert server.started, "the portal did not start serving within 120 s"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


BKA = ("de-bka", "bka-secret-0123456789abcdef")
POLIZIA = ("it-scip", "scip-secret-0123456789abcdef")
BKA_DESK = ("de-bka-desk", "bka-desk-secret-0123456789abcdef")  # a second login of the BKA
PARTNERS = {
    "de-bka": {
        "country": "DE",
        "authority": "Bundeskriminalamt",
        "email": "siena@bka.example",
        "secret": BKA[1],
    },
    "de-bka-desk": {"country": "DE", "authority": "Bundeskriminalamt", "secret": BKA_DESK[1]},
    "it-scip": {"country": "IT", "authority": "SCIP", "secret": POLIZIA[1]},
}


@pytest.fixture
def partners(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CONCORD_PARTNERS", json.dumps(PARTNERS))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
