"""Institutions confirm their contacts: yearly in their two weeks, at once after a bounce; an
answer confirms, changes or (held for the coordinator) proposes their addresses."""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import getaddresses

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.contacts.changes import apply_held, held_changes
from models.contacts.panels import contacts_panels
from models.contacts.rules import CONFIRMATION_KIND, its_turn
from models.contacts.sweep import sweep_contacts
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.answers import AnswerInvalid, submit_answer, validate_answer
from models.lifecycle.duty import SweepContext
from models.lifecycle.tables import Assignment, AssignmentStatus
from models.messaging.bounces import take_bounce
from models.messaging.inbound import FailedRecipient
from models.messaging.outbox import OutboxMessage, message_id_for
from models.reference.institutions import Contact, Institution
from tasks.messaging.outbox import deliver_due_messages
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)  # a Monday in January
ZONE = get_settings().zone


def code_in(day: datetime, prefix: str) -> str:
    """An institution code whose two weeks of confirming hold `day`."""
    return next(f"{prefix}{n}" for n in range(5000) if its_turn(f"{prefix}{n}", day.date()))


def sweep(engine: Engine, now: datetime) -> list[str]:
    """The keys one sweep opened."""
    outcomes = sweep_contacts(SweepContext(engine, get_settings(), now))
    return [line[2:] for o in outcomes for line in o.markdown.splitlines() if line[:2] == "- "]


def opened(session: Session) -> list[str]:
    session.rollback()
    query = select(Assignment.key).where(Assignment.kind == CONFIRMATION_KIND)
    return sorted(session.exec(query.order_by(col(Assignment.id))).all())


def deliver(now: datetime) -> None:
    deliver_due_messages(now=now, batch_size=50, max_batches=5, logger=logging.getLogger("t"))


def sent_to(smtp_server: SmtpServer, key: str) -> list[str]:
    """The addresses the email of one confirmation went to."""
    wanted = message_id_for(f"{key}:opened", get_settings().sender_domain)
    [sent] = [m for m in smtp_server.messages if m["Message-ID"] == wanted]
    assert sent["X-Concord-Kind"] == "assignment-created"
    return [address for _, address in getaddresses([str(sent["To"])])]


def contact(session: Session, code: str, role: str) -> Contact | None:
    session.expire_all()
    return session.exec(
        select(Contact)
        .join(Institution, col(Institution.id) == col(Contact.institution_id))
        .where(Institution.code == code, Contact.role == role)
    ).first()


def bounce(session: Session, key: str, address: str, now: datetime) -> None:
    """A permanent bounce of the email Concord sent under `key`, for `address`."""
    outbox = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
    failed = [FailedRecipient(address, "5.1.1", True, "550 5.1.1 user unknown")]
    taken = take_bounce(
        session=session, original_id=f"<{outbox.message_ref}@x>", failed=failed, now=now
    )
    assert taken.failing, "the bounce marks the contact"
    session.commit()


def answer(session: Session, key: str, now: datetime, **values: str) -> None:
    session.expire_all()
    assignment = session.exec(select(Assignment).where(Assignment.key == key)).one()
    form = validate_answer(CONFIRMATION_KIND, values)
    submit_answer(
        session=session, assignment=assignment, form=form, actor="T", channel="form", now=now
    )
    session.commit()


def events(session: Session) -> list[tuple[str | None, str, str | None]]:
    """Every contact event, oldest first."""
    query = select(StatusEvent).where(StatusEvent.entity_type == "contact")
    return [
        (e.from_status, e.to_status, e.note)
        for e in session.exec(query.order_by(col(StatusEvent.id)))
    ]


