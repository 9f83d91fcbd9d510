"""The case references Concord issues (RO-EIO-2026-00042): a sequence per kind and year."""

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel

from models.core.sql import insert_ignoring_duplicates


class CaseSequence(SQLModel, table=True):
    """The last number issued under one prefix, e.g. RO-EIO-2026."""

    __tablename__ = "case_sequence"

    prefix: str = Field(primary_key=True, max_length=40)
    last: int = 0


def issue_reference(session: Session, kind: str, year: int) -> str:
    """The next reference of `kind` in `year`; two issuers at once wait for each other."""
    prefix = f"RO-{kind.upper()}-{year}"
    table = CaseSequence.__table__  # type: ignore[attr-defined]
    first = insert_ignoring_duplicates(session, table, ["prefix"]).values(prefix=prefix, last=0)
    session.execute(first)
    bump = (
        update(table)
        .where(table.c.prefix == prefix)
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )
    number = session.execute(bump).scalar_one()
    return f"{prefix}-{number:05d}"


def issued_pattern(kinds: Iterable[str]) -> str:
    """The pattern of a reference Concord issued under one of `kinds`, e.g. RO-EIO-2026-00042."""
    return rf"^RO-({'|'.join(kind.upper() for kind in kinds)})-\d{{4}}-\d{{5}}$"
