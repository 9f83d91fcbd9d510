"""`concord demo` on the local stack: a round, one meeting to its minutes, one waiting, no email
dated ahead of now."""

import io
import os
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import icalendar
import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from deployments.demo import Flags, run_demo
from deployments.demo_meetings import CONFIRMATIONS, PLAYED, WAITING
from deployments.prefect_api import FINAL, PrefectApi
from deployments.stack import Stack
from models.core.db import get_engine
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.meetings.tables import Attendance, Meeting
from models.reference.institutions import Body
from portal.mailbox import body_of, read_mail


def played_on(stack: Stack) -> dict[str, Any]:
    """The demo's outcome, its lines and the caught mail, once it has played on the stack."""
    saved, lines = dict(os.environ), []
    try:
        ports = stack.ports
        outcome = run_demo(Flags(ports.prefect, ports.portal, ports.smtp), say=lines.append)
    finally:  # the demo points this process at the stack; later tests must not inherit that
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
    mail = [read_mail(path) for path in sorted((stack.var_dir / "mail").glob("*.eml"))]
    return {**outcome, "lines": lines, "mail": mail}


def of_kind(mail: list[EmailMessage], kind: str, body: str) -> list[EmailMessage]:
    return [m for m in mail if m["X-Concord-Kind"] == kind and body in str(m["Subject"]) + ics(m)]


def ics(message: EmailMessage) -> str:
    part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
    return part.get_payload(decode=True).decode() if part else ""


def meeting(body: str) -> Meeting:
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        return session.exec(
            select(Meeting).join(Body).where(Body.code == body).order_by(Meeting.id.desc())  # type: ignore[union-attr]
        ).first()


@pytest.mark.slow
def test_the_demo_plays_a_round_and_a_meeting_before_now_and_leaves_one_waiting(
    stack: Stack,
) -> None:
    demo = played_on(stack)
    assert "--prefect-port" in demo["lines"][0] and "--portal-port" in demo["lines"][1]
    no_email_ahead(demo["mail"])
    the_round_reported(stack, demo)
    the_meeting_went_through(demo["mail"])
    the_other_waits_and_resumes(stack, demo)
    the_links_open(demo["mail"])


def no_email_ahead(mail: list[EmailMessage]) -> None:
    now = datetime.now(UTC) + timedelta(seconds=30)  # clocks of one machine: a small tolerance
    ahead = [
        (m["X-Concord-Kind"], m["Date"]) for m in mail if parsedate_to_datetime(m["Date"]) > now
    ]
    assert mail and ahead == []


def the_round_reported(stack: Stack, demo: dict[str, Any]) -> None:
    assert demo["answers"]["on-time"] > 0 and demo["answers"]["late"] > 0
    report = demo["report"] / "report.html"
    assert report.exists() and (demo["report"] / "report.xlsx").exists()
    kinds = {m["X-Concord-Kind"] for m in demo["mail"]}
    assert {"round-opened", "daily-digest", "escalation", "round-report", "agenda-call"} <= kinds
    assert {"cooperation-acknowledgement", "assignment-created"} <= kinds
    campaign = (stack.var_dir / "reports/campaigns/CAMP-2026-CERERE/report.html").read_text()
    assert 'id="kpi-activities">4<' in campaign  # two centres' spreadsheets, two rows each
    assert "HelpLine" in campaign and "ANITP-TM" in campaign  # Timișoara has not reported
    reply = stack.var_dir / "reports/recommendations/GRETA-3/reply.html"
    assert reply.read_text().count('class="has-gap"') == 4  # two of GRETA's six answered


def the_meeting_went_through(mail: list[EmailMessage]) -> None:
    played = meeting(PLAYED)
    assert played.status == "minuted"
    invitation = of_kind(mail, "meeting-invitation", f"meeting-{PLAYED}-")[0]
    calendar = icalendar.Calendar.from_ical(ics(invitation))
    assert str(calendar["METHOD"]) == "REQUEST"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["UID"]) == f"meeting-{PLAYED}-{played.planned_date}@concord"
    assert event["DTSTART"].dt == played.starts_at and event.get("ATTENDEE")
    assert "Stadiul echipelor comune de anchetă" in str(event["DESCRIPTION"])  # a proposal
    prefix = f"meeting:{PLAYED}:{played.planned_date}:attendance:"
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        rows = session.exec(select(Attendance).where(Attendance.meeting_id == played.id)).all()
        answered = session.exec(
            select(Assignment.key).where(
                col(Assignment.key).startswith(prefix), Assignment.status == "done"
            )
        ).all()
    assert {key.removeprefix(prefix) for key in answered} == set(CONFIRMATIONS[PLAYED])
    assert len(rows) == 21 and {a.status for a in rows} == {"present", "delegated", "absent"}
    assert [a.delegate_name for a in rows if a.status == "delegated"] == [
        "Procuror-șef adjunct de serviciu"
    ]
    minutes = [m for m in mail if m["X-Concord-Kind"] == "minutes"]
    assert minutes, "the minutes went to the members"
    pdf = next(p for p in minutes[0].walk() if p.get_content_type() == "application/pdf")
    pages = PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages
    assert "Se aprobă ordinea de zi." in "".join(page.extract_text() for page in pages)


def the_other_waits_and_resumes(stack: Stack, demo: dict[str, Any]) -> None:
    api = PrefectApi(demo["api"])
    waiting = meeting(WAITING)
    assert waiting.status == "held" and waiting.minutes_run_id, demo["lines"][-6:]
    assert demo["waiting"].endswith(f"/runs/flow-run/{waiting.minutes_run_id}")
    run = api.run(waiting.minutes_run_id)
    assert run["state"]["type"] == "PAUSED" and run["name"].startswith(f"meeting {WAITING} 20")
    minutes = {"decisions": ["Se aprobă planul de lucru al grupului."], "action_items": []}
    api.call("POST", f"/flow_runs/{waiting.minutes_run_id}/resume", {"run_input": minutes})
    assert api.wait([waiting.minutes_run_id], until=FINAL)[waiting.minutes_run_id] == "COMPLETED"
    assert meeting(WAITING).status == "minuted"
    mail = [read_mail(path) for path in sorted((stack.var_dir / "mail").glob("*.eml"))]
    assert of_kind(mail, "minutes", ""), "its minutes went out on the real clock"
    no_email_ahead(mail)


def the_links_open(mail: list[EmailMessage]) -> None:
    links = set()
    for message in mail:
        links |= set(re.findall(r"http://127\.0\.0\.1:\d+/a/\S+", body_of(message, "plain")))
    assert links, "the demo's emails carry portal links"
    refused = [link for link in links if httpx.get(link, timeout=60).status_code in (404, 410)]
    assert refused == [], f"{len(refused)} of {len(links)} links no longer open"
