import re
import smtplib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from deployments.prefect_api import PrefectApi
from deployments.stack import Ports, Stack
from models.core.db import get_engine
from models.core.settings import get_settings
from models.messaging.inbound_tables import InboundMessage
from portal.mailbox import list_mail
from tests.deployments.test_cli import concord
from tests.support.servers import free_port


@pytest.mark.slow
def test_every_deployment_runs_from_the_api_on_the_local_stack(stack: Stack) -> None:
    api = PrefectApi(stack.api_url)
    deployments = api.deployments()
    assert set(deployments) == {
        "committee-meeting-cycle",
        "cross-border-request",
        "monitoring-round",
        "daily-sweep",
        "urgent-sweep",
        "dispatch-outbox",
        "inbound-mail",
        "contacts-confirmation",
        "check-daily-sweep",
        "alert-coordinator",
        "referral",
        "retention",
        "prevention-campaign",
        "recommendation-follow-up",
    }
    assert deployments["daily-sweep"]["schedules"][0]["schedule"]["timezone"] == "Europe/Bucharest"
    bodies = [s["parameters"]["body"] for s in deployments["committee-meeting-cycle"]["schedules"]]
    assert sorted(bodies) == ["CM-SNITP", "CN-CHILD-LABOUR", "WG-VICTIM-ASSISTANCE"]
    parameters = {
        "committee-meeting-cycle": {"body": "CM-SNITP"},
        "prevention-campaign": {"campaign": "CAMP-2026-CERERE"},  # a sample, running since October
        "cross-border-request": {"reference": registered(stack, "requests", "register", *SIENA)},
        "referral": {"reference": registered(stack, "referrals", "notify", *ADULT)},
    }
    relayed(stack, "<relayed-1@politia.example>")
    runs = {
        name: api.start(d, parameters.get(name, {}))
        for name, d in deployments.items()
        if name != "alert-coordinator"
    }
    states = api.wait(list(runs.values()))
    waiting = runs.pop("committee-meeting-cycle")  # suspended until the minutes arrive
    assert states.pop(waiting) == "PAUSED"
    assert {name: states[run] for name, run in runs.items()} == dict.fromkeys(runs, "COMPLETED")
    assert api.run(runs["monitoring-round"])["name"].startswith("monitoring 20")
    mail = list_mail(stack.var_dir / "mail", limit=10_000)
    assert {m.kind for m in mail} >= {"round-opened"}
    page = httpx.get(f"{stack.portal_url}/mail", timeout=60)
    assert page.status_code == 200 and mail[0].subject.split(":")[0] in page.text
    with Session(get_engine()) as session:
        read = session.exec(select(InboundMessage.message_id, InboundMessage.outcome)).all()
    assert ("relayed-1@politia.example", "unmatched") in read, "the LMTP relay's reply was read"
    daily = deployments["daily-sweep"]["id"]
    assert wait_until(lambda: api.runs_of(daily, ["SCHEDULED"])), "the scheduler plans the sweep"


def relayed(stack: Stack, message_id: str) -> None:
    """Hand the stack's LMTP listener a reply, as a mail relay in front of Concord would."""
    assert stack.settings.lmtp_port is not None
    raw = "From: ij@politia.example\r\nTo: answers@concord.example\r\nSubject: Re: Raport\r\n"
    raw += f"Message-ID: {message_id}\r\n\r\nAm primit.\r\n"
    with smtplib.LMTP("127.0.0.1", stack.settings.lmtp_port) as relay:
        assert relay.sendmail("ij@politia.example", ["answers@concord.example"], raw) == {}


SIENA = (
    "BKA-2026-0001",
    "--instrument=siena",
    "--partner-country=DE",
    "--partner-authority=Bundeskriminalamt",
    "--institution=IGPR",
    "--started-at=2026-01-15T10:00",
)
ADULT = (
    "IGPR-CJ-2026-0001",
    "--notified-by=IGPR",
    "--county=CJ",
    "--consent",
    "--identified-at=2026-01-15T10:00",
)


def registered(stack: Stack, *door: str) -> str:
    """The reference Concord issues a case entered through its command-line door."""
    done = concord(*door, env=stack.environment())
    assert done.returncode == 0, done.stderr
    found = re.search(r"RO-[A-Z]+-\d{4}-\d{5}", done.stdout)
    assert found, done.stdout
    return found.group()


