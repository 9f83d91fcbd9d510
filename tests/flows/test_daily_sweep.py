from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from flows.daily_sweep import daily_sweep
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.lifecycle.actions import snooze
from models.lifecycle.assignments import new_assignment
from models.lifecycle.status import change_status
from models.lifecycle.tables import Assignment
from models.reference.institutions import Institution
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)


def local(day: str, hour: int = 8) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ZONE)


def add(session: Session, owner: Institution, key: str, kind: str, due: str) -> Assignment:
    assert owner.id is not None
    assignment = new_assignment(
        key=key,
        kind=kind,
        institution_id=owner.id,
        subject_type="measure",
        subject_ref=key,
        title=f"Report {key}",
        due_at=local(due, 23).replace(minute=59),
        calendar=CALENDAR,
        now=local("2026-04-01", 7),
    )
    session.add(assignment)
    session.commit()
    return assignment


def test_a_month_of_sweeps_sends_the_right_mail_on_the_right_days(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    anitp, europol = (
        make_institution(session, "ANITP"),
        make_institution(session, "EUROPOL", language="en"),
    )
    a1 = add(session, anitp, "A1", "monitoring-report", "2026-04-15")
    a2 = add(session, anitp, "A2", "monitoring-report", "2026-04-15")
    b1 = add(session, europol, "B1", "action-item", "2026-04-09")
    c1 = add(
        session, make_institution(session, "DGASPC-CJ"), "C1", "monitoring-report", "2026-04-15"
    )
    snooze(
        session=session,
        assignment=c1,
        until=local("2026-04-22", 0),
        actor="coordinator",
        now=local("2026-04-01", 7),
        reason="reorganisation",
    )
    session.commit()

    received: dict[str, list[tuple[str, str]]] = defaultdict(list)
    day = date(2026, 4, 1)
    while day <= date(2026, 4, 30):
        before = len(smtp_server.messages)
        daily_sweep(now=local(day.isoformat()))
        for message in smtp_server.messages[before:]:
            received[day.isoformat()].append((message["X-Concord-Kind"], message["To"]))
        if day == date(2026, 4, 13):
            session.rollback()
            session.expire_all()
            answered = session.get(Assignment, a2.id)
            assert answered is not None
            change_status(
                session=session,
                entity=answered,
                to="done",
                actor="ANITP",
                now=local("2026-04-13", 12),
            )
            session.commit()
        day += timedelta(days=1)

    focal = {code: f"focal-point@{code.lower()}.example" for code in ("ANITP", "EUROPOL")}
    heads = {
        code: f"head@{code.lower()}.example, deputy@{code.lower()}.example"
        for code in ("ANITP", "EUROPOL", "DGASPC-CJ")
    }
    coordinator = "secretariat@coordination.example"
    expected = {
        "2026-04-02": [("daily-digest", focal["EUROPOL"])],
        "2026-04-06": [("daily-digest", focal["ANITP"])],
        "2026-04-08": [("daily-digest", focal["EUROPOL"])],
        "2026-04-14": [("daily-digest", focal["ANITP"]), ("daily-digest", focal["EUROPOL"])],
        "2026-04-16": [("daily-digest", focal["ANITP"])],
        "2026-04-20": [("escalation", heads["ANITP"]), ("escalation", heads["EUROPOL"])],
        "2026-04-22": [("escalation", heads["DGASPC-CJ"])],
        "2026-04-24": [("escalation-summary", coordinator)],
        "2026-04-27": [("escalation-summary", coordinator)],
    }
    assert {d: sorted(v) for d, v in received.items()} == expected

    session.rollback()
    session.expire_all()
    statuses = {a.key: a.status for a in session.exec(select(Assignment)).all()}
    assert statuses == {"A1": "escalated", "A2": "done", "B1": "escalated", "C1": "escalated"}
    events = session.exec(
        select(StatusEvent).where(
            StatusEvent.entity_id == b1.id, StatusEvent.entity_type == "assignment"
        )
    ).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        ("open", "reminded"),
        ("reminded", "overdue"),
        ("overdue", "escalated"),
    ]
    assert all(e.flow_run_id for e in events)
    a1_events = session.exec(
        select(StatusEvent).where(
            StatusEvent.entity_id == a1.id, StatusEvent.entity_type == "assignment"
        )
    )
    assert [e.at.astimezone(ZONE).date().isoformat() for e in a1_events] == [
        "2026-04-06",
        "2026-04-16",
        "2026-04-20",
    ]
