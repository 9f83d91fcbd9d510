"""Shared fixtures: isolated settings, and migrated databases on SQLite and PostgreSQL."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.db import get_engine, make_engine
from models.core.migrate import upgrade
from models.core.settings import get_settings
from models.schema import METADATA
from tests.support.postgres import create_worker_database, drop_database
from tests.support.servers import SmtpServer, WebhookReceiver

# No verdict may depend on the draw, in CI or in a fresh clone's ./run-tests: every property
# test draws the same examples on every run, and what a draw ever found is kept as an
# explicit @example. CONCORD_TEST_EXPLORE=1 draws afresh (and replays what the local example
# database remembers) to look for new failures; keep each one found as an @example.
hypothesis_settings.register_profile("fixed", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(
    "explore" if os.environ.get("CONCORD_TEST_EXPLORE") == "1" else "fixed"
)

pytest_plugins = ["tests.support.scheduling"]  # --serial-tests, and the order on xdist workers

PG_URL = os.environ.get("CONCORD_TEST_DATABASE_URL")
ENGINES = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
PREFECT_HOME = ""  # the session's own, made at its start


def xdist_worker_id(config: pytest.Config) -> str:
    """The id ("gw0", ...) of the pytest-xdist worker this session is, or "" when none."""
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else ""


def pytest_configure(config: pytest.Config) -> None:
    """No terminal size; on an xdist worker, a PostgreSQL database and a Prefect home of its own.

    The throwaway database keeps its name for a serial run; each worker creates
    `<name>_<worker>` at its start and drops it at its end, and points
    CONCORD_TEST_DATABASE_URL (which its subprocesses inherit) at it.
    """
    global PG_URL, PREFECT_HOME
    worker = xdist_worker_id(config)
    if PG_URL and worker:
        PG_URL = create_worker_database(PG_URL, worker)
        os.environ["CONCORD_TEST_DATABASE_URL"] = PG_URL
    if worker:
        # Prefect keeps its memo of registered blocks and its task results in its home, by
        # default ~/.prefect for every worker: each gets one of its own (set before anything
        # imports Prefect, which reads it then; the worker's subprocesses inherit it).
        PREFECT_HOME = tempfile.mkdtemp(prefix=f"concord-test-prefect-{worker}-")
        os.environ["PREFECT_HOME"] = PREFECT_HOME
    # A COLUMNS in the environment (a developer's, or readline's: an xdist worker imports it
    # with pdb, and it writes the terminal's size to COLUMNS and LINES) fixes the CLI's
    # console width when the console is made, at import; the tests give each run its own.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)


def pytest_unconfigure(config: pytest.Config) -> None:
    """On an xdist worker: drop its own database, and remove its Prefect home."""
    if PG_URL and xdist_worker_id(config):
        drop_database(PG_URL)
    if PREFECT_HOME:
        shutil.rmtree(PREFECT_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Give every test its own working folder and no stray CONCORD_* variables."""
    for name in list(os.environ):
        if name.startswith("CONCORD_") and not name.startswith("CONCORD_TEST_"):
            monkeypatch.delenv(name)
    var_dir = tmp_path / "var"
    monkeypatch.setenv("CONCORD_VAR_DIR", str(var_dir))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield var_dir
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test instead of migrating every time."""
    path = tmp_path_factory.mktemp("template") / "concord.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """The PostgreSQL test database, migrated once per session."""
    if not PG_URL:
        raise RuntimeError("CONCORD_TEST_DATABASE_URL is not set")
    engine = make_engine(PG_URL)
    upgrade(engine)
    yield engine
    engine.dispose()


def truncate_all(engine: Engine) -> None:
    """Empty every Concord table on PostgreSQL, restarting identities."""
    names = ", ".join(f'"{t.name}"' for t in METADATA.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=ENGINES)
def engine(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Engine]:
    """A migrated, empty database on each engine under test; the settings point at it."""
    if request.param == "sqlite":
        path = tmp_path / "concord.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        db_engine = make_engine(url)
        monkeypatch.setenv("CONCORD_DATABASE_URL", url)
        yield db_engine
        db_engine.dispose()
        return
    db_engine = request.getfixturevalue("postgres_engine")
    assert PG_URL is not None
    monkeypatch.setenv("CONCORD_DATABASE_URL", PG_URL)
    truncate_all(db_engine)
    yield db_engine
    truncate_all(db_engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database (the test commits what it wants kept)."""
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture
def smtp_server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback; the settings send to it (its options as indirect param)."""
    server = SmtpServer(options=getattr(request, "param", {}))
    server.start()
    monkeypatch.setenv("CONCORD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONCORD_SMTP_PORT", str(server.port))
    get_settings.cache_clear()
    yield server
    server.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A real HTTP server on loopback that records webhook POSTs."""
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
