"""A body's meeting a month from now, convened on the test database."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.meetings.cycle import MeetingRequest, advance, plan_meeting
from models.meetings.rules import Cycle, meeting_times
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)


def convened_meeting(engine: Engine) -> datetime:
    """The WG's meeting a month from now, convened; returns its start."""
    now = datetime.now(UTC)
    day = CALENDAR.next_working_day((now + timedelta(days=30)).astimezone(ZONE).date())
    start = datetime.combine(day, time(10), tzinfo=ZONE)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(
            session=session,
            doc=parse_reference_document(dump(small_document())),
            source="t",
            now=now,
        )
        times = meeting_times(
            start=start, duration_minutes=90, agenda_days=3, minutes_days=5, calendar=CALENDAR
        )
        cycle = Cycle(session, get_settings(), CALENDAR, now)
        assert advance(cycle, plan_meeting(cycle, MeetingRequest("WG", times))) == ["convened"]
        session.commit()
    return start
