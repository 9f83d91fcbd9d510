"""SQL that differs between SQLite and PostgreSQL, written once."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Column, MetaData, Table
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


@contextmanager
def staged(
    session: Session, name: str, columns: dict[str, Any], rows: list[tuple[Any, ...]]
) -> Iterator[Table]:
    """A temporary table `name` holding `rows`, for INSERT ... SELECT in the same transaction.

    Loaded by COPY on PostgreSQL, by one executemany on SQLite; dropped on leaving. After an
    error the caller's rollback takes it away.
    """
    table = Table(
        name, MetaData(), *(Column(c, t) for c, t in columns.items()), prefixes=["TEMPORARY"]
    )
    conn = session.connection()
    table.create(conn)
    if conn.dialect.name == "postgresql":
        copy_sql = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
        with conn.connection.driver_connection.cursor().copy(copy_sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
    elif rows:
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {name} VALUES ({marks})", rows)
    yield table
    table.drop(conn)
