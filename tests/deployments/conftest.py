"""The local stack, started as `concord up` starts it, for the deployment tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from deployments.stack import Ports, Stack
from models.core.settings import get_settings
from tests.support.servers import free_port


@pytest.fixture
def stack(isolated_settings: Path) -> Iterator[Stack]:
    """The local stack as `concord up` starts it, on free loopback ports."""
    from deployments.cli import DEFAULT_REFERENCE, load_file, migrate_quietly

    migrate_quietly()
    load_file(DEFAULT_REFERENCE)
    running = Stack(
        settings=get_settings(),
        ports=Ports(free_port(), free_port(), free_port()),
        say=lambda line: None,
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
