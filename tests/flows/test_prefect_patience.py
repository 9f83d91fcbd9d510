"""Flows under test talk to a Prefect server as patient as the local stack's."""

from prefect.settings import get_current_settings

from deployments.stack import PATIENT_PREFECT


def test_the_flow_tests_prefect_waits_out_a_busy_machine(prefect_api: None) -> None:
    settings = get_current_settings()
    assert settings.client.max_retries == int(PATIENT_PREFECT["PREFECT_CLIENT_MAX_RETRIES"]) >= 7
    assert settings.api.request_timeout >= 120
    assert settings.server.database.timeout == settings.server.database.connection_timeout == 60
