"""A meeting's steps on the test databases: each once, bad minutes refused, reminders paced."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, func, select

from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.meetings.changes import Venue, cancel_meeting, move_meeting, moved_times
from models.meetings.cycle import MeetingRequest, advance, plan_meeting
from models.meetings.minutes import MinutesInput, record_minutes
from models.meetings.rules import Cycle, MeetingError, meeting_times
from models.meetings.sweep import step_meeting
from models.meetings.tables import Decision, Meeting
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.reference import dump, small_document

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)
START = datetime(2026, 12, 10, 10, 0, tzinfo=ZONE)


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ZONE)


def cycle(session: Session, now: datetime) -> Cycle:
    return Cycle(session, get_settings(), CALENDAR, now)


@pytest.fixture
def meeting(session: Session) -> Meeting:
    return convened_meeting(session)


def convened_meeting(session: Session, english: tuple[str, ...] = ()) -> Meeting:
    """The working group's first meeting, convened; the institutions in `english` read English."""
    document = small_document()
    for institution in document["institutions"]:
        code = institution["code"].lower()
        institution["contacts"] = [{"role": "focal-point", "email": f"fp@{code}.example"}]
        if institution["code"] in english:
            institution["language"] = "en"
    load_reference(
        session=session,
        doc=parse_reference_document(dump(document)),
        source="t",
        now=at("2026-11-01"),
    )
    times = meeting_times(
        start=START, duration_minutes=120, agenda_days=3, minutes_days=5, calendar=CALENDAR
    )
    first = cycle(session, at("2026-11-23"))
    planned = plan_meeting(first, MeetingRequest("WG", times))
    assert advance(first, planned) == ["convened"]
    session.commit()
    return planned


def kinds(session: Session) -> list[str]:
    return list(session.exec(select(OutboxMessage.kind).order_by(col(OutboxMessage.id))).all())


def test_each_step_happens_once_whatever_the_number_of_runs(
    session: Session, meeting: Meeting
) -> None:
    assert kinds(session) == ["agenda-call", "agenda-call"]
    assert advance(cycle(session, at("2026-11-24")), meeting) == []
    assert advance(cycle(session, at("2026-12-08")), meeting) == ["agenda frozen"]
    assert advance(cycle(session, at("2026-12-08", 12)), meeting) == []
    assert kinds(session).count("meeting-invitation") == 2
    assert advance(cycle(session, at("2026-12-10", 13)), meeting) == ["held"]
    open_calls = session.exec(
        select(func.count())
        .select_from(Assignment)
        .where(col(Assignment.next_action_at).is_not(None), Assignment.subject_type == "meeting")
    ).one()
    assert open_calls == 0  # neither proposals nor attendance are chased after the meeting


def test_late_minutes_are_asked_of_the_chair_every_three_working_days(
    session: Session, meeting: Meeting
) -> None:
    advance(cycle(session, at("2026-12-10", 13)), meeting)
    assert "minutes reminder" not in step_meeting(cycle(session, at("2026-12-17")), meeting)
    assert "minutes reminder" in step_meeting(cycle(session, at("2026-12-18")), meeting)
    assert "minutes reminder" not in step_meeting(cycle(session, at("2026-12-21")), meeting)
    assert "minutes reminder" in step_meeting(cycle(session, at("2026-12-23")), meeting)
    reminders = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "minutes-due")).all()
    assert [m.recipient for m in reminders] == ["fp@anitp.example", "fp@anitp.example"]
    assert reminders[0].subject.startswith("Minuta este așteptată")


def test_bad_minutes_are_refused_and_change_nothing(session: Session, meeting: Meeting) -> None:
    later = cycle(session, at("2026-12-11"))
    advance(later, meeting)
    bad = MinutesInput.model_validate(
        {
            "decisions": ["Se aprobă."],
            "action_items": [{"owner": "NATO", "title": "Ceva", "due_date": "2026-12-01"}],
        }
    )
    with pytest.raises(MeetingError) as refused:
        record_minutes(later, meeting, bad)
    assert "acțiunea 1: NATO nu este membru" in str(refused.value)
    assert "termenul 2026-12-01 trebuie să fie ulterior ședinței" in str(refused.value)
    private = MinutesInput.model_validate(
        {"decisions": ["Victima (tel. 0722 123 456) e în siguranță."]}
    )
    with pytest.raises(MeetingError, match="decizia 1: textul pare să conțină un număr de telefon"):
        record_minutes(later, meeting, private)
    assert session.exec(select(func.count()).select_from(Decision)).one() == 0
    assert meeting.status == "held"


