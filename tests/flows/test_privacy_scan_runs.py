"""`concord privacy scan` on Prefect's record of runs: what a refused parameter left behind."""

from datetime import UTC, datetime

from prefect.client.orchestration import get_client
from sqlmodel import Session

from deployments.cli_privacy import scan_prefect
from flows.referral import referral
from models.core.privacy_scan import MARKER

LEAKED = "Maria Popescu 0721 234 567"


def test_the_scan_finds_and_removes_personal_data_in_a_runs_name_and_parameters(
    prefect_api: None, session: Session
) -> None:
    state = referral(
        reference=LEAKED,
        notified_by="IGPR",
        county="CJ",
        child=False,
        consent=True,
        identified_at=datetime(2026, 11, 30, tzinfo=UTC),
        return_state=True,
    )
    assert state.is_failed()
    run_id = state.state_details.flow_run_id
    assert run_id is not None
    findings = scan_prefect(frozenset(), redact=True)
    assert {"name", "reference"} <= {f.column for f in findings}
    assert all(f.table == "prefect:flow_run" and f.count >= 1 for f in findings)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
    assert run.parameters["reference"] == MARKER and run.parameters["county"] == "CJ"
    assert run.name.startswith(MARKER) and "0721" not in run.name
    assert not [f for f in scan_prefect(frozenset(), redact=False) if f.column == "reference"]
