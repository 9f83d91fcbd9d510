"""The shared-server layout: Prefect's server on PostgreSQL with Redis messaging, Concord on
PostgreSQL, three workers; an EU-size round and the other duties at once, on a busy machine."""

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from bench.sizes import SIZES, STRATEGY, reference_document
from deployments.prefect_api import PrefectApi
from deployments.shared_stack import SharedStack
from deployments.stack import Ports
from models.core.db import get_engine, make_engine
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment, Notice
from models.messaging.outbox import OutboxMessage
from models.reference.loader import load_reference
from tests.deployments.test_cli import concord
from tests.deployments.test_stack import SIENA, registered
from tests.support.postgres import create_database, drop_database
from tests.support.servers import SmtpServer, free_port

WORKERS = 3
EU = SIZES["eu"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def second_suite(tmp_path: Path) -> Iterator[None]:
    """Another test suite running beside this test, over and over, on its own SQLite files."""
    # a suite of its own: not on this run's databases, nor one of its xdist workers
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONCORD_", "PYTEST_"))}
    suite = f"{sys.executable} -m pytest -q -p no:cacheprovider --basetemp={tmp_path / 'load'}"
    process = subprocess.Popen(
        ["bash", "-c", f"while true; do {suite} tests/models/core tests/models/lifecycle; done"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _load_mechanism() -> None:
    """Romania's reference data and, beside it, a synthetic EU-size strategy."""
    from deployments.cli import DEFAULT_REFERENCE, load_file, migrate_quietly

    migrate_quietly()
    load_file(DEFAULT_REFERENCE)
    doc, _ = reference_document(EU)
    engine = get_engine(get_settings().resolved_database_url())
    with Session(engine) as session:
        load_reference(session=session, doc=doc, source="eu-size", now=datetime.now(UTC))
        session.commit()


@pytest.fixture
def shared_layout(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer
) -> Iterator[SharedStack]:
    """`concord up --shared --workers 3` on a database of its own, mail to a loopback server."""
    url = create_database("concord_shared")
    monkeypatch.setenv("CONCORD_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    running = SharedStack(
        settings=get_settings(),
        ports=Ports(free_port(), free_port(), free_port()),
        say=lambda line: None,
        workers=WORKERS,
    )
    try:
        _load_mechanism()
        running.start()
        yield running
    finally:
        running.stop()
        get_engine(url).dispose()
        get_engine.cache_clear()
        if prefect := running.prefect_database().get("PREFECT_SERVER_DATABASE_CONNECTION_URL"):
            drop_database(prefect)
        drop_database(url)


def _start_everything(api: PrefectApi, stack: SharedStack) -> dict[str, str]:
    """The EU round twice, a national round, a meeting cycle and a cooperation request."""
    deployments = api.deployments()
    start = "2027-01-05T08:00:00+02:00"
    eu = {"strategy": STRATEGY, "period": "2026-S2", "due_date": "2027-03-31", "now": start}
    national = {"period": "2026-S2", "due_date": "2027-01-22", "now": start}
    request = registered(stack, "requests", "register", *SIENA)
    return {
        "eu round": api.start(deployments["monitoring-round"], eu),
        "eu round again": api.start(deployments["monitoring-round"], eu),
        "national round": api.start(deployments["monitoring-round"], national),
        "meeting": api.start(deployments["committee-meeting-cycle"], {"body": "CM-SNITP"}),
        "request": api.start(deployments["cross-border-request"], {"reference": request}),
    }


def _sweep(api: PrefectApi) -> dict[str, str]:
    """Two daily sweeps and an urgent one at once, on the day the national round reminds."""
    deployments = api.deployments()
    day = {"now": "2027-01-15T08:00:00+02:00"}
    return {
        "daily sweep": api.start(deployments["daily-sweep"], day),
        "daily sweep again": api.start(deployments["daily-sweep"], day),
        "urgent sweep": api.start(deployments["urgent-sweep"], day),
    }


def _workers_of(stack: SharedStack, runs: list[str]) -> Counter[str]:
    """How many workers' logs name each run (one each when nothing was taken twice)."""
    logs = list((stack.var_dir / "logs").glob("worker*.log"))
    assert len(logs) == WORKERS
    texts = [log.read_text(errors="replace") for log in logs]
    return Counter({run: sum(_took(text, run) for text in texts) for run in runs})


def _took(log: str, run: str) -> bool:
    """Whether a worker's log shows it ran the flow run (not one it was refused)."""
    return (
        f"submitting flow run '{run}'" in log
        and f"Aborted submission of flow run '{run}'" not in log
    )


def _errors_in_logs(stack: SharedStack) -> str:
    """The lines of the workers' logs that tell why a run failed."""
    lines = [
        f"{log.name}: {line}"
        for log in sorted((stack.var_dir / "logs").glob("worker*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if "Error" in line or "rror:" in line or "Crash" in line
    ]
    return "\n".join(lines[-40:])


def _prefect_runs_in(stack: SharedStack, states: tuple[str, ...]) -> list[str]:
    """Names of every flow run in Prefect's PostgreSQL database in one of `states`."""
    url = make_url(stack.prefect_database()["PREFECT_SERVER_DATABASE_CONNECTION_URL"])
    engine = make_engine(url.set(drivername="postgresql+psycopg").render_as_string(False))
    with engine.connect() as connection:
        query = text("SELECT name FROM flow_run WHERE state_type::text = ANY(:states)")
        names = list(connection.execute(query, {"states": list(states)}).scalars())
    engine.dispose()
    return names


@pytest.mark.slow
@pytest.mark.postgres
def test_three_workers_share_an_eu_round_the_sweeps_a_meeting_and_a_request_once_each(
    shared_layout: SharedStack, smtp_server: SmtpServer, second_suite: None
) -> None:
    stack = shared_layout
    api = PrefectApi(stack.api_url)
    runs = _start_everything(api, stack)
    states = api.wait(list(runs.values()), timeout=1800)
    runs |= _sweep(api)
    states |= api.wait(list(runs.values()), timeout=900)

    by_name = {name: states[run] for name, run in runs.items()}
    assert by_name.pop("meeting") == "PAUSED", "the meeting cycle waits for its minutes"
    assert by_name == dict.fromkeys(by_name, "COMPLETED"), _errors_in_logs(stack)
    assert _prefect_runs_in(stack, ("CRASHED", "FAILED")) == []
    assert set(_workers_of(stack, list(runs.values())).values()) == {1}, "one worker per run"

    engine = get_engine(stack.settings.resolved_database_url())
    with Session(engine) as session:
        eu_reports = session.exec(
            select(func.count())
            .select_from(Assignment)
            .where(col(Assignment.key).startswith(f"report:{STRATEGY}:"))
        ).one()
        outbox = session.exec(select(OutboxMessage.key, OutboxMessage.state)).all()
        notices = session.exec(select(func.count()).select_from(Notice)).one()
    assert eu_reports == EU.measures * EU.responsible, "every EU report, once"
    assert {state for _, state in outbox} == {"sent"}, "nothing left queued or dead"
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(received) == len(outbox), "every email left"
    twice = sorted(key for key, count in received.items() if count > 1)
    assert twice == [], f"{len(twice)} emails sent twice, e.g. {twice[:3]}: no worker crashed"
    kinds = Counter(m["X-Concord-Kind"] for m in smtp_server.messages)
    assert kinds["round-opened"] >= EU.institutions and kinds["daily-digest"] > 0
    assert kinds["agenda-call"] > 0 and notices > 0


def test_the_shared_layout_refuses_concord_on_sqlite_before_starting_anything(
    isolated_settings: Path,
) -> None:
    result = concord("up", "--shared", "--workers", "2", "--prefect-port", str(free_port()))
    assert result.returncode == 1
    assert "needs Concord on PostgreSQL" in result.stderr + result.stdout
    assert not (isolated_settings / "logs").exists(), "nothing was started"
