import json
import logging
import threading
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.actions import snooze
from models.lifecycle.assignments import new_assignment
from models.lifecycle.tables import Assignment, Notice
from models.messaging.outbox import OutboxMessage
from tasks.lifecycle.advance import advance_due_assignments, due_query
from tasks.lifecycle.bundle import bundle_notices
from tasks.messaging.outbox import deliver_due_messages
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)
LOG = logging.getLogger("test")
NOW = datetime(2026, 4, 14, 8, tzinfo=ZONE)  # 1 working day before a 15 April due date
DUE = datetime(2026, 4, 15, 23, 59, tzinfo=ZONE)


def sweep(engine: Engine, now: datetime = NOW) -> None:
    advance_due_assignments(
        engine=engine, now=now, calendar=CALENDAR, urgent_only=False, run_id=None
    )
    bundle_notices(engine=engine, now=now, settings=get_settings(), calendar=CALENDAR, logger=LOG)
    deliver_due_messages(now=now, batch_size=100, max_batches=20, logger=LOG)


def populate(session: Session, institutions: int, per_institution: int) -> None:
    for n in range(institutions):
        owner = make_institution(session, f"INST-{n}")
        assert owner.id is not None
        for m in range(per_institution):
            session.add(
                new_assignment(
                    key=f"report:{n}:{m}",
                    kind="monitoring-report",
                    institution_id=owner.id,
                    subject_type="measure",
                    subject_ref=f"{n}.{m}",
                    title=f"Raport {n}.{m}",
                    due_at=DUE,
                    calendar=CALENDAR,
                    now=NOW,
                )
            )
    session.commit()


def test_two_sweeps_at_once_send_each_reminder_exactly_once(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    populate(session, institutions=20, per_institution=10)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            sweep(engine)
        except BaseException as exc:  # reported below, with the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    links = Counter(
        line
        for m in smtp_server.messages
        for line in m.get_body(("plain",)).get_content().splitlines()
        if "/a/" in line
    )
    assert len(links) == 200 and set(links.values()) == {1}
    events = session.exec(
        select(StatusEvent.entity_id, func.count())
        .where(StatusEvent.entity_type == "assignment")
        .group_by(StatusEvent.entity_id)
    ).all()
    assert len(events) == 200 and {count for _, count in events} == {1}
    assert session.exec(select(func.count()).select_from(Notice)).one() == 200
    assert len(smtp_server.messages) >= 20


