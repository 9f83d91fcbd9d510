"""A meeting's emails in each member's language: its title, standing items and calendar entry."""

import pytest
from icalendar import Calendar
from sqlmodel import Session, col, select

from models.meetings.changes import Venue, move_meeting
from models.meetings.cycle import advance
from models.meetings.tables import Meeting
from models.messaging.outbox import OutboxMessage
from tests.models.meetings.test_cycle import at, convened_meeting, cycle


@pytest.fixture
def meeting(session: Session) -> Meeting:
    """The working group's first meeting, convened; DGASPC-CJ reads English."""
    return convened_meeting(session, english=("DGASPC-CJ",))


def sent(session: Session, kind: str, language: str) -> OutboxMessage:
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.language == language)
        .order_by(col(OutboxMessage.id).desc())
    ).first() or pytest.fail(f"no {kind} in {language}")


def test_each_member_reads_the_title_and_standing_items_in_its_language(
    session: Session, meeting: Meeting
) -> None:
    assert sent(session, "agenda-call", "en").subject.startswith(
        "Agenda proposals for Meeting no. 1 "
    )
    assert "Ședința nr. 1" in sent(session, "agenda-call", "ro").subject
    assert advance(cycle(session, at("2026-12-08")), meeting) == ["agenda frozen"]
    english, romanian = (
        sent(session, "meeting-invitation", "en"),
        sent(session, "meeting-invitation", "ro"),
    )
    for word in ("Approval of the agenda", "Any other business", "Meeting no. 1"):
        assert word in english.body_text
    for word in ("Aprobarea ordinii de zi", "Diverse", "Ședința"):
        assert word not in english.body_text
        assert word in romanian.body_text
    summaries = {
        str(event["summary"])
        for message in (english, romanian)
        for event in Calendar.from_ical(message.calendar or "").walk("VEVENT")
    }
    assert summaries == {"Meeting no. 1, Working group", "Ședința nr. 1, Working group"}


@pytest.mark.parametrize("note", ["Sala s-a schimbat.", "Sala s-a schimbat"])
def test_a_move_note_ends_in_one_full_stop(session: Session, meeting: Meeting, note: str) -> None:
    now = cycle(session, at("2026-11-25"))
    assert move_meeting(now, meeting, None, note, Venue(location="Palatul Victoria, sala 3"))
    assert advance(cycle(session, at("2026-12-08")), meeting) == ["agenda frozen"]
    later = cycle(session, at("2026-12-08", 12))
    assert move_meeting(later, meeting, None, note, Venue(location="Palatul Victoria, sala 4"))
    for language in ("ro", "en"):
        update = sent(session, "meeting-update", language)
        assert "Sala s-a schimbat." in update.body_text and ".." not in update.body_text
