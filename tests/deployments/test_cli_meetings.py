from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import Result
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from deployments.cli import app
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.meetings.cycle import advance
from models.meetings.rules import Cycle
from models.meetings.tables import Attendance, Meeting
from models.messaging.outbox import OutboxMessage
from models.reference.institutions import Institution
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


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["meetings", *args])


def stored(engine: Engine) -> tuple[dict[str, object], int, int]:
    """The meeting's row, the queued emails and the history entries: any change shows."""
    with Session(engine) as session:
        meeting = session.exec(select(Meeting)).one().model_dump()
        emails = session.exec(select(func.count()).select_from(OutboxMessage)).one()
        events = session.exec(select(func.count()).select_from(StatusEvent)).one()
    return meeting, emails, events


def calendar_of(engine: Engine, kind: str) -> icalendar.Event:
    """The calendar event of the last email of `kind`."""
    with Session(engine) as session:
        message = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == kind)
            .order_by(col(OutboxMessage.id).desc())
        ).first()
    assert message is not None and message.calendar is not None
    return next(iter(icalendar.Calendar.from_ical(message.calendar).walk("VEVENT")))


def freeze(engine: Engine) -> None:
    """The meeting's agenda deadline passes: the invitations are queued."""
    with Session(engine) as session:
        meeting = session.exec(select(Meeting)).one()
        later = meeting.agenda_deadline_at + timedelta(minutes=1)
        assert advance(Cycle(session, get_settings(), CALENDAR, later), meeting) == [
            "agenda frozen"
        ]
        session.commit()


def test_a_place_and_link_set_before_the_invitations_are_in_them(engine: Engine) -> None:
    day = convened_meeting(engine).date().isoformat()
    link = "https://meet.example/wg?pwd=a1b2"
    place = " Palatul Victoria, sala 2 "
    placed = invoke("move", "WG", day, "--place", place, "--online-url", link)
    assert placed.exit_code == 0, placed.output
    meeting, _, _ = stored(engine)
    assert (meeting["location"], meeting["online_url"]) == ("Palatul Victoria, sala 2", link)
    assert meeting["ical_sequence"] == 0 and "meeting-update" not in kinds(engine)
    again = invoke("move", "WG", day, "--place", "Palatul Victoria, sala 2")
    assert again.exit_code == 0 and "Nu este nimic de modificat" in again.stdout

    freeze(engine)
    invitation = calendar_of(engine, "meeting-invitation")
    assert str(invitation["LOCATION"]) == "Palatul Victoria, sala 2"
    assert str(invitation["URL"]) == link and int(invitation["SEQUENCE"]) == 0


def test_a_new_place_after_the_invitations_reaches_members_as_an_update(engine: Engine) -> None:
    day = convened_meeting(engine).date().isoformat()
    freeze(engine)
    assert "LOCATION" not in calendar_of(engine, "meeting-invitation")
    placed = invoke("move", "WG", day, "--place", "ANITP, sala mare", "--note", "sală nouă")
    assert placed.exit_code == 0, placed.output
    assert kinds(engine).count("meeting-update") == 1  # DGASPC-CJ has no contact
    update = calendar_of(engine, "meeting-update")
    assert str(update["LOCATION"]) == "ANITP, sala mare" and int(update["SEQUENCE"]) == 1
    assert str(update["UID"]) == str(calendar_of(engine, "meeting-invitation")["UID"])
    assert "URL" not in update

    online = invoke("move", "WG", day, "--place", "", "--online-url", "https://meet.example/wg")
    assert online.exit_code == 0, online.output
    update = calendar_of(engine, "meeting-update")
    assert "LOCATION" not in update and str(update["URL"]) == "https://meet.example/wg"
    assert int(update["SEQUENCE"]) == 2 and kinds(engine).count("meeting-update") == 2


def test_a_new_start_and_place_together_move_the_meeting_once(engine: Engine) -> None:
    start = convened_meeting(engine)
    later = (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    moved = invoke("move", "WG", start.date().isoformat(), "--to", later, "--place", "Sala 3")
    assert moved.exit_code == 0, moved.output
    meeting, _, _ = stored(engine)
    assert meeting["starts_at"] == start + timedelta(days=1) and meeting["location"] == "Sala 3"
    assert meeting["ical_sequence"] == 1 and kinds(engine).count("meeting-update") == 1
    assert str(calendar_of(engine, "meeting-update")["LOCATION"]) == "Sala 3"


@pytest.mark.parametrize(
    ("option", "value", "refusal"),
    [
        ("--place", "str. Lalelelor nr. 5, Ion Popescu", "place: the text seems to contain"),
        ("--place", "Sala 1, 0721 234 567", "place: the text seems to contain a phone number"),
        ("--place", "Sala 1\nsau 2", "place: contains the control character U+000A"),
        ("--place", "S" * 301, "place: at most 300 characters, got 301"),
        ("--online-url", "meet.example/wg", "online-url: expected an http:// or https:// link"),
        ("--online-url", "https://meet.example/w g", "online-url: expected an http:// or https://"),
        ("--online-url", "javascript:alert(1)", "online-url: expected an http:// or https://"),
        ("--online-url", "https://x.example/\x1b[31m", "online-url: contains the control"),
        ("--online-url", "https://x.example/" + "a" * 483, "online-url: at most 500 characters"),
        ("--online-url", "https://meet.example/?u=ion.popescu@gmail.com", "online-url: the text"),
    ],
)
def test_a_bad_place_or_link_is_refused_by_name_and_changes_nothing(
    engine: Engine, option: str, value: str, refusal: str
) -> None:
    day = convened_meeting(engine).date().isoformat()
    freeze(engine)
    before = stored(engine)
    refused = invoke("move", "WG", day, option, value, "--note", "sală nouă")
    assert refused.exit_code == 2 and refusal in refused.stderr, refused.output
    assert value.strip() not in refused.output and "Traceback" not in refused.output
    assert stored(engine) == before


def test_a_move_with_nothing_to_change_says_what_to_give(engine: Engine) -> None:
    day = convened_meeting(engine).date().isoformat()
    before = stored(engine)
    bare = invoke("move", "WG", day, "--note", "nimic")
    assert bare.exit_code == 2
    assert "nothing to change: give --to (a new start), --place or --online-url" in bare.stderr
    longer = invoke("move", "WG", day, "--duration", "90", "--place", "Sala 1")
    assert longer.exit_code == 2 and "--duration: give it with --to" in longer.stderr
    assert stored(engine) == before


def test_show_counts_attendance_by_where_it_came_from(engine: Engine) -> None:
    start = convened_meeting(engine)
    with Session(engine) as session:
        meeting = session.exec(select(Meeting)).one()
        anitp, cluj = (
            session.exec(select(Institution).where(Institution.code == code)).one()
            for code in ("ANITP", "DGASPC-CJ")
        )
        for institution, source in ((anitp, "answer"), (cluj, "minutes")):
            session.add(
                Attendance(
                    meeting_id=meeting.id or 0,
                    institution_id=institution.id or 0,
                    status="present",
                    source=source,
                    recorded_at=start,
                )
            )
        session.commit()
    shown = concord("meetings", "show", "WG", start.date().isoformat())
    assert shown.returncode == 0, shown.stderr
    said = " ".join(shown.stdout.split())
    assert "confirmată de membri prin portal: 1; consemnată odată cu minuta: 1" in said
