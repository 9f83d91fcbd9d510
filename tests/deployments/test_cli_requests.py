"""`concord requests` lists open requests by their clocks and extends a term once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.cooperation.register import RequestInput, register_request
from models.cooperation.tables import RequestClock
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.messaging.outbox import OutboxMessage
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from models.referrals.notify import notify_referral
from models.referrals.register import ReferralInput
from tests.deployments.test_cli import concord
from tests.support.reference import dump, small_document


def registered_requests(engine: Engine) -> dict[str, str]:
    """An EIO received yesterday, an urgent SIENA request two hours ago, a child referred.

    Returns the reference Concord issued each, by the sender's own.
    """
    now = datetime.now(UTC)
    settings = get_settings()
    common = {
        "partner_country": "AT",
        "partner_authority": "Staatsanwaltschaft Wien",
        "partner_email": "eio@sta-wien.example",
        "institution": "ANITP",
    }
    issued: dict[str, str] = {}
    with Session(engine, expire_on_commit=False) as session:
        load_reference(
            session=session,
            doc=parse_reference_document(dump(small_document())),
            source="t",
            now=now,
        )
        for values in (
            {
                "sender_reference": "STA-W-7",
                "instrument": "eio",
                "started_at": now - timedelta(days=1),
            },
            {
                "sender_reference": "BKA-9",
                "instrument": "siena",
                "urgent": True,
                "started_at": now - timedelta(hours=2),
            },
        ):
            data = RequestInput.model_validate({"direction": "incoming", **common, **values})
            calendar = WorkingCalendar(zone=settings.zone)
            request = register_request(session, data, settings, calendar, now).request
            issued[data.sender_reference] = request.reference
        child = ReferralInput(
            sender_reference="IPJ-CJ-3",
            notified_by="ANITP",
            county="CJ",
            child=True,
            consent=True,
            identified_at=now - timedelta(days=2),
        )
        desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), now)
        issued[child.sender_reference] = notify_referral(desk, child).referral.reference
        session.commit()
    return issued


# the command line reads both databases alike; the model tests cover PostgreSQL
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_requests_are_listed_soonest_clock_first_and_a_term_is_extended_once(
    engine: Engine,
) -> None:
    issued = registered_requests(engine)
    eio, siena, child = issued["STA-W-7"], issued["BKA-9"], issued["IPJ-CJ-3"]
    assert eio.startswith("RO-EIO-") and child.startswith("RO-REF-") and eio.endswith("-00001")
    listed = concord("requests")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "RO-" in line]
    assert [line.split()[0] for line in lines] == [siena, eio], "referrals have their own list"
    assert "STA-W-7" not in listed.stdout, "the sender's own number is not shown"
    assert "Timp rămas" in listed.stdout and "primită" in listed.stdout
    assert "OEA primită (AT)" in lines[1] and "EIO" not in lines[1].replace(eio, "")
    assert "5 ore" in lines[0]  # eight real hours from the receipt, two gone

    personal = ("--reason", "other", "--note", "martorul Ion Popescu, tel. 0721 234 567")
    refused = concord("requests", "extend", eio.lower(), "eio-recognition", *personal)
    assert refused.returncode == 2 and "note: the text seems to contain" in refused.stderr
    assert "0721" not in refused.stderr
    extend = ("requests", "extend", eio.lower(), "eio-recognition", "--reason", "translation")
    extended = concord(*extend, "--note", "Traducere la Parchetul Cluj")
    assert extended.returncode == 0, extended.stderr
    assert (
        "Termen nou:" in extended.stdout
        and "prelungit cu 30 de zile calendaristice" in extended.stdout
    )
    with Session(engine) as session:
        clock = session.exec(
            select(RequestClock).where(RequestClock.clock_code == "eio-recognition")
        ).one()
        notice = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "cooperation-extension")
        ).one()
        passed_on = session.exec(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == "assignment-created")
        ).one()
    assert clock.extensions_used == 1 and notice.recipient == "eio@sta-wien.example"
    assert passed_on == str(get_settings().coordinator_email)  # DGASPC-CJ has no contact

    assert "The documents are being translated." in notice.body_text
    assert "Parchetul Cluj" not in notice.body_text + (notice.body_html or "")
    again = concord("requests", "extend", eio, "eio-recognition", "--reason", "volume")
    assert again.returncode == 2 and "already extended 1 time(s), the limit" in again.stderr
    unknown = concord("requests", "extend", eio, "eio-nope", "--reason", "volume")
    assert unknown.returncode == 2 and "has no clock 'eio-nope'" in unknown.stderr
    typed = concord("requests", "extend", "Ion Popescu 0721234567", "x", "--reason", "volume")
    assert typed.returncode == 2 and "no request (a value that seems to contain" in typed.stderr
    assert "Popescu" not in typed.stderr and "0721" not in typed.stderr

    dry = concord("retention", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Ar fi anonimizate" in dry.stdout and "cereri de cooperare închise" in dry.stdout
    assert "Cazuri închise înainte de" in dry.stdout
