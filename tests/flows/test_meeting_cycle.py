"""Two meetings of one body on a moving clock, through a real Prefect API and real SMTP."""

import contextvars
import io
import threading
import time as clock_time
from collections.abc import Callable
from datetime import date, datetime, time
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from prefect.client.orchestration import get_client
from prefect.flow_runs import resume_flow_run
from pypdf import PdfReader
from sqlmodel import Session, col, select

from flows.committee_meeting_cycle import committee_meeting_cycle
from flows.daily_sweep import daily_sweep
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.settings import get_settings
from models.meetings.changes import Venue, move_meeting
from models.meetings.rules import Cycle, meeting_times
from models.meetings.tables import ActionItem, AgendaItem, Attendance, Meeting
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.portal import Portal
from tests.support.reference import dump, small_document
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
MEMBERS = ["ANITP", "DGASPC-CJ", "EUROPOL"]


def at(day: str, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=ZONE)


def reference(session: Session) -> None:
    document = small_document()
    for institution in document["institutions"]:
        code = institution["code"]
        institution["contacts"] = [
            {"role": role, "email": f"{role}@{code.lower()}.example"}
            for role in ("focal-point", "deputy", "head")
        ]
    document["bodies"][0]["members"] = MEMBERS
    load_reference(
        session=session,
        doc=parse_reference_document(dump(document)),
        source="t",
        now=at("2026-11-01"),
    )
    session.commit()


def in_background(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run a flow in a thread that sees the test's Prefect settings."""
    result: dict[str, Any] = {}
    context = contextvars.copy_context()

    def target() -> None:
        try:
            result["value"] = context.run(work)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, result


def wait_until(check: Callable[[], Any], what: str, seconds: float = 90) -> Any:
    deadline = clock_time.monotonic() + seconds
    while clock_time.monotonic() < deadline:
        value = check()
        if value:
            return value
        clock_time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def paused_run(session: Session, meeting_id: int, after: str | None = None) -> str:
    """The id of the meeting's run once it waits for the minutes (with a new pause key)."""

    def check() -> str | None:
        session.rollback()
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.minutes_run_id is None:
            return None
        session.refresh(meeting)
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(meeting.minutes_run_id).state
        if state is None or not state.is_paused() or state.state_details.pause_key == after:
            return None
        return meeting.minutes_run_id

    return str(wait_until(check, "the run to wait for the minutes"))


def pause_key(run_id: str) -> str | None:
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run_id).state
    return state.state_details.pause_key if state else None


def by_kind(messages: list[EmailMessage], kind: str) -> dict[str, EmailMessage]:
    return {m["To"].split(",")[0]: m for m in messages if m["X-Concord-Kind"] == kind}


def calendar_event(message: EmailMessage) -> icalendar.Event:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return next(iter(calendar.walk("VEVENT")))


def meeting_flow(start: datetime, now: datetime, **options: Any) -> dict[str, Any]:
    return committee_meeting_cycle(
        body="WG",
        start=start,
        duration_minutes=120,
        agenda_deadline_working_days=3,
        now=now,
        poll_seconds=1,
        pause_seconds=300,
        **options,
    )


def minutes_input(due: str) -> dict[str, Any]:
    return {
        "attendance": [
            {"institution": "ANITP", "status": "prezent", "delegate": ""},
            {
                "institution": "EUROPOL",
                "status": "reprezentat prin delegat",
                "delegate": "Ofițer de legătură",
            },
        ],
        "decisions": ["Se aprobă raportul anual.", "Campania de vară se extinde la Iași."],
        "action_items": [
            {"owner": "DGASPC-CJ", "title": "Evaluarea serviciilor pentru copii", "due_date": due}
        ],
    }


def test_the_flow_takes_no_free_text_a_place_or_link_comes_through_the_command_line() -> None:
    properties = committee_meeting_cycle.parameters.model_dump()["properties"]
    assert "place" not in properties and "online_url" not in properties
    for name, schema in properties.items():
        for shape in schema.get("anyOf", [schema]):
            closed = {"pattern", "enum", "format"} & set(shape)
            assert shape.get("type") != "string" or closed, name


