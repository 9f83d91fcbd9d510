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

import httpx

from deployments.mailcatcher import start_mail_catcher
from models.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK_POOL = "concord"


class StackError(RuntimeError):
    """A part of the stack did not start; the message says which and where its log is."""


@dataclass
class Ports:
    prefect: int = 4200
    portal: int = 8600
    smtp: int = 8025


@dataclass
class Stack:
    """Child processes started in order and stopped in reverse, each in its own session."""

    settings: Settings
    ports: Ports = field(default_factory=Ports)
    say: Callable[[str], None] = print
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    mail_catcher: Any = None

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
    def catches_mail(self) -> bool:
        """True when no SMTP server is configured and the local catcher takes the mail."""
        return not self.settings.smtp_host

    def environment(self) -> dict[str, str]:
        """What every child process needs to find the same server, database and mail."""
        env = {
            **os.environ,
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
            "CONCORD_PORTAL_BASE_URL": self.portal_url,
            "CONCORD_PREFECT_UI_URL": self.ui_url,
        }
        if self.catches_mail:
            env |= {
                "CONCORD_SMTP_HOST": "127.0.0.1",
                "CONCORD_SMTP_PORT": str(self.ports.smtp),
                "CONCORD_SMTP_SECURITY": "none",
            }
        return env

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
        # The portal needs only the database: it starts while Prefect does.
        self.say("starting the portal...")
        self.spawn("portal", [str(BIN / "concord"), "portal", "--port", str(self.ports.portal)])
        self.say("starting the Prefect server...")
        self.start_prefect_server()
        self.say("registering the work pool and the deployments from prefect.yaml...")
        self.create_work_pool()
        self.say("starting a worker...")  # it polls the pool while the deployments register
        self.spawn("worker", [str(BIN / "prefect"), "worker", "start", "--pool", WORK_POOL])
        self.run("deploy", [str(BIN / "prefect"), "--no-prompt", "deploy", "--all"])
        self.run("automations", [str(BIN / "concord"), "automations"])
        self.wait_for(f"{self.portal_url}/healthz", "portal", timeout=60)

    def start_prefect_server(self) -> None:
        """Start the Prefect server on its port and wait until it answers."""
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
        self.wait_for(f"{self.api_url}/health", "prefect-server", timeout=90)

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
            timeout=300,
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
                if httpx.get(url, timeout=2).status_code == 200:
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


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
