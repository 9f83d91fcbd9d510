"""A real Prefect API for flow tests, started once per test session."""

from collections.abc import Iterator

import prefect.settings
import pytest
from prefect.settings import (
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    PREFECT_SERVER_ANALYTICS_ENABLED,
    temporary_settings,
)
from prefect.testing.utilities import prefect_test_harness

from deployments.stack import PATIENT_PREFECT


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """A temporary Prefect server and database; flows run in this process against it."""
    # Heartbeats make every sync flow wait up to a second on exit; the tests need none.
    quiet = {PREFECT_SERVER_ANALYTICS_ENABLED: False, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    # as patient as the local stack: a busy machine makes the server slow, not wrong
    patient = {getattr(prefect.settings, name): value for name, value in PATIENT_PREFECT.items()}
    with (
        temporary_settings({**quiet, **patient}),
        prefect_test_harness(server_startup_timeout=300),
    ):
        yield
