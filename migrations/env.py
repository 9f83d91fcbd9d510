"""Alembic environment: runs on the connection handed over by models.core.migrate, or on the URL."""

from alembic import context
from sqlalchemy import Connection

from models.core.db import make_engine
from models.schema import METADATA

target_metadata = METADATA


def run_on(connection: Connection) -> None:
    """Run the migrations on one open connection, in batch mode for SQLite's ALTER limits."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Use the caller's connection when there is one, otherwise connect to the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own_connection:
        run_on(own_connection)


run_online()
