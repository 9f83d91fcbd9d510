"""Flow runs named in the coordinator's words, from what Prefect knows of them."""

import os
from typing import Any

import httpx

from models.core.i18n import N_, translate
from models.messaging.alerts import FLOW_NAMES, flow_title
from portal.period_words import code_words

TIMEOUT_SECONDS = 2.0
UNNAMED = N_("run %(id)s")


def _filter(api: str, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """What Prefect's filter endpoint answers; empty when it does not answer."""
    try:
        response = httpx.post(f"{api}/{path}/filter", json=body, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
    except httpx.HTTPError:
        return []
    found = response.json()
    return found if isinstance(found, list) else []


def run_title(flow_name: str, run_name: str, language: str) -> str:
    """'Runda de monitorizare: semestrul II 2026' for 'monitoring 2026-S2' of monitoring-round.

    The words come from the flow; of Prefect's English run name only its codes are kept
    (periods and days in words, references and bodies as written). An unknown flow keeps
    its run's own name.
    """
    if flow_name not in FLOW_NAMES:
        return run_name
    words = flow_title(flow_name, language)
    codes = [code_words(token, language) for token in run_name.split() if _is_code(token)]
    title = f"{words}: {', '.join(codes)}" if codes else words
    return title[:1].upper() + title[1:]


def _is_code(token: str) -> bool:
    """A period, a day, a reference or a body's code, as opposed to an English word."""
    return any(c.isdigit() or c.isupper() for c in token)


def unnamed_run(run_id: str, language: str) -> str:
    """A run Prefect did not name for us, by the start of its id."""
    return translate(language, UNNAMED) % {"id": run_id[:8]}


def flow_run_names(run_ids: list[str], language: str) -> dict[str, str]:
    """Each run id's name in `language`; empty when no Prefect API answers."""
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not api or not run_ids:
        return {}
    runs = _filter(
        api, "flow_runs", {"flow_runs": {"id": {"any_": run_ids}}, "limit": len(run_ids)}
    )
    flow_ids = sorted({str(run.get("flow_id")) for run in runs})
    flows = _filter(api, "flows", {"flows": {"id": {"any_": flow_ids}}}) if flow_ids else []
    flow_names = {str(flow["id"]): str(flow["name"]) for flow in flows}
    return {
        str(run["id"]): run_title(
            flow_names.get(str(run.get("flow_id")), ""), str(run["name"]), language
        )
        for run in runs
    }
