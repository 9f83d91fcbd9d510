"""Referrals on the test databases: consent, routing by age and county, answers, disclosures."""

import re
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.core.calendar import WorkingCalendar
from models.core.db import write_session
from models.core.settings import get_settings
from models.lifecycle.answers import submit_answer, validate_answer
from models.lifecycle.desk import Desk
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.institutions import Institution
from models.reference.loader import load_reference
from models.referrals.notify import change_referral, notify_referral
from models.referrals.register import ReferralError, ReferralInput
from models.referrals.tables import Disclosure, Referral, ReferralStatus
from tests.support.concurrency import released_together

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)
ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
NOW = datetime(2026, 12, 4, 15, 20, tzinfo=ZONE)


NEEDED = {
    "IGPR",
    "ANITP-CJ",
    "ANITP-MS",
    "ANITP-B",
    "ANITP-IS",
    "DGASPC-IS",
    "DGASPC-B3",
    "DGASPC-CJ",
}


def institutions_needed() -> str:
    """Romania's reference data cut to the institutions these tests route to, with parents."""
    document = yaml.safe_load(ROMANIA.read_text(encoding="utf-8"))
    by_code = {item["code"]: item for item in document["institutions"]}
    keep: set[str] = set()
    for code in NEEDED:
        while code and code not in keep:
            keep.add(code)
            code = by_code[code].get("parent")
    kept = [item for item in document["institutions"] if item["code"] in keep]
    return yaml.safe_dump(
        {"version": document["version"], "institutions": kept}, allow_unicode=True
    )


@pytest.fixture
def romania(session: Session) -> Session:
    doc = parse_reference_document(institutions_needed())
    load_reference(session=session, doc=doc, source="t", now=NOW - timedelta(days=30))
    session.commit()
    return session


def desk(session: Session, now: datetime = NOW) -> Desk:
    return Desk(session, get_settings(), CALENDAR, now, "run-1")


def case(**changes: object) -> ReferralInput:
    values: dict[str, object] = {
        "sender_reference": "ipj-cj-2026-0114",
        "notified_by": "IGPR",
        "county": "CJ",
        "child": False,
        "consent": True,
        "exploitation": "labour",
        "identified_at": NOW - timedelta(days=1),
    }
    return ReferralInput.model_validate({**values, **changes})


def refer(session: Session, data: ReferralInput, now: datetime = NOW) -> Referral:
    notified = notify_referral(desk(session, now), data)
    session.commit()
    return notified.referral


def receiver(session: Session, referral: Referral) -> str:
    found = session.get(Institution, referral.receiving_id)
    assert found is not None
    return found.code


@pytest.mark.parametrize(
    ("county", "child", "expected"),
    [
        ("CJ", False, "ANITP-CJ"),
        ("MM", False, "ANITP-CJ"),
        ("HR", False, "ANITP-MS"),
        ("B4", False, "ANITP-B"),
        ("IS", True, "DGASPC-IS"),
        ("B3", True, "DGASPC-B3"),
    ],
)
def test_adults_go_to_the_regions_centre_and_children_to_the_countys_dgaspc(
    romania: Session, county: str, child: bool, expected: str
) -> None:
    referral = refer(romania, case(county=county, child=child))
    assert receiver(romania, referral) == expected
    [message] = romania.exec(select(OutboxMessage)).all()
    assert message.kind == "assignment-created" and expected.lower() in message.recipient
    assert "RO-REF-2026-00001" in message.body_text and "72 de ore" in message.body_text
    assert "IPJ-CJ-2026-0114" not in message.body_text, "the notifier's number stays with it"


