"""`concord requests register` and `referrals notify`: checked, stored, then run by reference."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.settings import get_current_settings
from sqlmodel import Session, func, select

from models.cooperation.tables import CooperationRequest
from models.core.settings import get_settings
from models.messaging.outbox import OutboxMessage
from models.referrals.tables import Referral
from tests.deployments.test_cli import concord as run_concord
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

SIENA = [
    "IT-SCIP-2026-0117",
    "--instrument=siena",
    "--partner-country=IT",
    "--partner-authority=Servizio per la Cooperazione Internazionale di Polizia",
    "--institution=IGPR",
    "--urgent",
    "--summary=Verificarea unui vehicul și a unei rute",
    "--partner-email=scip@interno.example",
]


@dataclass(frozen=True)
class Result:
    exit_code: int
    output: str


def concord(*args: str) -> Result:
    """The command in its own process, its flows reporting to the tests' Prefect server."""
    api = {"PREFECT_API_URL": str(get_current_settings().api.url)}
    done = run_concord(*args, env=api)
    return Result(done.returncode, done.stdout + done.stderr)


def an_hour_ago() -> str:
    return (datetime.now(get_settings().zone) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


NewRuns = Callable[[], list[dict[str, object]]]


def case_runs() -> dict[UUID, dict[str, object]]:
    """The runs of the two case flows, with their parameters as Prefect recorded them."""
    names = FlowFilter(name=FlowFilterName(any_=["cross-border-request", "referral"]))
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=names)
    return {run.id: {k: v for k, v in run.parameters.items() if v is not None} for run in runs}


@pytest.fixture
def new_runs(prefect_api: None) -> NewRuns:
    """The parameters of the case runs started since the test began."""
    before = case_runs()
    return lambda: [params for run, params in case_runs().items() if run not in before]


def count(session: Session, table: type) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(table)).one()


def test_a_registered_request_runs_its_flow_with_the_issued_reference_alone(
    new_runs: NewRuns, session: Session, smtp_server: SmtpServer
) -> None:
    make_institution(session, "IGPR")
    first = concord("requests", "register", *SIENA, f"--started-at={an_hour_ago()}")
    assert first.exit_code == 0, first.output
    assert "RO-SIENA-2026-00001" in first.output and "siena-urgent-direct" in first.output
    [sent] = smtp_server.messages
    assert sent["X-Concord-Kind"] == "cooperation-acknowledgement"
    again = concord("requests", "register", *SIENA, f"--started-at={an_hour_ago()}")
    assert again.exit_code == 0 and "RO-SIENA-2026-00001" in again.output
    assert count(session, CooperationRequest) == 1 and len(smtp_server.messages) == 1
    expected = {"reference": "RO-SIENA-2026-00001"}
    assert new_runs() == [expected, expected]


@pytest.mark.parametrize(
    ("changed", "option", "kind"),
    [
        (0, "SENDER_REFERENCE", "a phone number"),
        (3, "--partner-authority", "a person's name"),
        (6, "--summary", "a personal numeric code"),
        (7, "--partner-email", "seems to name a person"),
    ],
)
def test_a_request_with_personal_data_is_refused_by_option_and_nothing_is_kept(
    new_runs: Callable[[], list[dict[str, object]]],
    session: Session,
    changed: int,
    option: str,
    kind: str,
) -> None:
    make_institution(session, "IGPR")
    values = {
        0: "IT-0721234567",
        3: "--partner-authority=Maria Popescu",
        6: "--summary=CNP 1960101123456",
        7: "--partner-email=maria.popescu@gmail.com",
    }
    args = [*SIENA[:changed], values[changed], *SIENA[changed + 1 :]]
    result = concord("requests", "register", *args, f"--started-at={an_hour_ago()}")
    assert result.exit_code == 2 and option in result.output and kind in result.output
    assert "1960101123456" not in result.output and "0721234567" not in result.output
    assert "Popescu" not in result.output
    assert count(session, CooperationRequest) == 0 and count(session, OutboxMessage) == 0
    assert new_runs() == []


def test_a_child_is_referred_only_on_the_override_of_its_own_countys_dgaspc(
    new_runs: NewRuns, session: Session, smtp_server: SmtpServer
) -> None:
    for code in ("IGPR", "DGASPC-IS", "DGASPC-CJ"):
        institution = make_institution(session, code)
        institution.kind = "child-protection" if "DGASPC" in code else institution.kind
        session.add(institution)
    session.commit()
    child = [
        "IGPR-IS-2026-0077",
        "--notified-by=IGPR",
        "--county=IS",
        "--child",
        "--no-consent",
        f"--identified-at={an_hour_ago()}",
        "--override-note=Interesul superior al copilului",
    ]
    other = concord("referrals", "notify", *child, "--consent-override-by=DGASPC-CJ")
    assert other.exit_code == 2 and "--consent-override-by" in other.output
    assert count(session, Referral) == 0 and new_runs() == []
    named = concord(
        "referrals", "notify", *child[:-1], "--override-note=mama, Ioana Popescu, refuză"
    )
    assert named.exit_code == 2 and "--override-note" in named.output
    assert "Popescu" not in named.output and count(session, Referral) == 0
    own = concord("referrals", "notify", *child, "--consent-override-by=DGASPC-IS")
    assert own.exit_code == 0, own.output
    assert "RO-REF-2026-00001" in own.output and "DGASPC-IS" in own.output
    [sent] = smtp_server.messages
    assert str(sent["To"]).startswith("focal-point@dgaspc-is.example")
    assert new_runs() == [{"reference": "RO-REF-2026-00001"}]
