"""Throwaway PostgreSQL databases for tests: `python -m tests.support.postgres create|drop URL`.

Under `pytest -n N` each worker runs on a database of its own named after the throwaway one
(`<name>_gw0`, `<name>_gw1`, ...), and every database a test creates carries the worker's
name too, so no worker ever empties or drops another's tables.
"""

import os
import secrets
import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """The maintenance database URL on the test server."""
    return os.environ.get("CONCORD_TEST_POSTGRES_SERVER", DEFAULT_SERVER)


def _admin_connection() -> psycopg.Connection:
    return psycopg.connect(server_url(), autocommit=True, connect_timeout=5)


def xdist_worker() -> str:
    """The pytest-xdist worker this process runs tests for ("gw0", ...), or "" when none."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def create_database(prefix: str = "concord_test") -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    worker = xdist_worker()
    name = (
        f"{prefix}_{worker}_{secrets.token_hex(4)}"
        if worker
        else f"{prefix}_{secrets.token_hex(4)}"
    )
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server_url()).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def worker_database_url(url: str, worker: str) -> str:
    """The URL of `worker`'s own database beside the one `url` names: `<name>_<worker>`."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def create_worker_database(url: str, worker: str) -> str:
    """Create `worker`'s database beside `url`'s afresh (dropping a leftover); return its URL."""
    worker_url = worker_database_url(url, worker)
    drop_database(worker_url)
    name = str(make_url(worker_url).database)
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return worker_url


def drop_database(url: str) -> None:
    """Drop the database named in `url`, closing its sessions first."""
    name = make_url(url).database
    with _admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def drop_with_workers(url: str) -> None:
    """Drop the database named in `url` and the workers' databases beside it (`<name>_gw*`)."""
    name = make_url(url).database
    assert name is not None
    pattern = name.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "\\_gw%"
    with _admin_connection() as conn:
        query = "SELECT datname FROM pg_database WHERE datname LIKE %s"
        beside = [row[0] for row in conn.execute(query, (pattern,))]
    for database in beside:
        drop_database(make_url(url).set(database=database).render_as_string(hide_password=False))
    drop_database(url)


def main(argv: list[str]) -> int:
    """Create (prints the URL) or drop a throwaway database (with its workers' databases)."""
    if argv[:1] == ["create"]:
        print(create_database())
        return 0
    if len(argv) == 2 and argv[0] == "drop":
        drop_with_workers(argv[1])
        return 0
    print("usage: python -m tests.support.postgres create | drop URL", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
