import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deployments.stack import Ports, Stack
from models.settings import get_settings
from portal.mailbox import list_mail
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


def run_deployment(api: str, deployment: dict, parameters: dict) -> str:
    response = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": parameters, "state": {"type": "SCHEDULED"}},
    )
    response.raise_for_status()
    return str(response.json()["id"])


@pytest.mark.slow
def test_every_deployment_runs_from_the_api_on_the_local_stack(stack: Stack) -> None:
    api = stack.api_url
    deployments = {
        d["name"]: d for d in httpx.post(f"{api}/deployments/filter", json={"limit": 50}).json()
    }
    assert set(deployments) == {"monitoring-round", "daily-sweep", "dispatch-outbox"}
    assert deployments["daily-sweep"]["schedules"][0]["schedule"]["timezone"] == "Europe/Bucharest"
    runs = {name: run_deployment(api, d, {}) for name, d in deployments.items()}
    deadline = time.monotonic() + 120
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        states = {
            name: httpx.get(f"{api}/flow_runs/{run}").json()["state"]["type"]
            for name, run in runs.items()
        }
        if all(s in ("COMPLETED", "FAILED", "CRASHED") for s in states.values()):
            break
        time.sleep(2)
    assert states == dict.fromkeys(runs, "COMPLETED")
    name = httpx.get(f"{api}/flow_runs/{runs['monitoring-round']}").json()["name"]
    assert name.startswith("monitoring 20")
    mail = list_mail(stack.var_dir / "mail")
    assert mail and {m.kind for m in mail} == {"round-opened"}
    page = httpx.get(f"{stack.portal_url}/mail", timeout=10)
    assert page.status_code == 200 and mail[0].subject.split(":")[0] in page.text
    processes = [p for _, p in stack.processes]
    stack.stop()
    assert all(p.poll() is not None for p in processes)