def test_a_cancelled_meeting_closes_its_requests_and_cannot_move(
    session: Session, meeting: Meeting
) -> None:
    now = cycle(session, at("2026-11-25"))
    assert cancel_meeting(now, meeting, "amânată")
    assert not cancel_meeting(now, meeting, "amânată")
    statuses = session.exec(
        select(Assignment.status).where(Assignment.subject_type == "meeting")
    ).all()
    assert statuses == ["cancelled", "cancelled"]
    assert kinds(session).count("meeting-cancellation") == 2
    with pytest.raises(MeetingError, match=r"^meeting: it is cancelled"):
        move_meeting(now, meeting, moved_times(now, meeting, at("2026-12-11", 10), 60), "")


def history(session: Session, meeting: Meeting) -> list[str]:
    notes = session.exec(
        select(StatusEvent.note)
        .where(StatusEvent.entity_type == "meeting", StatusEvent.entity_id == meeting.id)
        .order_by(col(StatusEvent.id))
    ).all()
    return [note or "" for note in notes]


def test_a_place_before_the_invitations_waits_for_them_and_after_updates_calendars(
    session: Session, meeting: Meeting
) -> None:
    now = cycle(session, at("2026-11-25"))
    venue = Venue(location="Palatul Victoria, sala 2", online_url="https://meet.example/wg")
    assert move_meeting(now, meeting, None, "", venue)
    assert not move_meeting(now, meeting, None, "", venue)
    assert (meeting.location, meeting.online_url, meeting.ical_sequence) == (
        venue.location,
        venue.online_url,
        0,
    )
    assert kinds(session) == ["agenda-call", "agenda-call"]  # the invitations will carry it
    assert history(session, meeting)[-1] == "location set; online_url set: "

    assert advance(cycle(session, at("2026-12-08")), meeting) == ["agenda frozen"]
    later = cycle(session, at("2026-12-08", 12))
    assert move_meeting(later, meeting, None, "sală nouă", Venue(location="", online_url=None))
    assert (meeting.location, meeting.online_url, meeting.ical_sequence) == (
        None,
        venue.online_url,
        1,
    )
    assert kinds(session).count("meeting-update") == 2
    assert history(session, meeting)[-1] == "location removed: sală nouă"


def test_a_place_with_personal_data_is_refused_by_every_front_end(
    session: Session, meeting: Meeting
) -> None:
    now = cycle(session, at("2026-11-25"))
    with pytest.raises(MeetingError, match=r"^place: the text seems to contain a street address$"):
        move_meeting(now, meeting, None, "", Venue(location="str. Lalelelor nr. 5, Ion Popescu"))
    with pytest.raises(MeetingError, match=r"^online-url: expected an http:// or https:// link"):
        move_meeting(now, meeting, None, "", Venue(online_url="ftp://meet.example/wg"))
    assert (meeting.location, meeting.online_url, meeting.ical_sequence) == (None, None, 0)


def test_a_meeting_moved_before_its_agenda_freezes_still_gets_its_invitations(
    session: Session, meeting: Meeting
) -> None:
    now = cycle(session, at("2026-11-25"))
    assert move_meeting(now, meeting, moved_times(now, meeting, at("2026-12-11", 10), 120), "")
    assert kinds(session).count("meeting-update") == 2  # to those asked for proposals
    assert advance(cycle(session, at("2026-12-09")), meeting) == ["agenda frozen"]
    invited = session.exec(
        select(OutboxMessage.key).where(col(OutboxMessage.key).contains(":request:2:"))
    ).all()
    assert len(invited) == 2 and meeting.ical_sequence == 2  # with their attendance links
