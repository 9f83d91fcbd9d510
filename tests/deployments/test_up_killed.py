"""`concord up` killed outright leaves no server, worker or portal behind on its ports."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.deployments.test_cli import CONCORD
from tests.support.servers import free_port


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(1)
    return False


def portal_answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def start_up(ports: list[int], log: Path) -> subprocess.Popen[bytes]:
    prefect, portal, smtp = (str(p) for p in ports)
    command = [CONCORD, "up", "--prefect-port", prefect, "--portal-port", portal]
    return subprocess.Popen(
        [*command, "--smtp-port", smtp],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.slow
def test_killing_up_with_sigkill_frees_every_port_and_the_next_up_starts_clean(
    isolated_settings: Path, tmp_path: Path
) -> None:
    ports = [free_port(), free_port(), free_port()]
    log = tmp_path / "up.log"
    up = start_up(ports, log)
    assert wait_for(lambda: portal_answers(ports[1]), 600), log.read_text()[-3000:]
    os.kill(up.pid, signal.SIGKILL)
    up.wait(10)
    assert wait_for(lambda: all(port_is_free(p) for p in ports), 180), [
        p for p in ports if not port_is_free(p)
    ]

    again = start_up(ports, log)
    try:
        assert wait_for(lambda: portal_answers(ports[1]), 600), log.read_text()[-3000:]
    finally:
        os.kill(again.pid, signal.SIGTERM)
        again.wait(300)  # each child gets 15 s to stop, then a SIGKILL
    assert wait_for(lambda: all(port_is_free(p) for p in ports), 180)
