"""`concord privacy scan`: where personal data sits, counted and never printed; then removed."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.history import StatusEvent
from models.lifecycle.tables import Assignment
from tests.deployments.test_cli import concord
from tests.support.factories import make_assignment, make_institution

SOON = datetime.now(UTC) + timedelta(days=10)
PHONE, CNP = "0721 234 567", "1960101123456"


def seed_leaked(engine: Engine) -> None:
    """Rows that took personal data before their doors were checked."""
    with Session(engine) as session:
        anitp = make_institution(session, "ANITP")
        make_assignment(session, anitp, key=f"referral:{CNP}", due_at=SOON)
        make_assignment(session, anitp, key=f"referral:X-{CNP}", due_at=SOON)
        make_assignment(session, anitp, key="report:PLAN:2026-S2:1.1.1:ANITP", due_at=SOON)
        for note in (f"the victim answers at {PHONE}", "data expected in January"):
            session.add(
                StatusEvent(
                    entity_type="assignment",
                    entity_id=1,
                    to_status="open",
                    at=SOON,
                    actor="coordinator",
                    note=note,
                )
            )
        session.commit()


def test_the_scan_counts_personal_data_by_table_and_column_without_printing_it(
    engine: Engine,
) -> None:
    seed_leaked(engine)
    found = concord("privacy", "scan", env={"CONCORD_LANGUAGE": "en"})
    assert found.returncode == 1, found.stderr
    rows = [[cell.strip() for cell in line.split("│")] for line in found.stdout.splitlines()]
    assert ["assignment", "key", "a personal numeric code (CNP)", "2"] in rows
    assert ["statusevent", "note", "a phone number", "1"] in rows
    assert CNP not in found.stdout and "234 567" not in found.stdout
    assert "contact" in found.stdout  # institutions' own mailboxes are kept by design
    assert not any(row[:2] == ["contact", "email"] for row in rows)


def test_redacting_replaces_each_value_found_keeps_keys_unique_and_records_why(
    engine: Engine,
) -> None:
    seed_leaked(engine)
    redacted = concord("privacy", "scan", "--redact")
    assert redacted.returncode == 0, redacted.stderr
    with Session(engine) as session:
        keys = sorted(session.exec(select(Assignment.key)).all())
        notes = session.exec(select(StatusEvent.note).where(col(StatusEvent.note).is_not(None)))
        events = session.exec(select(StatusEvent).where(StatusEvent.to_status == "redacted"))
        removed = sorted((e.entity_type, e.note) for e in events)
        kept = sorted(n for n in notes if n and "removed" not in n)
    assert keys == ["[***]-1", "[***]-2", "report:PLAN:2026-S2:1.1.1:ANITP"]
    assert kept == ["[***]", "data expected in January"]
    assert removed == [
        ("assignment", "key: cnp removed"),
        ("assignment", "key: cnp removed"),
        ("statusevent", "note: phone removed"),
    ]
    again = concord("privacy", "scan")
    assert again.returncode == 0 and "PREFECT_API_URL" in again.stdout
