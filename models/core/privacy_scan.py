"""Looking through every text column for personal data, and removing what is found."""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, String, Table, UniqueConstraint, update
from sqlmodel import Session, SQLModel, select

from models.core.history import record_event
from models.core.privacy import personal_data_in

# Columns that hold an institution's or partner's mailbox, a link or an official by design.
BY_DESIGN = frozenset(
    {
        ("contact", "email"),
        ("outbox_message", "recipient"),
        ("cooperation_request", "partner_email"),
        ("institution", "webhook_url"),
        ("meeting", "online_url"),
        ("attendance", "delegate_name"),
    }
)
URL = re.compile(r"https?://\S+")
MARKER = "[***]"
BATCH = 2000


@dataclass(frozen=True)
class Finding:
    """How many values of one column hold one kind of personal data."""

    table: str
    column: str
    kind: str
    count: int


def text_columns() -> Iterator[tuple[Table, Column[str]]]:
    """Every text column of Concord's tables with a single id, but those holding addresses."""
    for table in SQLModel.metadata.sorted_tables:
        if list(table.primary_key.columns.keys()) != ["id"]:
            continue
        for column in table.columns:
            kind = getattr(column.type, "impl", column.type)
            if isinstance(kind, String) and (table.name, column.name) not in BY_DESIGN:
                yield table, column


def kind_in(value: str, known: frozenset[str]) -> str | None:
    """The kind of personal data in a stored value, once links and known mailboxes are set aside."""
    text = URL.sub(" ", value)
    for address in known:
        text = re.sub(re.escape(address), " ", text, flags=re.IGNORECASE)
    return personal_data_in(text)


def _found_in(
    session: Session, table: Table, column: Column[str], known: frozenset[str]
) -> Iterator[tuple[int, str]]:
    """(row id, kind) for every value of the column that holds personal data."""
    query = select(table.c.id, column).where(column.is_not(None), column != "")
    for row_id, value in session.execute(query.execution_options(yield_per=BATCH)):
        if (kind := kind_in(value, known)) is not None:
            yield row_id, kind


def _unique(table: Table, column: Column[str]) -> bool:
    """Whether the column is part of a unique key, so one marker for all would clash."""
    keys = [c.columns for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys += [i.columns for i in table.indexes if i.unique]
    return bool(column.unique) or any(column.name in key for key in keys)


def _redact(
    session: Session, table: Table, column: Column[str], found: dict[int, str], now: datetime
) -> None:
    """Replace each value with the marker (unique ones stay unique) and record why."""
    for row_id, kind in found.items():
        marker = f"{MARKER}-{row_id}" if _unique(table, column) else MARKER
        session.execute(update(table).where(table.c.id == row_id).values({column.name: marker}))
        record_event(
            session=session,
            entity_type=table.name[:32],
            entity_id=row_id,
            from_status=None,
            to_status="redacted",
            actor="coordinator",
            now=now,
            note=f"{column.name}: {kind} removed",
        )


def scan_database(
    session: Session,
    *,
    known: frozenset[str],
    now: datetime,
    redact: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Finding]:
    """Where personal data sits (table, column, kind, count); with `redact`, removed too."""
    findings: list[Finding] = []
    tables_seen: set[str] = set()
    for table, column in list(text_columns()):
        if table.name not in tables_seen:
            tables_seen.add(table.name)
            progress(table.name)
        found = dict(_found_in(session, table, column, known))
        counts = Counter(found.values())
        findings += [Finding(table.name, column.name, k, n) for k, n in sorted(counts.items())]
        if redact and found:
            _redact(session, table, column, found, now)
    return findings
