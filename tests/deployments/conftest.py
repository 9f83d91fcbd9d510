"""The local stack, started once as `concord up` starts it, for the deployment tests.

Starting the stack costs most of a minute, so the tests that only use it share one, run
last (while it runs its schedules nothing else is slowed down), and each looks only at
the rows and mail of what it started itself. On several xdist workers their modules go to
one worker together and among the first (tests/support/scheduling.py): handed out last,
they would keep that worker busy for minutes after the others are done.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from deployments.stack import Ports, Stack
from models.core.db import get_engine
from models.core.settings import get_settings
from tests.support.servers import free_port


def start_stack() -> Stack:
    """Migrate, load the reference data and start the stack on free loopback ports."""
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
    except BaseException:
        running.stop()
        raise
    return running


@pytest.fixture(scope="session")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the whole session, with its own working folder."""
    import os

    home = tmp_path_factory.mktemp("stack")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("CONCORD_") and not name.startswith("CONCORD_TEST_"):
                patch.delenv(name)
        patch.setenv("CONCORD_VAR_DIR", str(home / "var"))
        patch.setenv("CONCORD_LMTP_PORT", str(free_port()))  # replies come in as from a relay
        get_settings.cache_clear()
        running = start_stack()
    get_settings.cache_clear()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def stack(shared_stack: Stack, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """The shared stack, with this process's settings pointing at its working folder."""
    monkeypatch.setenv("CONCORD_VAR_DIR", str(shared_stack.settings.var_dir))
    get_settings.cache_clear()
    get_engine.cache_clear()
    return shared_stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests on the shared stack last, the demo first among them."""
    on_stack = [item for item in items if "shared_stack" in getattr(item, "fixturenames", ())]
    on_stack.sort(key=lambda item: "demo" not in item.name)
    for item in on_stack:
        items.remove(item)
    items.extend(on_stack)