def test_the_clocks_the_log_and_a_second_notice_that_changes_nothing(romania: Session) -> None:
    session = romania
    referral = refer(session, case())
    assert referral.emergency_due_at == NOW + timedelta(hours=72)
    identified = (NOW - timedelta(days=1)).date()
    assert referral.reflection_ends_at == CALENDAR.end_of_day(identified + timedelta(days=90))
    again = refer(session, case(county="IS"), NOW + timedelta(hours=1))
    assert again.id == referral.id and receiver(session, again) == "ANITP-CJ"
    [logged] = session.exec(select(Disclosure)).all()
    assert (logged.purpose, logged.flow_run_id, logged.disclosed_at) == ("referral", "run-1", NOW)
    counts = [
        session.exec(select(func.count()).select_from(t)).one()
        for t in (Referral, Assignment, OutboxMessage)
    ]
    assert counts == [1, 1, 1]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": False}, "consent: an adult is referred only with recorded consent"),
        ({"consent": False, "child": True}, "consent: a child without recorded consent"),
        (
            {"consent": False, "child": True, "consent_override_by": "IGPR", "override_note": "x"},
            "consent_override_by: IGPR is not a child-protection authority",
        ),
        (
            {"consent": False, "child": True, "consent_override_by": "DGASPC-CJ"},
            "override_note: record why",
        ),
        (
            {
                "consent": False,
                "child": True,
                "county": "IS",
                "consent_override_by": "DGASPC-CJ",
                "override_note": "x",
            },
            "consent_override_by: DGASPC-CJ is not the child-protection authority of IS; "
            "only DGASPC-IS may decide",
        ),
        (
            {
                "consent": False,
                "child": True,
                "county": "B3",
                "consent_override_by": "DGASPC-IS",
                "override_note": "x",
            },
            "consent_override_by: DGASPC-IS is not the child-protection authority of B3; "
            "only DGASPC-B3 may decide",
        ),
        ({"child": True, "county": "B"}, "county: in Bucharest, a child is referred by sector"),
        ({"county": "XX"}, "county: 'XX' is not a Romanian county code"),
        ({"notified_by": "NOPE"}, "notified_by: no institution has the code 'NOPE'"),
        ({"identified_at": NOW + timedelta(days=1)}, "identified_at: "),
        (
            {"identified_at": "0001-01-01T00:00:00+14:00"},
            "identified_at: 0001-01-01T00:00:00+14:00 is before 2000-01-01; "
            "give a moment from 2000-01-01 up to now",
        ),
        (
            {"identified_at": "1999-12-31T23:59:59+02:00"},
            "identified_at: 1999-12-31T23:59:59+02:00 is before 2000-01-01",
        ),
    ],
)
def test_a_referral_that_breaks_a_rule_is_refused_and_nothing_is_written(
    romania: Session, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ReferralError, match=re.escape(message)):
        refer(romania, case(**changes))
    romania.rollback()
    assert romania.exec(select(func.count()).select_from(Referral)).one() == 0
    assert romania.exec(select(func.count()).select_from(OutboxMessage)).one() == 0


def test_a_child_without_consent_is_referred_on_the_dgaspc_override(romania: Session) -> None:
    data = case(
        child=True,
        consent=False,
        consent_override_by="dgaspc-cj",
        override_note="Interesul superior al copilului",
    )
    referral = refer(romania, data)
    assert receiver(romania, referral) == "DGASPC-CJ" and referral.reflection_ends_at is None


def test_a_bucharest_child_is_referred_on_its_sectors_override(romania: Session) -> None:
    data = case(
        county="b3",
        child=True,
        consent=False,
        consent_override_by="DGASPC-B3",
        override_note="Interesul superior al copilului",
    )
    referral = refer(romania, data)
    assert receiver(romania, referral) == "DGASPC-B3"


def test_a_cnp_in_the_override_note_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="override_note"):
        case(
            child=True,
            consent=False,
            consent_override_by="DGASPC-CJ",
            override_note="CNP 1960529460012",
        )


def test_the_receiving_institution_rejects_with_a_reason_and_the_coordinator_closes(
    romania: Session,
) -> None:
    session = romania
    referral = refer(session, case())
    step = session.exec(select(Assignment)).one()
    form = validate_answer("referral", {"decision": "reject", "reason": "no-capacity"})
    submit_answer(
        session=session,
        assignment=step,
        form=form,
        actor="t",
        channel="form",
        now=NOW + timedelta(hours=5),
    )
    session.commit()
    session.refresh(referral)
    assert (referral.status, referral.rejection_reason) == ("rejected", "no-capacity")
    change_referral(
        desk(session), "RO-REF-2026-00001", ReferralStatus.CLOSED, "referred again elsewhere"
    )
    session.commit()
    with pytest.raises(
        ReferralError, match="status: referral: cannot go from 'closed' to 'revoked'"
    ):
        change_referral(desk(session), "RO-REF-2026-00001", ReferralStatus.REVOKED, "x")


def test_revoking_a_referral_stops_the_chasing_of_the_receiving_institution(
    romania: Session,
) -> None:
    session = romania
    referral = refer(session, case())
    with pytest.raises(ReferralError, match=r"^note: the text seems to contain a phone number$"):
        change_referral(
            desk(session), "ro-ref-2026-00001", ReferralStatus.REVOKED, "tel 0721234567"
        )
    change_referral(
        desk(session), "ro-ref-2026-00001", ReferralStatus.REVOKED, "consimțământ retras"
    )
    session.commit()
    session.refresh(referral)
    step = session.exec(select(Assignment)).one()
    assert (referral.status, step.status, step.next_action_at) == ("revoked", "cancelled", None)


def test_a_referral_notified_twice_at_once_is_stored_and_told_once(
    romania: Session, engine: Engine
) -> None:
    def notify_in_a_session_of_its_own(number: int) -> bool:
        with write_session(engine) as session:
            notified = notify_referral(
                desk(session), case(sender_reference=f"IPJ-CJ-2026-{number:04}")
            )
            session.commit()
            return notified.created

    for number in range(10):
        results = released_together(partial(notify_in_a_session_of_its_own, number))
        assert sorted(results, key=str) == [False, True], results
    assert romania.exec(select(func.count()).select_from(Referral)).one() == 10
    assert romania.exec(select(func.count()).select_from(OutboxMessage)).one() == 10
