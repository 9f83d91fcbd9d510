"""A seventh duty, shipped in tests/toy_duty, installed by one line: no engine file changes.

Every step runs in processes of its own, as an operator's would, so what the engine builds
from the installed duties (schema, portal page, sweep, command line, coordinator's view)
is built afresh from CONCORD_EXTRA_DUTIES.
"""

import json
import os
import subprocess
import sys
import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from prefect.settings import get_current_settings
from sqlalchemy import inspect, text
from sqlmodel import Session

from models.core.calendar import WorkingCalendar
from models.core.db import make_engine
from models.core.settings import Settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import assignment_link
from tests.support.factories import make_assignment, make_institution
from tests.support.servers import SmtpServer, free_port

INSTALL = json.dumps(["tests.toy_duty.duty:DUTY"])  # the one line that installs the duty
PASSWORD = "toy-coordinator-password"
TITLE = "Stocul de pliante înainte de campania de primăvară"


class Inputs(HTMLParser):
    """The (name, value) of every input of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name"):
            self.inputs.append((found["name"] or "", found.get("value") or ""))


@pytest.fixture
def installed(tmp_path: Path, smtp_server: SmtpServer) -> dict[str, str]:
    """The environment of a Concord with the toy duty installed, on a database of its own."""
    database = f"sqlite:///{tmp_path / 'toy.db'}"
    env = {
        "CONCORD_EXTRA_DUTIES": INSTALL,
        "CONCORD_DATABASE_URL": database,
        "CONCORD_VAR_DIR": str(tmp_path / "var"),
        "CONCORD_COORDINATOR_PASSWORD": PASSWORD,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    return {**os.environ, **env}


def concord(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "deployments.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def portal(installed: dict[str, str]) -> Iterator[str]:
    """`concord portal` serving the installation, on a port of its own."""
    port = free_port()
    served = subprocess.Popen(
        [sys.executable, "-m", "deployments.cli", "portal", "--port", str(port)],
        env=installed,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = clock.monotonic() + 300  # a busy machine starts it slowly, never not at all
    while clock.monotonic() < deadline and served.poll() is None:
        try:
            httpx.get(f"{url}/healthz", timeout=10)
            break
        except httpx.TransportError:
            clock.sleep(0.2)
    else:
        raise AssertionError(f"the portal did not answer (exit code {served.poll()})")
    yield url
    served.terminate()
    served.wait(30)


def settings_of(env: dict[str, str]) -> Settings:
    """The installation's settings, read as its processes read them."""
    names = ("CONCORD_VAR_DIR", "CONCORD_DATABASE_URL")
    return Settings(var_dir=Path(env[names[0]]), database_url=env[names[1]])


def next_working_morning(now: datetime) -> datetime:
    """09:00 in Bucharest on the first working day after `now`, when the daily sweep runs."""
    calendar = WorkingCalendar(zone=ZoneInfo("Europe/Bucharest"))
    day = calendar.next_working_day(calendar.local_date(now) + timedelta(days=1))
    return datetime.combine(day, time(9), tzinfo=calendar.zone)


def leaflet_count(session: Session, due_at: datetime) -> Assignment:
    institution = make_institution(session, "ANITP-IS")
    return make_assignment(
        session,
        institution,
        key="leaflets:ANITP-IS",
        kind="leaflet-count",
        due_at=due_at,
        title=TITLE,
    )


def test_a_seventh_duty_installed_by_one_line_runs_end_to_end(
    prefect_api: None, installed: dict[str, str], smtp_server: SmtpServer, portal: str
) -> None:
    assert "leaflets" in concord(installed, "--help")
    engine = make_engine(installed["CONCORD_DATABASE_URL"])  # migrated by `concord portal`
    assert "toy_leaflet_count" in inspect(engine).get_table_names()
    now = datetime.now(UTC)
    sweep_at = next_working_morning(now)
    with Session(engine, expire_on_commit=False) as session:
        step = leaflet_count(session, due_at=sweep_at + timedelta(days=1))
        step.next_action_at = sweep_at - timedelta(minutes=1)
        session.add(step)
        session.commit()

    sweep = f"from flows.daily_sweep import daily_sweep as s; s(now='{sweep_at.isoformat()}')"
    done = subprocess.run([sys.executable, "-c", sweep], env=installed, timeout=300)
    assert done.returncode == 0
    bodies = [m.get_body(("plain",)).get_content() for m in smtp_server.messages]
    assert len(bodies) == 1 and TITLE in bodies[0], bodies
    assert "Numărătoare de pliante, termen" in bodies[0]  # the kind's own name, in Romanian

    settings = settings_of(installed)
    link = assignment_link(
        assignment_id=step.id or 0,
        institution_id=step.institution_id,
        due_at=step.due_at,
        now=now,
        settings=settings,
        version=step.link_version,
    ).removeprefix(settings.portal_base_url)
    page = httpx.get(f"{portal}{link}", timeout=30)
    assert page.status_code == 200 and "Plenty left" in page.text
    inputs = Inputs()
    inputs.feed(page.text)
    assert ("state", "plenty") in inputs.inputs and ("state", "running-low") in inputs.inputs
    token = dict(inputs.inputs)["csrf"]
    answer = {"state": "running-low", "boxes": "3", "csrf": token}
    answered = httpx.post(f"{portal}{link}", data=answer, timeout=30)
    assert answered.status_code == 200 and "Răspunsul a fost înregistrat" in answered.text
    with Session(engine) as session:  # by name: its class would join this process's metadata
        counts = session.execute(text("SELECT state, boxes FROM toy_leaflet_count")).all()
    assert [tuple(row) for row in counts] == [("running-low", 3)]

    assert "counts: 1" in concord(installed, "leaflets")
    view = httpx.get(f"{portal}/coordinator", auth=("coordinator", PASSWORD), timeout=30)
    assert view.status_code == 200 and "Leaflet stock" in view.text
