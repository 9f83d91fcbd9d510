"""`concord contacts`: each institution's contacts, those out of date, held changes applied."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.contacts.rules import CONFIRMATION_KIND
from models.core.i18n import long_date
from models.core.settings import get_settings
from models.lifecycle.answers import submit_answer, validate_answer
from models.reference.institutions import Contact, Institution
from tests.deployments.test_cli import concord
from tests.portal.conftest import assignment_of
from tests.support.factories import make_institution

NOW = datetime.now(UTC)
ENGLISH = {"CONCORD_LANGUAGE": "en"}


def table(output: str) -> list[list[str]]:
    """The rows of the printed table, each as its cells."""
    return [
        [cell.strip() for cell in line.split("│")]
        for line in output.splitlines()
        if "│" in line and "┃" not in line
    ]


def day(moment: datetime) -> str:
    return long_date(moment.astimezone(get_settings().zone), "en")


@pytest.fixture
def mechanism(session: Session) -> dict[str, datetime]:
    """ANITP confirmed lately; DGASPC's head bounces; NOMAIL reaches nobody; OLD is a year old."""
    recent, old, bounced = NOW - timedelta(days=30), NOW - timedelta(days=400), NOW - timedelta(2)
    for code in ("ANITP", "DGASPC", "NOMAIL", "OLD"):
        make_institution(session, code)
    for contact in session.exec(select(Contact)).all():
        institution = session.get(Institution, contact.institution_id)
        assert institution is not None
        contact.confirmed_at = old if institution.code == "OLD" else recent
        if institution.code == "NOMAIL" or (institution.code, contact.role) == ("DGASPC", "head"):
            contact.failing_since, contact.failure = bounced, "5.1.1 550 user unknown"
        session.add(contact)
    session.commit()
    return {"recent": recent, "old": old, "bounced": bounced}


def test_every_contact_is_listed_with_its_role_status_and_confirmation(
    engine: Engine, mechanism: dict[str, datetime]
) -> None:
    result = concord("contacts", env=ENGLISH)
    assert result.returncode == 0, result.stderr
    rows = table(result.stdout)
    assert len(rows) == 12
    assert rows[0] == [
        "ANITP",
        "focal point",
        "focal-point@anitp.example",
        "working",
        day(mechanism["recent"]),
    ]
    head = next(row for row in rows if row[:2] == ["DGASPC", "head of the institution"])
    since = day(mechanism["bounced"])
    assert head[3] == f"failing since {since}: 5.1.1 550 user unknown"
    only = table(concord("contacts", "--institution", "old", env=ENGLISH).stdout)
    assert {row[0] for row in only} == {"OLD"} and len(only) == 3


def test_stale_shows_only_contacts_failing_or_unconfirmed_and_names_the_unreachable(
    engine: Engine, mechanism: dict[str, datetime]
) -> None:
    result = concord("contacts", "--stale", env=ENGLISH)
    assert result.returncode == 0, result.stderr
    rows = table(result.stdout)
    assert {(row[0], row[1]) for row in rows} == {
        ("DGASPC", "head of the institution"),
        ("NOMAIL", "focal point"),
        ("NOMAIL", "deputy focal point"),
        ("NOMAIL", "head of the institution"),
        ("OLD", "focal point"),
        ("OLD", "deputy focal point"),
        ("OLD", "head of the institution"),
    }
    assert all(row[4] == day(mechanism["old"]) for row in rows if row[0] == "OLD")
    assert "Without any working contact: NOMAIL" in result.stdout.splitlines()


def test_a_held_change_is_applied_by_the_coordinator_once(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_CONTACTS_CHANGES", "hold")
    get_settings.cache_clear()
    institution = make_institution(session, "ANITP")
    assignment = assignment_of(session, institution, CONFIRMATION_KIND)
    sent = {"focal_point": "focal-point@anitp.example", "head": "director@anitp.example"}
    submit_answer(
        session=session,
        assignment=assignment,
        form=validate_answer(CONFIRMATION_KIND, sent),
        actor="ANITP",
        channel="form",
        now=NOW,
    )
    session.commit()
    before = table(concord("contacts", env=ENGLISH).stdout)
    assert [row[2] for row in before] == [
        "focal-point@anitp.example",
        "deputy@anitp.example",
        "head@anitp.example",
    ]
    applied = concord("contacts", "apply", "anitp", env=ENGLISH)
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.splitlines() == [
        "deputy focal point: deputy@anitp.example removed",
        "head of the institution: head@anitp.example → director@anitp.example",
        "ANITP: changes applied",
    ]
    after = table(concord("contacts", env=ENGLISH).stdout)
    assert [row[2] for row in after] == ["focal-point@anitp.example", "director@anitp.example"]
    again = concord("contacts", "apply", "ANITP", env=ENGLISH)
    assert again.returncode == 1 and "no change of contacts waits" in again.stderr
