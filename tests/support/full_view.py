"""A mechanism with something in every panel of the coordinator's view, on the real plan."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from deployments.cli_cooperation import store_request
from deployments.cli_referrals import store_referral
from models.campaigns.definitions import read_definitions, save_campaign
from models.campaigns.launch import launch
from models.cooperation.register import RequestInput
from models.cooperation.tables import Direction, Instrument
from models.core.calendar import WorkingCalendar
from models.core.history import StatusEvent
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.meetings.cycle import MeetingRequest, advance, plan_meeting
from models.meetings.minutes import MinutesInput, record_minutes
from models.meetings.rules import Cycle, meeting_times
from models.meetings.tables import Meeting
from models.messaging.mime import wire_bytes
from models.messaging.outbox import OutboxMessage
from models.monitoring.rounds import create_round_assignments, open_round
from models.recommendations.follow_up import open_follow_ups
from models.recommendations.importing import SAMPLE_FILE, read_recommendation_file
from models.recommendations.saving import save_recommendations
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from models.referrals.register import ReferralInput

ROMANIA = Path(__file__).resolve().parents[2] / "data" / "romania.yaml"
NOW = datetime(2026, 12, 7, 8, tzinfo=UTC)
HOUR = timedelta(hours=1)
RUNS = [f"5c1f0e7{n}-1111-4000-8000-000000000000" for n in range(3)]
CALENDAR = WorkingCalendar(zone=get_settings().zone)
ACTIONS = [
    ("ANITP", "Actualizarea ghidului de identificare pentru inspectorii muncii", "2026-11-30"),
    ("IGPR", "Raport privind cazurile de exploatare prin muncă din agricultură", "2027-01-15"),
    ("MJ", "Proiect de ordin privind despăgubirea victimelor", "2027-02-01"),
]


def full_view(engine: Engine) -> None:
    """The real plan, two rounds, meetings, a request, a referral, a campaign, follow-ups."""
    with Session(engine, expire_on_commit=False) as session:
        doc = parse_reference_document(ROMANIA.read_text(encoding="utf-8"))
        load_reference(session=session, doc=doc, source="romania.yaml", now=NOW - 1000 * HOUR)
        session.commit()
        _meetings(session)
    for period, opened in (("2026-S1", NOW - 3000 * HOUR), ("2026-S2", NOW)):
        _round(engine, period, opened)
    with Session(engine, expire_on_commit=False) as session:
        desk = Desk(session, get_settings(), CALENDAR, NOW, run_id=RUNS[0])
        _cases(desk)
        campaign = save_campaign(session, read_definitions()["CAMP-2026-CERERE"], NOW)
        launch(desk, campaign)
        rows = read_recommendation_file(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes())
        save_recommendations(session, rows, NOW)
        open_follow_ups(desk)
        for n, run in enumerate(RUNS):  # runs Prefect would name; here by the start of their id
            at = NOW - n * HOUR
            session.add(
                StatusEvent(
                    entity_type="x",
                    entity_id=n,
                    to_status="done",
                    at=at,
                    actor="t",
                    flow_run_id=run,
                )
            )
        session.commit()


def _round(engine: Engine, period: str, now: datetime) -> None:
    """A round of the national strategy, its reports opened."""
    round_id = open_round(
        engine=engine,
        strategy_code="SNITP-2024-2028",
        period_label=period,
        due_date=None,
        working_days_after_end=20,
        lock_after_days=10,
        calendar=CALENDAR,
        now=now,
    )
    create_round_assignments(engine=engine, round_id=round_id, calendar=CALENDAR, now=now)


def _meeting(session: Session, start: datetime, convened_at: datetime) -> Meeting:
    """A convened meeting of the monitoring committee."""
    times = meeting_times(
        start=start, duration_minutes=120, agenda_days=3, minutes_days=5, calendar=CALENDAR
    )
    first = Cycle(session, get_settings(), CALENDAR, convened_at)
    planned = plan_meeting(first, MeetingRequest("CM-SNITP", times))
    assert advance(first, planned) == ["convened"]
    return planned


def _meetings(session: Session) -> None:
    """A held meeting with its minutes and action items, and the next one convened."""
    zone = CALENDAR.zone
    held = _meeting(session, datetime(2026, 11, 10, 10, tzinfo=zone), NOW - 900 * HOUR)
    later = Cycle(session, get_settings(), CALENDAR, datetime(2026, 11, 11, 9, tzinfo=zone))
    advance(later, held)
    minutes = MinutesInput.model_validate(
        {
            "decisions": ["Se aprobă planul de acțiune pentru 2027."],
            "action_items": [
                {"owner": owner, "title": title, "due_date": due} for owner, title, due in ACTIONS
            ],
        }
    )
    assert record_minutes(later, held, minutes)
    day = CALENDAR.next_working_day(date(2027, 1, 12))
    _meeting(session, datetime.combine(day, time(10), tzinfo=zone), NOW)
    session.commit()


def _cases(desk: Desk) -> None:
    """An urgent incoming request and a child referred this morning."""
    request = RequestInput(
        sender_reference="IT-SCIP-2026-0815",
        direction=Direction.INCOMING,
        instrument=Instrument.SIENA,
        partner_country="IT",
        partner_authority="Servizio per la Cooperazione Internazionale di Polizia",
        institution="IGPR",
        urgent=True,
        summary="Verificarea unui vehicul și a unei rute de transport",
        started_at=NOW - 2 * HOUR,
    )
    store_request(desk, request)
    referral = ReferralInput(
        sender_reference="IGPR-IS-2026-114",
        notified_by="IGPR",
        county="IS",
        child=True,
        consent=True,
        exploitation="begging",
        identified_at=NOW - 5 * HOUR,
    )
    store_referral(desk, referral)


def catch_mail(session: Session, folder: Path, limit: int = 6) -> list[str]:
    """Write the first queued emails of each kind as the local mail catcher keeps them."""
    folder.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    kinds: set[str] = set()
    for message in session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all():
        if message.kind in kinds or len(names) >= limit:
            continue
        kinds.add(message.kind)
        content = wire_bytes(message, sender="concord@anitp.example", message_id="<x@y>", now=NOW)
        name = f"20261207T08000{len(names)}000000-{len(names):012x}.eml"
        (folder / name).write_bytes(content)
        names.append(name)
    return names