def test_each_institution_is_asked_once_in_its_two_weeks_and_its_email_leaves(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    in_march = datetime(2027, 3, 1, 8, tzinfo=UTC)
    january, march = code_in(NOW, "JAN"), code_in(in_march, "MAR")
    make_institution(session, january)
    make_institution(session, march)
    assert sweep(engine, NOW) == [f"contacts:{january}:2027"]
    assert sweep(engine, NOW) == [] and sweep(engine, NOW + timedelta(days=1)) == []
    [asked] = session.exec(select(Assignment).where(Assignment.kind == CONFIRMATION_KIND)).all()
    calendar = WorkingCalendar(zone=ZONE)
    assert asked.due_at == calendar.end_of_day(calendar.add_working_days(NOW.date(), 10))
    assert asked.subject_ref == january and asked.status == AssignmentStatus.OPEN
    deliver(NOW)
    domain = f"{january.lower()}.example"
    key = f"contacts:{january}:2027"
    assert sent_to(smtp_server, key) == [f"focal-point@{domain}", f"deputy@{domain}"]
    assert sweep(engine, in_march) == [f"contacts:{march}:2027"]
    assert opened(session) == [key, f"contacts:{march}:2027"]


def test_a_bounce_asks_at_once_unless_a_confirmation_is_open(
    engine: Engine, session: Session, smtp_server: SmtpServer
) -> None:
    code = code_in(NOW, "BNC")
    make_institution(session, code)
    yearly = f"contacts:{code}:2027"
    assert sweep(engine, NOW) == [yearly]
    deliver(NOW)
    domain = f"{code.lower()}.example"
    bounce(session, f"{yearly}:opened", f"deputy@{domain}", NOW + timedelta(hours=1))
    assert sweep(engine, NOW + timedelta(days=1)) == [], "the yearly one is still open"
    later = NOW + timedelta(days=2)
    answer(session, yearly, later, focal_point=f"focal-point@{domain}", head=f"head@{domain}")
    assert sweep(engine, later) == [], "the bounce came before the institution answered"
    bounce(session, f"{yearly}:opened", f"focal-point@{domain}", later + timedelta(hours=1))
    after = later + timedelta(hours=2)
    assert sweep(engine, after) == [f"contacts:{code}:bounce:2027-01-06"]
    assert sweep(engine, after + timedelta(days=1)) == []
    deliver(after)
    # the focal point bounces and the deputy is gone: the head is written to
    assert sent_to(smtp_server, f"contacts:{code}:bounce:2027-01-06") == [f"head@{domain}"]


def test_a_changed_address_is_applied_at_once_clears_the_failure_and_is_recorded(
    engine: Engine, session: Session
) -> None:
    code = code_in(NOW, "CHG")
    make_institution(session, code)
    key = f"contacts:{code}:2027"
    sweep(engine, NOW)
    failing = contact(session, code, "focal-point")
    assert failing is not None
    failing.failing_since, failing.failure = NOW, "5.1.1 550 user unknown"
    session.add(failing)
    session.commit()
    domain = f"{code.lower()}.example"
    when = NOW + timedelta(days=1)
    answer(session, key, when, focal_point=f"Punct.Focal@{domain.upper()}", head=f"head@{domain}")
    changed = contact(session, code, "focal-point")
    assert changed is not None and changed.email == f"Punct.Focal@{domain}"
    assert changed.working and changed.failure is None and changed.confirmed_at == when
    assert contact(session, code, "deputy") is None, "an empty deputy removes the deputy"
    head = contact(session, code, "head")
    assert head is not None and head.confirmed_at == when and head.email == f"head@{domain}"
    assert events(session) == [
        ("working", "confirmed", f"head: confirmed: head@{domain}"),
        (
            "failing",
            "changed",
            f"focal-point: email changed: focal-point@{domain} -> Punct.Focal@{domain}",
        ),
        ("working", "removed", f"deputy: removed: deputy@{domain}"),
    ]


def test_held_changes_wait_for_the_coordinator_and_are_applied_once(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_CONTACTS_CHANGES", "hold")
    get_settings.cache_clear()
    code = code_in(NOW, "HLD")
    make_institution(session, code)
    key = f"contacts:{code}:2027"
    sweep(engine, NOW)
    domain = f"{code.lower()}.example"
    new = f"secretariat@{domain}"
    when = NOW + timedelta(days=1)
    answer(session, key, when, focal_point=new, deputy=f"deputy@{domain}", head=f"head@{domain}")
    held = contact(session, code, "focal-point")
    assert held is not None and held.email == f"focal-point@{domain}" and held.confirmed_at is None
    deputy = contact(session, code, "deputy")
    assert deputy is not None and deputy.confirmed_at == when, "a confirmation counts at once"
    [waiting] = held_changes(session)
    assert [(c.role, c.old, c.new) for c in waiting.changes] == [
        ("focal-point", f"focal-point@{domain}", new)
    ]
    [_, changes] = contacts_panels(session, when, "en", ZONE)
    assert changes.rows == [[code, "5 January 2027", f"focal point: focal-point@{domain} → {new}"]]
    applied = apply_held(session, code, "coordinator", when + timedelta(days=1))
    session.commit()
    assert [c.new for c in applied] == [new]
    now_set = contact(session, code, "focal-point")
    assert now_set is not None and now_set.email == new and now_set.confirmed_at is not None
    assert held_changes(session) == []
    with pytest.raises(LookupError, match="no change of contacts"):
        apply_held(session, code, "coordinator", when + timedelta(days=2))


def test_an_address_holding_private_data_is_refused_and_an_officials_name_is_not() -> None:
    official = {"focal_point": "maria.popescu@anitp.ro", "head": "ion.ionescu@anitp.ro"}
    assert validate_answer(CONFIRMATION_KIND, official).model_dump()["deputy"] is None
    for private in ("0721234567@gmail.com", "maria.0721234567@yahoo.com"):
        with pytest.raises(AnswerInvalid) as refused:
            validate_answer(CONFIRMATION_KIND, {**official, "head": private})
        assert set(refused.value.problems) == {"head"}
    with pytest.raises(AnswerInvalid) as missing:
        validate_answer(CONFIRMATION_KIND, {"deputy": "deputy@anitp.ro"})
    assert set(missing.value.problems) == {"focal_point", "head"}


def test_the_panel_shows_institutions_without_a_working_contact_first(
    engine: Engine, session: Session
) -> None:
    fine, unreachable, bounced = (code_in(NOW, p) for p in ("OK", "NONE", "SOME"))
    for code in (fine, unreachable, bounced):
        make_institution(session, code)
    for found in session.exec(select(Contact)).all():
        found.confirmed_at = NOW - timedelta(days=30)
        code = session.get(Institution, found.institution_id).code  # type: ignore[union-attr]
        if code == unreachable or (code == bounced and found.role == "head"):
            found.failing_since, found.failure = NOW - timedelta(days=2), "5.1.1 user unknown"
        session.add(found)
    session.commit()
    [romanian] = contacts_panels(session, NOW, "ro", ZONE)
    assert [row[0] for row in romanian.rows] == [unreachable, bounced]
    assert romanian.title == "Persoane de contact neactualizate"
    assert romanian.note == f"Fără nicio persoană de contact funcțională: {unreachable}"
    assert "nu funcționează din 2 ianuarie 2027: 5.1.1 user unknown" in romanian.rows[1][2]
    [english] = contacts_panels(session, NOW, "en", ZONE)
    assert english.title == "Contacts out of date"
    assert english.rows[0][1] == "none" and english.rows[1][2].startswith("head of the")
    assert "since 2 January 2027: 5.1.1 user unknown" in english.rows[1][2]
    assert english.note == f"Without any working contact: {unreachable}"
    later = NOW + timedelta(days=400)
    assert {row[0] for row in contacts_panels(session, later, "en", ZONE)[0].rows} == {
        fine,
        unreachable,
        bounced,
    }, "a year later every one of them is out of date"


def test_two_sweeps_at_once_ask_each_institution_once(engine: Engine, session: Session) -> None:
    codes = [code_in(NOW, f"AT{n}-") for n in range(12)]
    for code in codes:
        make_institution(session, code)
    with ThreadPoolExecutor(max_workers=2) as pool:
        keys = list(pool.map(lambda _: sweep(engine, NOW), range(2)))
    assert sorted(keys[0] + keys[1]) == sorted(f"contacts:{code}:2027" for code in codes)
    assert opened(session) == sorted(f"contacts:{code}:2027" for code in codes)
