"""Where the benchmark runs: throwaway databases, a counting SMTP server, the machine."""

import multiprocessing
import os
import platform
import secrets
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import Engine, make_url

from models.core.db import get_engine
from models.core.migrate import upgrade
from models.core.settings import get_settings

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    """A loopback port nobody holds right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Counter:
    """aiosmtpd handler that only counts what it receives."""

    def __init__(self, count: "Synchronized[int]") -> None:
        self.count = count

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve(port: int, count: "Synchronized[int]") -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Counter(count), hostname="127.0.0.1", port=port)
    controller.start()
    while True:
        time.sleep(3600)


class SmtpSink:
    """A loopback SMTP server in a process of its own (as a real server would be)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self._count: Synchronized[int] = context.Value("l", 0)
        self._process = context.Process(target=_serve, args=(self.port, self._count), daemon=True)

    @property
    def received(self) -> int:
        return int(self._count.value)

    def __enter__(self) -> "SmtpSink":
        self._process.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the benchmark's SMTP server did not start on port {self.port}")

    def __exit__(self, *exc: object) -> None:
        self._process.kill()
        self._process.join()


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A throwaway database on the server, dropped afterwards."""
    name = f"concord_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server_url).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        get_engine.cache_clear()
        drop_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    """Drop a database on the server, closing its sessions first."""
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def use_database(url: str, workdir: Path, smtp_port: int) -> Engine:
    """Point Concord's settings at `url` and the sink, and bring the schema up to date."""
    os.environ.update(
        CONCORD_DATABASE_URL=url,
        CONCORD_VAR_DIR=str(workdir),
        CONCORD_SMTP_HOST="127.0.0.1",
        CONCORD_SMTP_PORT=str(smtp_port),
    )
    get_settings.cache_clear()
    get_engine.cache_clear()
    engine = get_engine(url)
    upgrade(engine)
    return engine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return round(pages / 2**30, 1)


def machine(postgres_server: str | None) -> dict[str, Any]:
    """What the figures were measured on."""
    import prefect

    described: dict[str, Any] = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "prefect": prefect.__version__,
    }
    if postgres_server is not None:
        with psycopg.connect(postgres_server, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            described["postgresql"] = row[0] if row else None
    return described