def wait_until(condition: Callable[[], object], seconds: float = 300) -> object:
    """The condition's first truthy value, polled every few seconds (None on timeout)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(3)
    return None


@pytest.fixture
def stack_on_postgres(isolated_settings: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """The local stack with Concord's database on PostgreSQL and two workers."""
    from sqlalchemy import text

    from deployments.cli import DEFAULT_REFERENCE, load_file, migrate_quietly
    from models.core.db import get_engine
    from tests.conftest import PG_URL
    from tests.support.postgres import drop_database

    if not PG_URL:
        pytest.fail("needs CONCORD_TEST_DATABASE_URL (./run-tests sets it)")
    monkeypatch.setenv("CONCORD_DATABASE_URL", PG_URL)
    get_settings.cache_clear()
    migrate_quietly()
    engine = get_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE assignment, outbox_message, notice, statusevent, submission, "
                "monitoring_round, answer RESTART IDENTITY CASCADE"
            )
        )
    load_file(DEFAULT_REFERENCE)
    running = Stack(
        settings=get_settings(),
        ports=Ports(free_port(), free_port(), free_port()),
        say=lambda line: None,
    )
    try:
        running.start()
        running.spawn("worker-2", running.worker_command("--name", "second-worker"))
        yield running
    finally:
        running.stop()
        if prefect_url := running.prefect_database().get("PREFECT_SERVER_DATABASE_CONNECTION_URL"):
            drop_database(prefect_url)  # the one the stack created, never one the environment names
        with engine.begin() as conn:
            conn.execute(
                text(
                    "TRUNCATE assignment, outbox_message, notice, statusevent, "
                    "submission, monitoring_round, answer, institution, strategy, body "
                    "RESTART IDENTITY CASCADE"
                )
            )


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_share_the_work_without_doing_anything_twice(stack_on_postgres: Stack) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlmodel import Session, func, select

    from models.core.db import get_engine, make_engine
    from models.lifecycle.tables import Assignment
    from models.messaging.outbox import OutboxMessage
    from portal.mailbox import read_mail

    stack = stack_on_postgres
    api = PrefectApi(stack.api_url)
    deployments = api.deployments()
    round_parameters = {
        "period": "2026-S2",
        "due_date": "2027-01-22",
        "now": "2027-01-05T08:00:00+02:00",
    }
    rounds = [api.start(deployments["monitoring-round"], round_parameters) for _ in range(2)]
    assert set(api.wait(rounds).values()) == {"COMPLETED"}
    sweep_parameters = {"now": "2027-01-15T08:00:00+02:00"}
    sweeps = [api.start(deployments["daily-sweep"], sweep_parameters) for _ in range(2)]
    assert set(api.wait(sweeps).values()) == {"COMPLETED"}
    logs = " ".join(
        (stack.var_dir / "logs" / f"{w}.log").read_text() for w in ("worker", "worker-2")
    )
    assert all(run in logs for run in rounds + sweeps), "every run was taken by one of the workers"
    with Session(get_engine(stack.settings.resolved_database_url())) as session:
        assignments = session.exec(select(func.count()).select_from(Assignment)).one()
        keys = session.exec(select(OutboxMessage.key)).all()
        sent = session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "sent")
        ).one()
    assert assignments > 100
    assert len(keys) == len(set(keys)) and sent == len(keys)
    prefect = make_url(stack.prefect_database()["PREFECT_SERVER_DATABASE_CONNECTION_URL"])
    prefect_engine = make_engine(str(prefect.set(drivername="postgresql+psycopg")))
    with prefect_engine.connect() as connection:
        kept = set(connection.execute(text("SELECT CAST(id AS text) FROM flow_run")).scalars())
    prefect_engine.dispose()
    assert set(rounds + sweeps) <= kept, "Prefect keeps its runs beside Concord's database"
    mail = [read_mail(path) for path in (stack.var_dir / "mail").glob("*.eml")]
    message_ids = [m["Message-ID"] for m in mail]
    assert len(message_ids) == len(set(message_ids)) == sent
    kinds = {m["X-Concord-Kind"] for m in mail}
    # the sweep also asks the institutions whose turn of the year it is to confirm contacts
    assert (
        {"round-opened", "daily-digest"}
        <= kinds
        <= {"round-opened", "daily-digest", "assignment-created"}
    )
    processes = [p for _, p in stack.processes]
    stack.stop()
    assert len(processes) >= 4 and all(p.poll() is not None for p in processes)


@pytest.mark.slow
def test_a_failed_run_alerts_the_coordinator_through_an_automation(stack: Stack) -> None:
    api = PrefectApi(stack.api_url)
    automations = api.call("POST", "/automations/filter", {"limit": 10})
    assert [a["name"] for a in automations] == ["concord: a run failed"]
    deployment = api.deployments()["monitoring-round"]
    failing = api.start(deployment, {"strategy": "NO-SUCH-STRATEGY"})
    assert api.wait([failing]) == {failing: "FAILED"}
    name = api.run(failing)["name"]

    def alerts() -> list:
        caught = list_mail(stack.var_dir / "mail", limit=10_000)
        return [m for m in caught if m.kind == "operations-alert" and name in m.subject]

    [alert] = wait_until(alerts) or []
    assert alert.to == "secretariat@coordination.example"
    assert alert.subject.startswith("Concord necesită atenție: Rularea „monitoring")
