"""The names Prefect gave to flow runs, for the coordinator's view."""

import os

import httpx

TIMEOUT_SECONDS = 2.0


def flow_run_names(run_ids: list[str]) -> dict[str, str]:
    """Each run id's name ('monitoring 2026-S2'); empty when no Prefect API answers."""
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not api or not run_ids:
        return {}
    body = {"flow_runs": {"id": {"any_": run_ids}}, "limit": len(run_ids)}
    try:
        response = httpx.post(f"{api}/flow_runs/filter", json=body, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
    except httpx.HTTPError:
        return {}
    return {str(run["id"]): str(run["name"]) for run in response.json()}
