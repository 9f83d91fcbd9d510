"""Throwaway PostgreSQL databases for tests: `python -m tests.support.postgres create|drop URL`."""

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


def create_database(prefix: str = "concord_test") -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server_url()).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop the database named in `url`, closing its sessions first."""
    name = make_url(url).database
    with _admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def main(argv: list[str]) -> int:
    """Create (prints the URL) or drop a throwaway database."""
    if argv[:1] == ["create"]:
        print(create_database())
        return 0
    if len(argv) == 2 and argv[0] == "drop":
        drop_database(argv[1])
        return 0
    print("usage: python -m tests.support.postgres create | drop URL", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
