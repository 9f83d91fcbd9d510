"""A campaign report covers its month: rows outside it are refused, corrections end at its lock."""

import email
import html
from datetime import date, timedelta
from email.message import Message
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlmodel import Session, select

from models.campaigns.definitions import read_definitions, save_campaign
from models.campaigns.launch import launch
from models.campaigns.rules import report_due, report_locks
from models.campaigns.tables import CampaignActivity
from models.core.calendar import WorkingCalendar
from models.core.i18n import long_date
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.lifecycle.tables import Answer, Assignment, AssignmentStatus
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.flows.test_prevention_campaign import at, institution
from tests.support.factories import make_assignment, make_institution
from tests.support.portal import Portal
from tests.support.reference import dump
from tests.support.servers import SmtpServer

ZONE = ZoneInfo("Europe/Bucharest")
OCTOBER = "campaign:CAMP-P:2026-10:ANITP-IS"


REFERENCE = {
    "version": 1,
    "institutions": [institution("ANITP", "agency"), institution("ANITP-IS", "regional-centre")],
}
CAMPAIGN = {
    "code": "CAMP-P",
    "title_ro": "Muncește în siguranță",
    "title_en": "Work safely",
    "forms": ["labour"],
    "target_groups": ["pupils"],
    "channels": ["direct-meetings"],
    "counties": ["IS", "VS"],
    "starts_on": "2026-10-01",
    "ends_on": "2026-12-31",
    "lead": "ANITP",
    "targets": {"reach": 5000},
}
ROW = {
    "county": "IS",
    "channel": "direct-meetings",
    "target_group": "pupils",
    "form": "labour",
    "participants": "40",
}


def plan_and_load(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference data and the campaign's plan, as the flow reads them."""
    doc = parse_reference_document(dump(REFERENCE))
    load_reference(session=session, doc=doc, source="t", now=at("2026-09-01"))
    session.commit()
    plan = tmp_path / "campaigns.yaml"
    plan.write_text(yaml.safe_dump({"campaigns": [CAMPAIGN]}, allow_unicode=True), "utf-8")
    monkeypatch.setenv("CONCORD_CAMPAIGNS_FILE", str(plan))
    get_settings.cache_clear()


def launched_in_october(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The campaign launched on its first day: the October report is asked for."""
    plan_and_load(session, tmp_path, monkeypatch)
    settings = get_settings()
    now = at("2026-10-01")
    campaign = save_campaign(session, read_definitions(settings.campaigns_file)["CAMP-P"], now)
    launch(Desk(session, settings, WorkingCalendar(zone=settings.zone), now), campaign)
    session.commit()


def typed(held_on: str) -> dict[str, str]:
    return {"activities-0-held_on": held_on, **{f"activities-0-{k}": v for k, v in ROW.items()}}


def test_a_november_row_on_the_october_form_is_refused_naming_its_row_and_date(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launched_in_october(session, tmp_path, monkeypatch)
    portal = Portal(session)
    refused = portal.send(OCTOBER, at("2026-11-05"), {**typed("2026-11-03"), "note": ""})
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Rândul 1, Data</strong>: 03.11.2026" in text and "2026-10" in text
    assert session.exec(select(CampaignActivity)).all() == []
    assert session.exec(select(Answer)).all() == []


def test_a_november_line_in_the_october_file_is_refused_naming_the_line(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launched_in_october(session, tmp_path, monkeypatch)
    lines = [
        "data;judet;canal;grup_tinta;forma;participanti",
        "14.10.2026;IS;direct-meetings;pupils;labour;40",
        "02.11.2026;IS;direct-meetings;pupils;labour;25",
    ]
    upload = {"attachment": ("activitati.csv", "\n".join(lines).encode(), "text/csv")}
    refused = Portal(session).send(OCTOBER, at("2026-11-05"), {"note": ""}, upload)
    assert refused.status_code == 422
    assert "Rândul 3 din fișier, Data</strong>: 02.11.2026" in html.unescape(refused.text)
    assert session.exec(select(CampaignActivity)).all() == []


def confirmation(smtp_server: SmtpServer) -> Message:
    [sent] = [m for m in smtp_server.messages if m["X-Concord-Kind"] == "answer-confirmation"]
    return email.message_from_bytes(sent.as_bytes())


def plain_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def test_the_confirmation_says_until_when_the_answer_can_be_corrected_and_it_can(
    session: Session, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launched_in_october(session, tmp_path, monkeypatch)
    calendar = WorkingCalendar(zone=ZONE)
    locks, due = report_locks("2026-10", calendar), report_due("2026-10", calendar)
    portal = Portal(session)
    assert portal.send(OCTOBER, at("2026-11-02"), {**typed("2026-10-14"), "note": ""}).is_success
    text = " ".join(plain_text(confirmation(smtp_server)).split())
    until = f"{long_date(locks.astimezone(ZONE).date(), 'ro')}, ora {locks.astimezone(ZONE):%H:%M}"
    assert until in text, text

    past_deadline = due.astimezone(ZONE) + (locks - due) / 2
    corrected = portal.send(OCTOBER, past_deadline, {**typed("2026-10-15"), "note": ""})
    assert corrected.status_code == 200, "a correction is taken until the month locks"
    last_minute = locks - timedelta(minutes=1)
    assert portal.send(OCTOBER, last_minute, {**typed("2026-10-16"), "note": ""}).status_code == 200
    after_lock = portal.send(OCTOBER, at("2026-12-01"), {**typed("2026-10-17"), "note": ""})
    assert after_lock.status_code in (403, 409)  # the page shows no form once locked
    session.rollback()
    [held] = session.exec(select(CampaignActivity.held_on)).all()
    assert held == date(2026, 10, 16)
    status = session.exec(select(Assignment.status).where(Assignment.key == OCTOBER)).one()
    assert status == AssignmentStatus.DONE


def test_a_late_answer_with_no_lock_is_confirmed_as_no_longer_correctable(
    session: Session, smtp_server: SmtpServer
) -> None:
    owner = make_institution(session, "ANITP")
    due = at("2026-11-20")
    make_assignment(session, owner, key="report:late", due_at=due)
    form = {"progress": "done", "indicator_value": "", "narrative": "Activități desfășurate."}
    portal = Portal(session)
    assert portal.send("report:late", due + timedelta(days=2), form).status_code == 200
    text = " ".join(plain_text(confirmation(smtp_server)).split())
    assert "nu mai poate fi corectat" in text.lower() or "no longer" in text, text
    assert "/a/" not in text, "no link is offered for a correction that would be refused"
    again = portal.send("report:late", due + timedelta(days=2, hours=1), form)
    assert again.status_code in (403, 409)  # and indeed it is refused
