"""Alembic migrations, run from code so that every start path works on a migrated schema."""

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def duty_branches() -> list[Path]:
    """The migration folders of installed duties that ship their own Alembic branch."""
    # found by name through lifecycle's registry, as the engine finds every duty
    registry = importlib.import_module("models.lifecycle.duty")
    return [duty.migrations for duty in registry.installed_duties() if duty.migrations]


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at Concord's migrations, its duties' and `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    folders = [MIGRATIONS_DIR / "versions", *duty_branches()]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A transaction holding SQLite's write lock from its start: Alembic reads, then writes."""
    with engine.connect() as connection:
        connection.execution_options(sqlite_write=True)
        with connection.begin():
            yield connection


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Apply migrations up to `revision` on `engine`'s database."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _locked(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` (e.g. 'base')."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _locked(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (one per branch), or None when it was never migrated."""
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(sorted(heads)) or None


def head_revision() -> str | None:
    """The newest revision in the migrations folders (one per branch)."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return ", ".join(sorted(heads)) or None


def known_revisions() -> list[str]:
    """Every revision id in the migrations folder, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision."""
    return current_revision(engine) == head_revision()
