import base64
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from portal.app import create_app
from tests.portal.conftest import BKA, assignment_of, path_of


def test_no_request_the_api_describes_causes_a_server_error(
    session: Session, institutions: tuple, partners: None
) -> None:
    """Schemathesis draws requests from the OpenAPI document, half on a valid link or login."""
    api = schemathesis.openapi.from_asgi("/api/openapi.json", create_app())
    operations = [result.ok() for result in api.get_all_operations()]
    assert {op.label for op in operations} == {
        "GET /api/v1/assignments/{token}",
        "POST /api/v1/assignments/{token}",
        "POST /api/v1/partners/requests",
        "GET /api/v1/partners/requests/{reference}",
    }
    counter = iter(range(10**6))

    login = "Basic " + base64.b64encode(":".join(BKA).encode()).decode()

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(*[op.as_strategy() for op in operations]), valid=st.booleans())
    def check(case: Any, valid: bool) -> None:
        if valid:
            assignment = assignment_of(
                session, institutions[0], "monitoring-report", key=f"report:fuzz:{next(counter)}"
            )
            if "token" in (case.path_parameters or {}):
                case.path_parameters["token"] = path_of(assignment).removeprefix("/a/")
            case.headers = {**(case.headers or {}), "Authorization": login}
        case.call_and_validate(checks=[not_a_server_error])

    check()


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
