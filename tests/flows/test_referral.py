"""The referral flow through a real Prefect API: a child referred to the county's DGASPC."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, func, select

from flows.referral import referral
from models.referrals.register import ReferralError
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
        "now": NOW,
        **changes,
    }


def test_a_child_is_referred_to_the_countys_dgaspc_once_and_the_disclosure_is_logged(
    prefect_api: None, session: Session, smtp_server: SmtpServer
) -> None:
    for code in ("IGPR", "DGASPC-IS", "ANITP-IS"):
        make_institution(session, code)
    state = referral(**child())
    assert (state.receiving, state.status, state.created) == ("DGASPC-IS", "notified", True)
    [sent] = smtp_server.messages
    assert sent["X-Concord-Kind"] == "assignment-created"
    assert str(sent["To"]).startswith("focal-point@dgaspc-is.example")
    body = sent.get_body(("plain",)).get_content()
    assert "RO-REF-2026-00001: un copil, județul Iași" in body and "72 de ore" in body
    [logged] = session.exec(select(Disclosure)).all()
    assert logged.flow_run_id and logged.purpose == "referral"

    again = referral(**child(county="CJ"))
    assert not again.created and again.receiving == "DGASPC-IS"
    assert len(smtp_server.messages) == 1
    assert session.exec(select(func.count()).select_from(Disclosure)).one() == 1


def test_an_adult_without_consent_is_not_referred(prefect_api: None, session: Session) -> None:
    for code in ("IGPR", "ANITP-IS"):
        make_institution(session, code)
    with pytest.raises(ReferralError, match="consent: an adult is referred only with"):
        referral(**child(child=False, consent=False))
    assert session.exec(select(func.count()).select_from(Referral)).one() == 0