@pytest.mark.slow
def test_two_meetings_from_the_call_for_agenda_items_to_action_items_followed_up(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    reference(session)
    portal = Portal(session)
    first_start = at("2026-12-10", 10)

    thread, outcome = in_background(lambda: meeting_flow(first_start, at("2026-11-30", 9)))
    meeting = wait_until(
        lambda: session.rollback() or session.exec(select(Meeting)).first(), "the meeting"
    )
    members = {f"focal-point@{c.lower()}.example" for c in MEMBERS}
    calls = wait_until(  # delivery is under way in the flow's thread: wait for all of it
        lambda: (found := by_kind(smtp_server.messages, "agenda-call")).keys() == members and found,
        "a call to every member",
    )
    assert calls["focal-point@anitp.example"]["Subject"].startswith(
        "Propuneri pentru ordinea de zi"
    )
    assert calls["focal-point@europol.example"]["Subject"].startswith("Agenda proposals")
    run_id = paused_run(session, meeting.id)

    key = "meeting:WG:2026-12-10"
    proposals = "- Raportul anual al grupului\n- Campania de vară"
    assert (
        portal.answer(f"{key}:agenda-items:DGASPC-CJ", at("2026-12-02", 11), proposals=proposals)
        == 200
    )

    daily_sweep(now=at("2026-12-08", 7))  # the day after the agenda deadline
    invitations = by_kind(smtp_server.messages, "meeting-invitation")
    assert set(invitations) == set(calls)
    event = calendar_event(invitations["focal-point@europol.example"])
    assert str(event["UID"]) == "meeting-WG-2026-12-10@concord" and int(event["SEQUENCE"]) == 0
    assert "LOCATION" not in event  # no place is given to the flow: `concord meetings move` sets it
    assert (
        event["DTSTART"].dt == first_start and str(event["DTSTART"].dt.tzinfo) == "Europe/Bucharest"
    )
    assert str(event["ORGANIZER"]) == "mailto:focal-point@anitp.example"
    assert {str(a) for a in event.get("ATTENDEE")} >= {"mailto:focal-point@dgaspc-cj.example"}
    agenda = str(event["DESCRIPTION"])
    assert "Raportul anual al grupului" in agenda and "Campania de vară" in agenda

    assert portal.answer(f"{key}:attendance:ANITP", at("2026-12-08", 10), attending="yes") == 200

    with pytest.raises(RuntimeError, match="Cannot resume"):  # NATO is not a member: refused
        resume_flow_run(
            run_id,
            run_input={
                **minutes_input("2027-01-15"),
                "action_items": [
                    {"owner": "NATO", "title": "Ceva de făcut", "due_date": "2027-01-15"}
                ],
            },
        )
    first_key = pause_key(run_id)
    resume_flow_run(run_id, run_input=minutes_input("2026-12-01"))  # due before the meeting
    paused_run(session, meeting.id, after=first_key)
    resume_flow_run(run_id, run_input=minutes_input("2027-01-15"))
    thread.join(120)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["value"]["status"] == "minuted"

    minutes = by_kind(smtp_server.messages, "minutes")
    assert set(minutes) == set(calls)
    cluj = minutes["focal-point@dgaspc-cj.example"]
    assert "Evaluarea serviciilor pentru copii" in cluj.get_body(("plain",)).get_content()
    pdf = next(p for p in cluj.walk() if p.get_content_type() == "application/pdf")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages
    )
    assert "Se aprobă raportul anual." in text and "Ofițer de legătură" in text

    session.rollback()
    item = session.exec(select(ActionItem)).one()
    attendance = {a.institution_id: a.status for a in session.exec(select(Attendance))}
    assert sorted(attendance.values()) == ["delegated", "present"]

    # The second meeting: its agenda carries the open action item.
    second = meeting_flow(at("2027-03-11", 10), at("2027-02-01", 9), wait_for_minutes=False)
    assert second["status"] == "convened"
    daily_sweep(now=at("2027-03-09", 7))
    second_invitations = [
        m
        for m in smtp_server.messages
        if m["X-Concord-Kind"] == "meeting-invitation"
        and "2027-03-11" in str(calendar_event(m)["UID"])
    ]
    assert len(second_invitations) == 3
    agenda = str(calendar_event(second_invitations[0])["DESCRIPTION"])
    assert "Evaluarea serviciilor pentru copii (DGASPC-CJ)" in agenda

    def queued() -> int:
        session.rollback()
        return len(session.exec(select(OutboxMessage.key)).all())

    sent, rows = len(smtp_server.messages), queued()
    again = meeting_flow(at("2027-03-11", 10), at("2027-03-09", 8), wait_for_minutes=False)
    assert again["steps"] == [] and len(smtp_server.messages) == sent and queued() == rows

    # Moving the second meeting updates every calendar: same UID, SEQUENCE 1.
    engine = get_engine(get_settings().resolved_database_url())
    calendar = WorkingCalendar(zone=ZONE)
    with Session(engine, expire_on_commit=False) as work:
        moved = work.exec(select(Meeting).where(Meeting.planned_date == date(2027, 3, 11))).one()
        times = meeting_times(
            start=at("2027-03-12", 11),
            duration_minutes=90,
            agenda_days=3,
            minutes_days=5,
            calendar=calendar,
        )
        assert move_meeting(
            Cycle(work, get_settings(), calendar, at("2027-03-09", 9)),
            moved,
            times,
            "mutată cu o zi",
            Venue(location="Palatul Victoria", online_url="https://meet.example/wg"),
        )
        work.commit()
    daily_sweep(now=at("2027-03-09", 10))
    updates = by_kind(smtp_server.messages, "meeting-update")
    assert len(updates) == 3
    update = calendar_event(updates["focal-point@europol.example"])
    assert str(update["UID"]) == "meeting-WG-2027-03-11@concord" and int(update["SEQUENCE"]) == 1
    assert update["DTSTART"].dt == at("2027-03-12", 11)
    assert str(update["LOCATION"]) == "Palatul Victoria"
    assert str(update["URL"]) == "https://meet.example/wg"

    # The owner reports the action done: the first meeting closes.
    action_key = f"{key}:action-item:1"
    assert (
        portal.answer(
            action_key, at("2027-03-10", 9), progress="done", narrative="Evaluare finalizată."
        )
        == 200
    )
    daily_sweep(now=at("2027-03-10", 10))
    session.rollback()
    assert session.get(ActionItem, item.id).status == "done"
    assert (
        session.exec(select(Meeting).where(Meeting.planned_date == date(2026, 12, 10))).one().status
        == "closed"
    )
    carried = session.exec(
        select(AgendaItem).where(col(AgendaItem.action_item_id).is_not(None))
    ).all()
    assert [a.title for a in carried] == ["Evaluarea serviciilor pentru copii (DGASPC-CJ)"]
