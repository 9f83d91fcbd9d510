"""SQL that differs between SQLite and PostgreSQL, written once."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignoring_duplicates(session: Session, table: Any, unique: list[str]) -> Any:
    """An INSERT that skips rows clashing with the unique columns `unique` (either engine)."""
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=unique)
