"""Flow runs on the coordinator's view are named in the reader's words, linked to Prefect."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from prefect import flow
from prefect.settings import get_current_settings
from sqlmodel import Session

from models.core.history import StatusEvent
from models.core.settings import get_settings
from portal.run_names import flow_run_names, run_title, unnamed_run
from tests.flows.conftest import prefect_api  # noqa: F401 (a fixture)

PASSWORD = "runs-coordinator-password"


@flow(name="monitoring-round", flow_run_name="monitoring 2026-S2")
def a_round() -> None:
    """Named as Concord's monitoring round names its runs."""


@flow(name="committee-meeting-cycle", flow_run_name="meeting CM-SNITP 2026-12-03")
def a_meeting() -> None:
    """Named as Concord's meeting cycle names its runs."""


@pytest.mark.parametrize(
    ("flow_name", "run_name", "title"),
    [
        ("monitoring-round", "monitoring 2026-S2", "Monitoring round: semester II of 2026"),
        ("monitoring-round", "monitoring 2027-Q1", "Monitoring round: quarter I of 2027"),
        ("daily-sweep", "daily sweep", "Daily sweep"),
        ("cross-border-request", "request RO-EIO-2026-00042", None),
        ("committee-meeting-cycle", "meeting CM-SNITP by cadence", None),
        ("a-flow-of-another-duty", "toy 2026-S2", "toy 2026-S2"),
    ],
)
def test_a_run_is_named_by_its_flow_in_words_keeping_only_the_codes_of_its_name(
    flow_name: str, run_name: str, title: str | None
) -> None:
    shown = run_title(flow_name, run_name, "en")
    if title is not None:
        assert shown == title
    else:
        assert shown.endswith(f": {run_name.split()[1]}") and run_name not in shown
    assert run_title("daily-sweep", "daily sweep", "ro") == "Verificarea zilnică a termenelor"
    assert run_title("monitoring-round", "x", "ro") == "Runda de monitorizare"


def test_without_a_prefect_api_a_run_is_named_by_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert flow_run_names(["5c1f0e7a-1111-4000-8000-000000000000"], "ro") == {}
    assert unnamed_run("5c1f0e7a-1111-4000-8000-000000000000", "en") == "run 5c1f0e7a"


def run_id(ran: object) -> str:
    """The id of the flow run a `return_state=True` call made."""
    return str(ran.state_details.flow_run_id)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_api")
def test_the_view_names_real_runs_in_the_readers_language_and_links_them(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = [run_id(a_round(return_state=True)), run_id(a_meeting(return_state=True))]
    for run in runs:
        at = datetime.now(UTC)
        session.add(StatusEvent(entity_type="x", entity_id=1, to_status="open", at=at, actor="t"))
        session.add(
            StatusEvent(
                entity_type="x", entity_id=1, to_status="done", at=at, actor="t", flow_run_id=run
            )
        )
    session.commit()
    monkeypatch.setenv("PREFECT_API_URL", str(get_current_settings().api.url))
    monkeypatch.setenv("CONCORD_COORDINATOR_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    client.auth = ("coordinator", PASSWORD)
    english = client.get("/coordinator?lang=en").text
    assert f'/runs/flow-run/{runs[0]}">Monitoring round: semester II of 2026</a>' in english
    meeting = "Meeting cycle of a standing body: CM-SNITP, 3 December 2026"
    assert f'/runs/flow-run/{runs[1]}">{meeting}</a>' in english
    romanian = client.get("/coordinator").text
    assert f'/runs/flow-run/{runs[0]}">Runda de monitorizare: ' in romanian
    assert "monitoring 2026-S2" not in romanian and "meeting CM-SNITP" not in romanian
