"""`concord privacy scan` on Prefect's record of runs: what a refused parameter left behind."""

from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.states import State
from sqlmodel import Session

from deployments.cli_privacy import scan_prefect
from flows.prevention_campaign import prevention_campaign
from flows.referral import referral
from models.core.privacy_scan import MARKER


def run_id_of(state: State) -> UUID:
    assert state.is_failed() and state.state_details.flow_run_id is not None
    return state.state_details.flow_run_id


def test_the_scan_finds_and_removes_personal_data_in_a_runs_name_and_parameters(
    prefect_api: None, session: Session
) -> None:
    # called in-process, as no door does: Prefect records the run before refusing it
    refused = referral(reference="Maria Popescu 0721 234 567", return_state=True)
    unknown = prevention_campaign(campaign="0721234567", return_state=True)
    referral_run, campaign_run = run_id_of(refused), run_id_of(unknown)
    with get_client(sync_client=True) as client:  # as runs were named before references
        client.update_flow_run(campaign_run, name="referral POPESCU-MARIA-1960101123456")
    findings = scan_prefect(frozenset(), redact=True)
    assert {"name", "reference", "campaign"} <= {f.column for f in findings}
    assert all(f.table == "prefect:flow_run" and f.count >= 1 for f in findings)
    with get_client(sync_client=True) as client:
        first, second = client.read_flow_run(referral_run), client.read_flow_run(campaign_run)
    assert "0721" not in first.name and "popescu" not in first.name.lower()
    assert first.parameters["reference"] == MARKER
    assert second.name.startswith(MARKER) and "1960101123456" not in second.name
    assert second.parameters["campaign"] == MARKER
    assert scan_prefect(frozenset(), redact=False) == []
