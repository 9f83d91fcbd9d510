import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from portal.app import create_app
from tests.portal.conftest import assignment_of, path_of
from tests.support.servers import free_port


def test_no_request_the_api_describes_causes_a_server_error(
    session: Session, institutions: tuple
) -> None:
    """Schemathesis draws requests from the OpenAPI document, half of them on a valid link."""
    api = schemathesis.openapi.from_asgi("/api/openapi.json", create_app())
    operations = [result.ok() for result in api.get_all_operations()]
    assert {op.label for op in operations} == {
        "GET /api/v1/assignments/{token}",
        "POST /api/v1/assignments/{token}",
    }
    counter = iter(range(10**6))

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(*[op.as_strategy() for op in operations]), valid=st.booleans())
    def check(case: Any, valid: bool) -> None:
        if valid:
            assignment = assignment_of(
                session, institutions[0], "monitoring-report", key=f"report:fuzz:{next(counter)}"
            )
            case.path_parameters["token"] = path_of(assignment).removeprefix("/a/")
        case.call_and_validate(checks=[not_a_server_error])

    check()


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
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_the_portal_answers_over_real_http(
    live_portal: str, session: Session, institutions: tuple
) -> None:
    assignment = assignment_of(session, institutions[1], "attendance")
    with httpx.Client(base_url=live_portal, timeout=10) as client:
        assert client.get("/healthz").json() == {"ok": True}
        page = client.get(path_of(assignment))
        assert page.status_code == 200 and "A delegate attends" in page.text
        api = "/api/v1/assignments/" + path_of(assignment).removeprefix("/a/")
        answered = client.post(api, json={"kind": "attendance", "attending": "yes"})
        assert answered.status_code == 201
        assert client.get("/coordinator").status_code == 200  # loopback, no password set
        rebound = client.get("/coordinator", headers={"Host": "attacker.example:8600"})
        assert rebound.status_code == 403, "a rebound name does not open the view"