def test_running_the_sweep_again_the_same_day_sends_nothing(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    populate(session, institutions=3, per_institution=4)
    sweep(engine)
    first = len(smtp_server.messages)
    sweep(engine, NOW + timedelta(hours=2))
    assert first == 3 and len(smtp_server.messages) == 3


def test_a_digest_lists_every_item_of_an_institution_in_one_email(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    populate(session, institutions=1, per_institution=5)
    sweep(engine)
    [message] = smtp_server.messages
    assert message["X-Concord-Kind"] == "daily-digest"
    assert message["Subject"].startswith("5 solicitări deschise")


def test_a_snoozed_assignment_stays_quiet_until_its_date(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    populate(session, institutions=1, per_institution=1)
    assignment = session.exec(select(Assignment)).one()
    snooze(
        session=session,
        assignment=assignment,
        until=datetime(2026, 4, 21, tzinfo=ZONE),
        actor="coordinator",
        now=NOW - timedelta(hours=1),
        reason="waiting for data",
    )
    session.commit()
    for day in (14, 15, 16, 17, 20):
        sweep(engine, datetime.combine(date(2026, 4, day), time(8), tzinfo=ZONE))
    assert smtp_server.messages == []
    sweep(engine, datetime(2026, 4, 21, 8, tzinfo=ZONE))
    [message] = smtp_server.messages
    assert message["X-Concord-Kind"] == "escalation"  # 3 working days overdue by then
    session.expire_all()
    events = session.exec(select(StatusEvent).order_by(col(StatusEvent.id))).all()
    assert events[0].note == "amânată până la 2026-04-21: waiting for data"  # in ro, by default
    assert [e.to_status for e in events[1:]] == ["overdue", "escalated"]


def test_nothing_goes_out_on_a_holiday_unless_urgent(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    from flows.daily_sweep import daily_sweep

    assert daily_sweep is not None
    populate(session, institutions=1, per_institution=1)
    owner = make_institution(session, "IGPR")
    assert owner.id is not None
    holiday = datetime(2026, 4, 13, 9, tzinfo=ZONE)
    session.add(
        new_assignment(
            key="request:EIO-1",
            kind="cooperation-request",
            institution_id=owner.id,
            subject_type="request",
            subject_ref="EIO-1",
            title="EIO from Austria",
            due_at=holiday + timedelta(hours=6),
            calendar=CALENDAR,
            now=holiday - timedelta(days=3),
        )
    )
    session.commit()
    advance_due_assignments(
        engine=engine, now=holiday, calendar=CALENDAR, urgent_only=True, run_id=None
    )
    bundle_notices(
        engine=engine, now=holiday, settings=get_settings(), calendar=CALENDAR, logger=LOG
    )
    deliver_due_messages(now=holiday, batch_size=10, max_batches=2, logger=LOG)
    [message] = smtp_server.messages
    assert message["X-Concord-Kind"] == "reminder" and "igpr" in message["To"]


def explain_uses_index(engine: Engine, query: Any) -> dict[str, Any]:
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
            return {"plan": " / ".join(row[-1] for row in plan)}
        conn.exec_driver_sql("ANALYZE assignment")
        [[document]] = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}").all()
    nodes, found = [document[0]["Plan"]], {}
    while nodes:
        node = nodes.pop()
        if node.get("Index Name") == "ix_assignment_status_next_action":
            found = {"plan": json.dumps(node)[:300], "rows": node["Actual Rows"]}
        nodes += node.get("Plans", [])
    return found


@pytest.mark.slow
def test_a_sweep_over_100000_assignments_touches_only_the_100_due(
    engine: Engine, session: Session
) -> None:
    owner = make_institution(session, "BIG")
    later = NOW + timedelta(days=60)
    rows = [
        {
            "key": f"k{n}",
            "kind": "monitoring-report",
            "institution_id": owner.id,
            "subject_type": "measure",
            "subject_ref": str(n),
            "title": "t",
            "due_at": later + timedelta(days=30),
            "urgent": False,
            "status": "done" if n % 3 == 0 else "open",
            "next_action_at": NOW - timedelta(hours=1) if n < 100 else later,
            "reminders_sent": 0,
            "escalation_level": 0,
            "created_at": NOW - timedelta(days=1),
            "updated_at": NOW - timedelta(days=1),
        }
        for n in range(100_000)
    ]
    for n in range(0, 100, 3):
        rows[n]["status"] = "open"
    with engine.begin() as conn:
        conn.execute(insert(Assignment), rows)
    plan = explain_uses_index(
        engine, due_query(NOW, urgent_only=False, limit=500, dialect=engine.dialect.name)
    )
    print(f"\ndue-assignment query plan on {engine.dialect.name}: {plan}")
    if engine.dialect.name == "sqlite":
        assert "USING INDEX ix_assignment_status_next_action" in plan["plan"]
    else:
        assert plan and plan["rows"] <= 100
    steps = advance_due_assignments(
        engine=engine, now=NOW, calendar=CALENDAR, urgent_only=False, run_id=None
    )
    assert sum(steps.values()) == 100
    touched = session.exec(
        select(func.count()).select_from(Assignment).where(Assignment.updated_at >= NOW)
    ).one()
    assert touched == 100
    assert session.execute(text("SELECT count(*) FROM assignment")).scalar() == 100_000
    assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 0
