"""What the local stack tells Prefect, so that a busy machine slows its runs but crashes none."""

import secrets
from pathlib import Path

import psycopg
import pytest
from prefect.settings import Settings as PrefectSettings
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from deployments.stack import WORKER_LIMIT, Stack, StackError
from models.core.db import make_engine
from models.core.settings import Settings
from tests.conftest import PG_URL
from tests.support.postgres import drop_database, server_url

PG = "postgresql+psycopg://concord:s3cret@db.example:5432/concord"


def prefect_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> PrefectSettings:
    """Prefect's settings as a child process started with `env` reads them."""
    for name, value in env.items():
        if name.startswith("PREFECT_"):
            monkeypatch.setenv(name, value)
    return PrefectSettings()


def test_prefect_waits_out_a_slow_moment_instead_of_crashing_a_run(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Stack(settings=Settings(var_dir=isolated_settings)).environment()
    prefect = prefect_settings(env, monkeypatch)
    assert prefect.server.database.timeout == 60
    assert prefect.server.database.connection_timeout == 60
    assert prefect.server.database.sqlalchemy.pool_timeout == 60
    assert prefect.server.api.websocket_ping_timeout >= 60
    assert prefect.api.request_timeout >= 120
    assert sum(2**n for n in range(1, prefect.client.max_retries + 1)) > 4 * 60  # of 503s
    assert prefect.server.database.connection_url is not None
    assert prefect.server.database.connection_url.get_secret_value().startswith(
        f"sqlite+aiosqlite:///{isolated_settings.resolve() / 'prefect'}"
    )


def test_prefect_keeps_its_runs_in_a_database_beside_concords_postgresql_one(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Stack(settings=Settings(var_dir=isolated_settings, database_url=PG)).environment()
    database = prefect_settings(env, monkeypatch).server.database
    assert database.connection_url is not None
    assert database.connection_url.get_secret_value() == (
        "postgresql+asyncpg://concord:s3cret@db.example:5432/concord_prefect"
    )


@pytest.mark.postgres
def test_the_stack_creates_prefects_database_once_and_names_it_when_refused(
    isolated_settings: Path,
) -> None:
    if not PG_URL:
        pytest.fail("needs CONCORD_TEST_DATABASE_URL (./run-tests sets it)")
    stack = Stack(settings=Settings(var_dir=isolated_settings, database_url=PG_URL))
    prefect_url = stack.prefect_database()["PREFECT_SERVER_DATABASE_CONNECTION_URL"]
    try:
        stack.create_prefect_database()
        stack.create_prefect_database()  # a second `concord up` finds it
        engine = make_engine(str(make_url(prefect_url).set(drivername="postgresql+psycopg")))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        engine.dispose()
        drop_database(prefect_url)
        guest = f"concord_guest_{secrets.token_hex(3)}"
        with psycopg.connect(server_url(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(sql.Identifier(guest)))
        try:
            as_guest = str(make_url(PG_URL).set(username=guest))
            stranger = Stack(settings=Settings(var_dir=isolated_settings, database_url=as_guest))
            with pytest.raises(StackError, match=f"{make_url(prefect_url).database} could not"):
                stranger.create_prefect_database()
        finally:
            with psycopg.connect(server_url(), autocommit=True) as admin:
                admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(guest)))
    finally:
        drop_database(prefect_url)


def test_the_operators_own_prefect_settings_win(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = "postgresql+asyncpg://prefect@prefect.example/prefect"
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", elsewhere)
    monkeypatch.setenv("PREFECT_API_REQUEST_TIMEOUT", "300")
    env = Stack(settings=Settings(var_dir=isolated_settings, database_url=PG)).environment()
    assert env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == elsewhere
    assert env["PREFECT_API_REQUEST_TIMEOUT"] == "300"


def test_a_worker_starts_a_few_runs_at_a_time(isolated_settings: Path) -> None:
    command = Stack(settings=Settings(var_dir=isolated_settings)).worker_command("--name", "w2")
    assert command[command.index("--limit") + 1] == str(WORKER_LIMIT)
    assert 4 <= WORKER_LIMIT < 11  # fewer than the deployments the stack test starts at once
    assert command[-2:] == ["--name", "w2"]
