"""The urgent sweep keeps hour clocks on a Sunday and leaves working-day kinds alone."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from flows.urgent_sweep import urgent_sweep
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.lifecycle.assignments import new_assignment
from models.lifecycle.tables import Assignment
from models.reference.institutions import Institution
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=ZONE)


def add(session: Session, owner: Institution, key: str, kind: str, due: datetime) -> Assignment:
    assignment = new_assignment(
        key=key,
        kind=kind,
        institution_id=owner.id or 0,
        subject_type="request",
        subject_ref=key,
        title=f"Cerere {key}",
        due_at=due,
        calendar=CALENDAR,
        now=at("2026-11-28", 22),
    )
    session.add(assignment)
    session.commit()
    return assignment


def test_an_eight_hour_request_is_chased_on_a_sunday_and_a_report_is_not(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    igpr = make_institution(session, "IGPR")
    request = add(session, igpr, "siena:1", "cooperation-request", at("2026-11-29", 6))
    report = add(session, igpr, "report:1", "monitoring-report", at("2026-11-27", 23))

    urgent_sweep(now=at("2026-11-29", 10, 30))  # Sunday, four and a half hours late
    session.expire_all()
    assert session.get(Assignment, request.id).status in ("overdue", "escalated")
    assert session.get(Assignment, report.id).status == "open"
    touched = {e.entity_id for e in session.exec(select(StatusEvent)).all()}
    assert report.id not in touched
    sent = [(m["X-Concord-Kind"], m["To"]) for m in smtp_server.messages]
    assert sent and all("igpr" in to for _, to in sent)
    assert {kind for kind, _ in sent} <= {"overdue", "escalation"}

    urgent_sweep(now=at("2026-11-29", 10, 45))
    assert len(smtp_server.messages) == len(sent)  # the same steps are not taken twice
