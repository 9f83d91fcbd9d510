"""SQL that differs between SQLite and PostgreSQL, written once."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Column, Dialect, MetaData, Table
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

    Values go through their column types' bind processing, as in any insert, then are loaded
    by COPY on PostgreSQL and by one executemany on SQLite. The table is dropped on leaving;
    after an error the caller's rollback takes it away.
    """
    table = Table(
        name, MetaData(), *(Column(c, t) for c, t in columns.items()), prefixes=["TEMPORARY"]
    )
    conn = session.connection()
    table.create(conn)
    loaded = _bound(conn.dialect, table, rows)
    if conn.dialect.name == "postgresql":
        copy_sql = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
        with conn.connection.driver_connection.cursor().copy(copy_sql) as copy:  # type: ignore[union-attr]
            for row in loaded:
                copy.write_row(row)
    elif loaded:
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {name} VALUES ({marks})", loaded)
    yield table
    table.drop(conn)


def _bound(dialect: Dialect, table: Table, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows as the driver takes them: each value through its column type's processor."""
    processors = [column.type.bind_processor(dialect) for column in table.columns]
    if not any(processors):
        return rows
    return [
        tuple(
            value if p is None or value is None else p(value)
            for p, value in zip(processors, row, strict=True)
        )
        for row in rows
    ]
