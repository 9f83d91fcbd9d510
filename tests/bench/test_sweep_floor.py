"""The sweep's floor does the sweep's whole job: steps, events, notices, digests, sends, marks."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bench.sizes import SIZES, reference_document
from bench.state import add_open_assignments
from bench.sweep_floor import ACTOR, plain_sweep
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.lifecycle.tables import Assignment, Notice
from models.messaging.outbox import OutboxMessage
from models.reference.loader import load_reference
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)
NOW = datetime(2027, 1, 4, 8, tzinfo=ZONE)


def test_the_sweep_floor_takes_each_step_once_and_sends_one_digest_per_institution(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    size = SIZES["small"]
    doc, _ = reference_document(size)
    load_reference(session=session, doc=doc, source="bench", now=NOW)
    session.commit()
    later = NOW + timedelta(days=90)
    add_open_assignments(engine, prefix="later:", count=300, due_at=later, next_action_at=later)
    add_open_assignments(
        engine,
        prefix="due:",
        count=size.sweep_due,
        due_at=NOW + timedelta(days=1),
        next_action_at=NOW - timedelta(hours=1),
    )

    first = plain_sweep(engine=engine, calendar=CALENDAR, smtp_port=smtp_server.port, now=NOW)
    again = plain_sweep(engine=engine, calendar=CALENDAR, smtp_port=smtp_server.port, now=NOW)

    assert first == {"due": size.sweep_due, "emails": size.institutions}
    assert again == {"due": 0, "emails": 0}, "a re-run finds nothing due"
    due = session.exec(select(Assignment).where(col(Assignment.key).startswith("due:"))).all()
    assert {(a.status, a.reminders_sent, a.last_reminded_at) for a in due} == {("reminded", 1, NOW)}
    assert all(a.next_action_at and a.next_action_at > NOW for a in due)
    events = session.exec(select(StatusEvent).where(col(StatusEvent.actor) == ACTOR)).all()
    assert sorted(e.entity_id for e in events) == sorted(a.id for a in due)
    assert {(e.entity_type, e.from_status, e.to_status, e.note) for e in events} == {
        ("assignment", "open", "reminded", "reminder step")
    }
    notices = session.exec(select(Notice)).all()
    assert len(notices) == size.sweep_due and all(n.bundle_key for n in notices)
    letters = session.exec(select(OutboxMessage)).all()
    assert len(letters) == len(smtp_server.messages) == size.institutions
    assert {letter.state for letter in letters} == {"sent"}
    assert {m["To"] for m in smtp_server.messages} == {
        f"fp@{code.lower()}.example" for code in (i.code for i in doc.institutions)
    }
    body = smtp_server.messages[0].get_body(("plain",))
    assert body is not None and body.get_content().count("https://portal.example/a/") == 2
