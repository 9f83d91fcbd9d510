"""SQL that differs between SQLite and PostgreSQL, written once."""

from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

Row = TypeVar("Row", bound=SQLModel)


def insert_ignoring_duplicates(session: Session, table: Any, unique: list[str]) -> Any:
    """An INSERT that skips rows clashing with the unique columns `unique` (either engine)."""
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=unique)


def claimed(session: Session, model: type[Row], row_id: int) -> Row | None:
    """The row, locked until the transaction ends; None while another one holds it.

    Two sweeps at once on PostgreSQL would otherwise both read a status and one would fail
    moving it; on SQLite the write transaction already runs alone.
    """
    query = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()
