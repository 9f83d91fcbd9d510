"""A patient client for the Prefect API of a started stack (the tests and the bench).

A SQLite-backed Prefect server on a busy two-core machine may answer 503 or stall for a
while; the stack tests wait that out instead of failing on the first slow answer.
"""

import time
from typing import Any

import httpx

FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


class PrefectApi:
    """Calls the Prefect REST API, retrying 503s and stalled connections for a while."""

    def __init__(self, url: str, patience: float = 300) -> None:
        self.url = url
        self.patience = patience

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One API call's JSON answer, retried until it answers or patience runs out."""
        deadline = time.monotonic() + self.patience
        attempt = 0
        while True:
            attempt += 1
            try:
                response = httpx.request(method, f"{self.url}{path}", json=body, timeout=60)
                if response.status_code != 503:
                    response.raise_for_status()
                    return response.json()
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} {path} kept answering 503")
            time.sleep(min(attempt, 5))

    def deployments(self) -> dict[str, dict[str, Any]]:
        """The stack's deployments by name."""
        return {d["name"]: d for d in self.call("POST", "/deployments/filter", {"limit": 50})}

    def start(self, deployment: dict[str, Any], parameters: dict[str, Any]) -> str:
        """Create a scheduled run of a deployment as the UI does; its id."""
        body = {"parameters": parameters, "state": {"type": "SCHEDULED"}}
        path = f"/deployments/{deployment['id']}/create_flow_run"
        return str(self.call("POST", path, body)["id"])

    def run(self, run_id: str) -> dict[str, Any]:
        """One flow run as the API shows it."""
        return dict(self.call("GET", f"/flow_runs/{run_id}"))

    def runs_of(
        self, deployment_id: str, state_types: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The runs of a deployment, optionally only those in the given state types."""
        body: dict[str, Any] = {"limit": 50, "deployments": {"id": {"any_": [deployment_id]}}}
        if state_types:
            body["flow_runs"] = {"state": {"type": {"any_": state_types}}}
        return list(self.call("POST", "/flow_runs/filter", body))

    def wait(
        self, runs: list[str], timeout: float = 900, until: tuple[str, ...] = (*FINAL, "PAUSED")
    ) -> dict[str, str]:
        """Each run's state type once all have reached one of `until` (or the timeout)."""
        deadline = time.monotonic() + timeout
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            states = {run: self.run(run)["state"]["type"] for run in runs}
            if all(state in until for state in states.values()):
                break
            time.sleep(2)
        return states

    def log_lines(self, run_id: str) -> list[str]:
        """A flow run's log messages, oldest first (to say why a run did not end)."""
        body = {"limit": 200, "logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC"}
        return [str(line["message"]) for line in self.call("POST", "/logs/filter", body)]
