from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.meetings.tables import Meeting
from models.messaging.outbox import OutboxMessage
from tests.deployments.test_cli import concord
from tests.support.meetings import convened_meeting

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)


def kinds(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage.kind).order_by(col(OutboxMessage.id))).all())


def test_meetings_are_listed_shown_moved_and_cancelled(engine: Engine) -> None:
    start = convened_meeting(engine)
    day = start.date().isoformat()

    listed = concord("meetings")
    assert listed.returncode == 0, listed.stderr
    assert "WG" in listed.stdout and "convocată" in listed.stdout and "0/2" in listed.stdout

    shown = concord("meetings", "show", "WG", day)
    assert shown.returncode == 0, shown.stderr
    assert "Aprobarea ordinii de zi" in shown.stdout and "Diverse" in shown.stdout

    later = (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    personal = concord("meetings", "move", "WG", day, "--to", later, "--note", "sunați 0721234567")
    assert personal.returncode == 2 and "note: the text seems to contain" in personal.stderr
    assert "0721234567" not in personal.stderr and "meeting-update" not in kinds(engine)
    moved = concord("meetings", "move", "WG", day, "--to", later, "--note", "sala ocupată")
    assert moved.returncode == 0, moved.stderr
    assert kinds(engine).count("meeting-update") == 1  # DGASPC-CJ has no contact
    with Session(engine) as session:
        meeting = session.exec(select(Meeting)).one()
        assert meeting.ical_sequence == 1 and meeting.starts_at == start + timedelta(days=1)

    why = "doamna Maria Popescu e bolnavă"
    personal = concord("meetings", "cancel", "WG", day, "--reason", why)
    assert personal.returncode == 2 and "reason: the text seems to contain" in personal.stderr
    assert "meeting-cancellation" not in kinds(engine)
    cancelled = concord("meetings", "cancel", "WG", day, "--reason", "amânată")
    assert cancelled.returncode == 0, cancelled.stderr
    assert kinds(engine).count("meeting-cancellation") == 1
    again = concord("meetings", "cancel", "WG", day)
    assert again.returncode == 0 and "Nu este nimic de modificat" in again.stdout

    unknown = concord("meetings", "show", "NOPE", day)
    assert unknown.returncode == 2 and "body: no body 'NOPE'; known bodies: WG" in unknown.stderr
