"""`concord db`: the database schema's migrations, up, down, and where it stands."""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError

from deployments.cli_support import console, fail, settings_or_exit
from models.core.db import get_engine
from models.core.migrate import (
    current_revision,
    downgrade,
    head_revision,
    known_revisions,
    upgrade,
)

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@contextmanager
def known_revision(revision: str) -> Iterator[None]:
    """Turn Alembic's error about an unknown revision into a clear message."""
    known = known_revisions()
    if revision not in ("head", "base", *known):
        fail(f"revision {revision!r}: expected head, base or one of {', '.join(known)}", code=2)
    try:
        yield
    except CommandError as exc:
        fail(f"revision {revision!r}: {exc}; `concord db current` shows the newest", code=2)
    except DBAPIError as exc:  # the migrations run in one transaction, rolled back here
        fail(f"revision {revision!r}: the database refused ({exc.orig}); nothing was changed")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Apply the schema migrations."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    before = current_revision(engine)
    with known_revision(revision):
        upgrade(engine, revision)
    console.print(
        f"database {engine.url.render_as_string()}: {before or 'empty'} -> "
        f"{current_revision(engine)}"
    )


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="target revision, or 'base'")) -> None:
    """Revert the schema migrations down to a revision."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    with known_revision(revision):
        downgrade(engine, revision)
    console.print(f"database at {current_revision(engine) or 'base (empty)'}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one available."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    console.print(f"database: {current_revision(engine) or 'empty'}; newest: {head_revision()}")
