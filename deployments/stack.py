"""The local stack of `concord up`: Prefect server, deployments, worker, portal, mail catcher."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from deployments.lmtp import LmtpListener
from deployments.mailcatcher import start_mail_catcher
from models.core.db import make_engine
from models.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK_POOL = "concord"
# Runs one worker starts at once: eleven flow processes starting together on two cores
# starved the server until a run's event stream timed out and the worker marked it CRASHED.
WORKER_LIMIT = max(4, 2 * (os.cpu_count() or 1))
# A busy machine makes Prefect slow, not wrong. Its defaults (a 10 s statement timeout, 5 s
# to connect, five retries of a 503 within a minute, a 20 s websocket ping) turn a slow
# moment, such as SQLite's "database is locked", into a CRASHED run; these wait it out.
PATIENT_PREFECT = {
    "PREFECT_SERVER_DATABASE_TIMEOUT": "60",
    "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "60",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT": "60",
    "PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT": "120",
    "PREFECT_API_REQUEST_TIMEOUT": "120",
    "PREFECT_CLIENT_MAX_RETRIES": "7",  # 2, 4, ... 128 s apart: over four minutes of 503s
}


class StackError(RuntimeError):
    """A part of the stack did not start; the message says which and where its log is."""


@dataclass
class Ports:
    prefect: int = 4200
    portal: int = 8600
    smtp: int = 8025


def configured_portal_url(settings: Settings) -> str | None:
    """CONCORD_PORTAL_BASE_URL (or the .env file's) when the operator set it, else None."""
    return settings.portal_base_url if "portal_base_url" in settings.model_fields_set else None


def portal_port_of(settings: Settings, flag: int | None = None) -> int:
    """--portal-port when given, else the port CONCORD_PORTAL_BASE_URL names, else 8600."""
    configured = configured_portal_url(settings)
    named = urlsplit(configured).port if configured else None
    return flag or named or Ports.portal


@dataclass
class Stack:
    """Child processes started in order and stopped in reverse, each in its own session."""

    settings: Settings
    ports: Ports = field(default_factory=Ports)
    say: Callable[[str], None] = print
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    mail_catcher: Any = None
    lmtp: LmtpListener | None = None

    @property
    def var_dir(self) -> Path:
        return self.settings.var_dir.resolve()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.prefect}/api"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.prefect}"

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.portal}"

    @property
    def links_url(self) -> str:
        """The portal's address in emails: CONCORD_PORTAL_BASE_URL unless it names another port.

        A URL without a port is a proxy's in front of the portal, and is kept as it is.
        """
        configured = configured_portal_url(self.settings)
        if configured and urlsplit(configured).port in (None, self.ports.portal):
            return configured
        return self.portal_url

    @property
    def catches_mail(self) -> bool:
        """True when no SMTP server is configured and the local catcher takes the mail."""
        return not self.settings.smtp_host

    def environment(self) -> dict[str, str]:
        """What every child process needs to find the same server, database and mail."""
        env = {
            **PATIENT_PREFECT,  # what the operator's environment sets wins
            **os.environ,
            **self.prefect_database(),
            "PREFECT_HOME": str(self.var_dir / "prefect"),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_UI_API_URL": self.api_url,
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(self.ports.prefect),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
            "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "200",
            "PREFECT_WORKER_QUERY_SECONDS": "5",
            "CONCORD_HOME": str(ROOT),
            "CONCORD_VAR_DIR": str(self.var_dir),
            "CONCORD_DATABASE_URL": self.settings.resolved_database_url(),
            "CONCORD_PORTAL_BASE_URL": self.links_url,
            "CONCORD_PREFECT_UI_URL": self.ui_url,
        }
        if self.catches_mail:
            env |= {
                "CONCORD_SMTP_HOST": "127.0.0.1",
                "CONCORD_SMTP_PORT": str(self.ports.smtp),
                "CONCORD_SMTP_SECURITY": "none",
            }
        return env

    def prefect_database(self) -> dict[str, str]:
        """Prefect's server database: one beside Concord's when that is PostgreSQL.

        Left to Prefect (SQLite under PREFECT_HOME) when Concord is on SQLite or the
        environment already names Prefect's database.
        """
        url = make_url(self.settings.resolved_database_url())
        if url.get_backend_name() != "postgresql":
            return {}
        if os.environ.get("PREFECT_SERVER_DATABASE_CONNECTION_URL"):
            return {}
        prefect = url.set(drivername="postgresql+asyncpg", database=f"{url.database}_prefect")
        prefect_url = prefect.render_as_string(hide_password=False)
        return {"PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_url}

    def create_prefect_database(self) -> None:
        """Create Prefect's database beside Concord's unless it exists; StackError if refused."""
        wanted = self.prefect_database().get("PREFECT_SERVER_DATABASE_CONNECTION_URL")
        if wanted is None:
            return
        name = str(make_url(wanted).database)
        engine = make_engine(self.settings.resolved_database_url())
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                found = text("SELECT 1 FROM pg_database WHERE datname = :name")
                if connection.execute(found, {"name": name}).first() is None:
                    quoted = connection.dialect.identifier_preparer.quote(name)
                    connection.execute(text(f"CREATE DATABASE {quoted}"))
        except DBAPIError as refused:
            raise StackError(
                f"Prefect's database {name} could not be created beside Concord's "
                f"({type(refused.orig).__name__}); create it, or name Prefect's database in "
                "PREFECT_SERVER_DATABASE_CONNECTION_URL"
            ) from None
        finally:
            engine.dispose()

    def check_ports(self) -> None:
        """StackError naming the first port another program already listens on."""
        wanted = [("prefect-port", self.ports.prefect), ("portal-port", self.ports.portal)]
        if self.catches_mail:
            wanted.append(("smtp-port", self.ports.smtp))
        for option, port in wanted:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    raise StackError(
                        f"port {port} is already in use (another `concord up`?); stop that "
                        f"program or choose another port with --{option}"
                    ) from None

    def start(self) -> None:
        """Start every part, waiting for each to answer before the next."""
        self.check_ports()
        (self.var_dir / "logs").mkdir(parents=True, exist_ok=True)
        if self.catches_mail:
            self.say(f"mail catcher on 127.0.0.1:{self.ports.smtp} (emails kept in var/mail/)")
            self.mail_catcher = start_mail_catcher(self.var_dir / "mail", self.ports.smtp)
        if self.settings.lmtp_port:
            self.say(f"LMTP listener for replies on 127.0.0.1:{self.settings.lmtp_port}")
            self.lmtp = LmtpListener(self.settings)
            self.lmtp.start()
        # The portal needs only the database: it starts while Prefect does.
        self.say("starting the portal...")
        self.spawn("portal", [str(BIN / "concord"), "portal", "--port", str(self.ports.portal)])
        self.say("starting the Prefect server...")
        self.start_prefect_server()
        self.say("registering the work pool and the deployments from prefect.yaml...")
        self.create_work_pool()
        self.say("starting a worker...")  # it polls the pool while the deployments register
        self.spawn("worker", self.worker_command())
        self.run("deploy", [str(BIN / "prefect"), "--no-prompt", "deploy", "--all"])
        self.run("automations", [str(BIN / "concord"), "automations"])
        self.wait_for(f"{self.portal_url}/healthz", "portal", timeout=180)

    def start_prefect_server(self) -> None:
        """Start the Prefect server on its port and wait until it answers."""
        self.create_prefect_database()
        self.spawn(
            "prefect-server",
            [
                str(BIN / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports.prefect),
            ],
        )
        # its first start migrates its database: minutes on a busy machine
        self.wait_for(f"{self.api_url}/health", "prefect-server", timeout=300)

    def worker_command(self, *options: str) -> list[str]:
        """The command that starts a worker on the pool, running WORKER_LIMIT runs at most."""
        pool = ["--pool", WORK_POOL, "--limit", str(WORKER_LIMIT)]
        return [str(BIN / "prefect"), "worker", "start", *pool, *options]

    def create_work_pool(self) -> None:
        """Create the process work pool the worker polls, replacing one left from before."""
        self.run(
            "work-pool",
            [
                str(BIN / "prefect"),
                "work-pool",
                "create",
                WORK_POOL,
                "--type",
                "process",
                "--overwrite",
            ],
        )

    def spawn(self, name: str, command: list[str]) -> None:
        """Start a long-running child with its own session and a log under var/logs/.

        The child runs under `deployments.guard`, so it and what it starts die with this
        process even when this process is killed outright.
        """
        log = (self.var_dir / "logs" / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "deployments.guard", *command],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append((name, process))

    def run(self, name: str, command: list[str]) -> None:
        """Run a setup command to its end; StackError with its output if it fails."""
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        (self.var_dir / "logs" / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise StackError(f"{name} failed: {(result.stderr or result.stdout)[-2000:]}")

    def wait_for(self, url: str, name: str, timeout: float) -> None:
        """Poll `url` until it answers 200; StackError if the child dies or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if httpx.get(url, timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise StackError(
            f"{name} did not answer at {url} within {timeout:.0f} s "
            f"(see {self.var_dir / 'logs' / (name + '.log')})"
        )

    def check_alive(self) -> None:
        """StackError naming the first child that has exited."""
        for name, process in self.processes:
            if process.poll() is not None:
                raise StackError(
                    f"{name} exited with code {process.returncode} "
                    f"(see {self.var_dir / 'logs' / (name + '.log')})"
                )

    def stop(self) -> None:
        """Stop children newest first: SIGTERM to each session, then SIGKILL after 15 s."""
        for name, process in reversed(self.processes):
            if process.poll() is None:
                self.say(f"stopping {name}...")
                _signal_group(process, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)
                    process.wait(timeout=5)
        self.processes.clear()
        if self.mail_catcher is not None:
            self.mail_catcher.stop()
            self.mail_catcher = None
        if self.lmtp is not None:
            self.lmtp.stop()
            self.lmtp = None


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
