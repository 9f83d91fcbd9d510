"""The referral flow through a real Prefect API: a child referred to the county's DGASPC."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, func, select

from flows.referral import referral
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.referrals.notify import notify_referral
from models.referrals.register import ReferralError, ReferralInput
from models.referrals.tables import Disclosure, Referral
from tests.support.factories import make_institution
from tests.support.servers import SmtpServer

NOW = datetime(2026, 12, 5, 22, 40, tzinfo=ZoneInfo("Europe/Bucharest"))  # a Saturday night


def child(**changes: object) -> dict[str, object]:
    return {
        "sender_reference": "IGPR-IS-2026-0077",
        "notified_by": "IGPR",
        "county": "IS",
        "child": True,
        "consent": True,
        "exploitation": "begging",
        "identified_at": NOW.replace(hour=18),
        **changes,
    }


def notify(session: Session, **changes: object) -> tuple[str, bool]:
    """Notify the referral as the command line does: its reference, and whether it is new."""
    settings = get_settings()
    desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), NOW)
    notified = notify_referral(desk, ReferralInput.model_validate(child(**changes)))
    session.commit()
    return notified.referral.reference, notified.created


def test_a_child_is_referred_to_the_countys_dgaspc_once_and_the_disclosure_is_logged(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    for code in ("IGPR", "DGASPC-IS", "ANITP-IS"):
        make_institution(session, code)
    reference, created = notify(session)
    state = referral(reference=reference, now=NOW)
    assert (state.receiving, state.status, created) == ("DGASPC-IS", "notified", True)
    [sent] = smtp_server.messages
    assert sent["X-Concord-Kind"] == "assignment-created"
    assert str(sent["To"]).startswith("focal-point@dgaspc-is.example")
    body = sent.get_body(("plain",)).get_content()
    assert "RO-REF-2026-00001: un copil, județul Iași" in body and "72 de ore" in body
    [logged] = session.exec(select(Disclosure)).all()
    assert logged.purpose == "referral"

    assert notify(session, county="CJ") == (reference, False)
    again = referral(reference=reference, now=NOW)
    assert again.receiving == "DGASPC-IS"
    assert len(smtp_server.messages) == 1
    assert session.exec(select(func.count()).select_from(Disclosure)).one() == 1


def test_an_adult_without_consent_is_not_referred(session: Session) -> None:
    for code in ("IGPR", "ANITP-IS"):
        make_institution(session, code)
    with pytest.raises(ReferralError, match="consent: an adult is referred only with"):
        notify(session, child=False, consent=False)
    session.rollback()
    assert session.exec(select(func.count()).select_from(Referral)).one() == 0
