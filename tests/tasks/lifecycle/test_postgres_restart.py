"""PostgreSQL restarted in the middle of a sweep: the next run completes it, nothing twice."""

import glob
import logging
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.core.db import get_engine, make_engine
from models.core.migrate import upgrade
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment, Notice
from models.messaging.outbox import OutboxMessage, message_id_for
from tests.support.factories import make_institution
from tests.support.progress import await_progress
from tests.support.servers import SmtpServer, free_port

ZONE = ZoneInfo("Europe/Bucharest")
NOW = datetime(2026, 4, 14, 8, tzinfo=ZONE)
DUE = 6000
CHUNK = 500  # advance_due_assignments commits this many at a time
SWEEP = f"""
import logging
from datetime import datetime
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.settings import get_settings
from tasks.lifecycle.advance import advance_due_assignments
from tasks.lifecycle.bundle import bundle_notices
from tasks.messaging.outbox import deliver_due_messages
now, log = datetime.fromisoformat("{NOW.isoformat()}"), logging.getLogger("sweep")
calendar, engine = WorkingCalendar(zone=now.tzinfo), get_engine()
print("ready", flush=True)
advance_due_assignments(engine=engine, now=now, calendar=calendar, urgent_only=False, run_id=None)
bundle_notices(engine=engine, now=now, settings=get_settings(), calendar=calendar, logger=log)
deliver_due_messages(now=now, batch_size=50, max_batches=1000, logger=log)
"""


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    assert found, "PostgreSQL's server binaries are not installed"
    return Path(found[-1]).parent


class Cluster:
    """A throwaway PostgreSQL cluster of our own, which the test may restart at will."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port, self.bin = folder, free_port(), postgres_bin()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        command = [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w", *args]
        if args[0] in ("start", "restart"):
            command += ["-o", options, "-l", str(self.folder / "server.log")]
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, timeout=120)

    def create(self) -> None:
        self.folder.mkdir(parents=True)
        shutil.chown(self.folder, "postgres")
        initdb = [str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-A", "trust"]
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *initdb, "-U", "postgres"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.pg_ctl("start")


@pytest.fixture
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = Path(f"/tmp/concord-pg-{os.getpid()}-{free_port()}")  # short: a socket lives here
    started = Cluster(folder)
    started.create()
    try:
        yield started
    finally:
        started.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


def reminders_committed(engine: Engine) -> int:
    """How many assignments a sweep has reminded and committed so far."""
    with Session(engine) as session:
        return session.exec(select(func.count()).where(Assignment.reminders_sent == 1)).one()


def due_assignments(session: Session, count: int) -> None:
    owners = [make_institution(session, f"B{n}").id for n in range(60)]
    rows = [
        {
            "key": f"k{n}", "kind": "monitoring-report", "institution_id": owners[n % 60],
            "subject_type": "measure", "subject_ref": str(n), "title": f"Raport {n}",
            "due_at": NOW + timedelta(days=1), "urgent": False, "status": "open",
            "next_action_at": NOW - timedelta(hours=1), "reminders_sent": 0,
            "escalation_level": 0, "created_at": NOW, "updated_at": NOW,
        }
        for n in range(count)
    ]  # fmt: skip
    session.execute(insert(Assignment), rows)
    session.commit()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.serial  # restarts a cluster: its port is free until it is back
def test_a_sweep_cut_by_a_postgres_restart_is_completed_by_the_next_run(
    isolated_settings: Path,
    cluster: Cluster,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONCORD_DATABASE_URL", cluster.url)
    get_settings.cache_clear()
    engine = make_engine(cluster.url)
    upgrade(engine)
    with Session(engine) as session:
        due_assignments(session, DUE)
    cut = subprocess.Popen(
        [sys.executable, "-c", SWEEP], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert cut.stdout is not None and cut.stdout.readline().strip() == b"ready"
    await_progress(
        cut, lambda: reminders_committed(engine) >= CHUNK, "the sweep's first chunk", poll=0.01
    )
    engine.dispose()  # the watcher's connection goes before the server does
    cluster.pg_ctl("restart", "-m", "fast")
    cut.wait(300)
    assert cut.returncode != 0, "the restart came after the sweep: nothing was cut"
    assert cut.stderr is not None
    error = [line for line in cut.stderr.read().decode().splitlines() if "Error" in line]
    logging.getLogger("test").info("the sweep was cut by: %s", error[-1] if error else "?")
    get_engine.cache_clear()
    completed = subprocess.run([sys.executable, "-c", SWEEP], capture_output=True, timeout=600)
    assert completed.returncode == 0, completed.stderr.decode()[-3000:]

    with Session(engine) as session:
        reminded = session.exec(select(func.count()).where(Assignment.reminders_sent == 1)).one()
        notices = session.exec(select(func.count()).select_from(Notice)).one()
        outbox = session.exec(select(OutboxMessage.key, OutboxMessage.state)).all()
    assert reminded == DUE and notices == DUE, (reminded, notices)
    assert {state for _, state in outbox} == {"sent"} and len(outbox) >= 60
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    domain = get_settings().sender_domain
    assert set(received) == {message_id_for(key, domain) for key, _ in outbox}
    assert sum(received.values()) - len(received) <= 1  # at most the one in flight
    engine.dispose()
