"""What the local stack tells Prefect, so that a busy machine slows its runs but crashes none."""

from pathlib import Path

import pytest
from prefect.settings import Settings as PrefectSettings

from deployments.stack import WORKER_LIMIT, Stack
from models.core.settings import Settings

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


def test_prefect_keeps_its_tables_in_a_schema_of_concords_postgresql_database(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Stack(settings=Settings(var_dir=isolated_settings, database_url=PG)).environment()
    database = prefect_settings(env, monkeypatch).server.database
    assert database.connection_url is not None
    assert database.connection_url.get_secret_value() == (
        "postgresql+asyncpg://concord:s3cret@db.example:5432/concord"
    )
    assert database.sqlalchemy.connect_args.search_path == "prefect, public"


def test_the_operators_own_prefect_settings_win(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = "postgresql+asyncpg://prefect@prefect.example/prefect"
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", elsewhere)
    monkeypatch.setenv("PREFECT_API_REQUEST_TIMEOUT", "300")
    env = Stack(settings=Settings(var_dir=isolated_settings, database_url=PG)).environment()
    assert env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == elsewhere
    assert "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH" not in env
    assert env["PREFECT_API_REQUEST_TIMEOUT"] == "300"


def test_a_worker_starts_a_few_runs_at_a_time(isolated_settings: Path) -> None:
    command = Stack(settings=Settings(var_dir=isolated_settings)).worker_command("--name", "w2")
    assert command[command.index("--limit") + 1] == str(WORKER_LIMIT)
    assert 4 <= WORKER_LIMIT < 11  # fewer than the deployments the stack test starts at once
    assert command[-2:] == ["--name", "w2"]
