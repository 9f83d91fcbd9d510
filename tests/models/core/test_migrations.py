import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from models.core.db import make_engine
from models.core.migrate import current_revision, downgrade, head_revision, is_current, upgrade
from models.schema import METADATA
from tests.support.postgres import create_database, drop_database

ENGINES = ["sqlite", "postgres"] if os.environ.get("CONCORD_TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(params=ENGINES)
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database that has never been migrated."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    url = create_database("concord_migrations")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_database(url)


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_round_trip(fresh_engine: Engine) -> None:
    expected = {table.name for table in METADATA.sorted_tables}
    assert current_revision(fresh_engine) is None
    upgrade(fresh_engine)
    assert table_names(fresh_engine) == expected
    assert is_current(fresh_engine)
    downgrade(fresh_engine, "base")
    assert table_names(fresh_engine) == set()
    assert current_revision(fresh_engine) is None
    upgrade(fresh_engine)
    assert table_names(fresh_engine) == expected
    assert current_revision(fresh_engine) == head_revision()


def test_migrations_match_the_models(fresh_engine: Engine) -> None:
    upgrade(fresh_engine)
    with fresh_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, METADATA)
    assert differences == [], "the models changed without a migration: " + repr(differences)
