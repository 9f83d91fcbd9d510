"""`concord demo`: a compressed monitoring round on a moving clock, then the other duties."""

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient  # the portal app in-process, on the demo's clock
from sqlmodel import Session, col, select

from deployments.cli_cooperation import stored_request
from deployments.cli_referrals import stored_referral
from deployments.stack import Ports, Stack
from models.cooperation.register import RequestInput
from models.cooperation.tables import Direction, Instrument
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.periods import period_containing
from models.core.settings import Settings, get_settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import assignment_link
from models.referrals.register import ReferralInput

PROGRESS = ("done", "in-progress", "in-progress", "not-started", "blocked")
INDICATORS = ("3 sesiuni de informare", "120 de participanți", "2 protocoale semnate", "")


@dataclass(frozen=True)
class Timeline:
    """The demo's round: opened three weeks ago, locking about today, so its links stay valid."""

    period: str
    opens: date
    on_time_day: date
    due: date
    late_day: date
    lock_after_days: int = 7


def timeline(today: date, calendar: WorkingCalendar) -> Timeline:
    """The round of the semester before `today`, placed around `today`."""
    opens = calendar.next_working_day(today - timedelta(days=21))
    due = calendar.add_working_days(opens, 10)
    return Timeline(
        period=period_containing(today).previous().label,
        opens=opens,
        on_time_day=calendar.add_working_days(opens, 5),
        due=due,
        late_day=calendar.add_working_days(due, 2),
    )


class DemoError(RuntimeError):
    """The stack is not running, or a step of the scenario failed."""


def behaviour(key: str) -> str:
    """Whether an institution answers a report on time, late or never (stable per report)."""
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) % 100
    return "on-time" if bucket < 60 else "late" if bucket < 80 else "never"


class PortalBrowser:
    """Answers through the portal application itself, with the scenario's clock."""

    def __init__(self, settings: Settings) -> None:
        from portal.app import create_app
        from portal.dependencies import clock

        self.settings = settings
        self.now = datetime.now(settings.zone)
        app = create_app()
        app.dependency_overrides[clock] = lambda: self.now
        self.client = TestClient(app)

    def post(
        self,
        assignment: Assignment,
        when: datetime,
        form: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> int:
        """Open the assignment's link at `when`, send the form (and files): the HTTP status."""
        self.now = when
        link = assignment_link(
            assignment_id=assignment.id or 0,
            institution_id=assignment.institution_id,
            due_at=assignment.due_at,
            now=when,
            settings=self.settings,
            version=assignment.link_version,
        )
        path = link.removeprefix(self.settings.portal_base_url)
        page = self.client.get(path)
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        data = {**form, "csrf": token.group(1) if token else ""}
        return int(self.client.post(path, data=data, files=files).status_code)

    def answer(self, assignment: Assignment, when: datetime) -> int:
        """Answer a monitoring report with progress picked by its key."""
        pick = int(hashlib.sha256(assignment.key.encode()).hexdigest()[:2], 16)
        form = {
            "progress": PROGRESS[pick % len(PROGRESS)],
            "indicator_value": INDICATORS[pick % len(INDICATORS)],
            "narrative": "Activitățile planificate pentru perioadă au fost derulate.",
        }
        return self.post(assignment, when, form)


def connect(ports: Ports) -> Stack:
    """The running stack, with this process pointed at it; DemoError when it is not up."""
    stack = Stack(settings=get_settings(), ports=ports)
    try:
        httpx.get(f"{stack.api_url}/health", timeout=5).raise_for_status()
    except httpx.HTTPError:
        raise DemoError(f"no Prefect server at {stack.api_url}: start `concord up` first") from None
    # flow runs log in full to the Prefect UI; the terminal shows the scenario's own lines
    os.environ.update({**stack.environment(), "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"})
    get_settings.cache_clear()
    refresh_prefect_settings()
    return stack


def refresh_prefect_settings() -> None:
    """Make an already imported Prefect read the stack's address and log levels again."""
    from prefect.context import refresh_global_settings_context
    from prefect.logging.configuration import setup_logging

    refresh_global_settings_context()
    setup_logging(incremental=False)


def mail_went_to(stack: Stack, settings: Settings) -> str:
    """Where the demo's emails can be read: the local catcher's page, or the real server."""
    if stack.catches_mail:
        return f"{stack.portal_url}/mail (local mail catcher)"
    return f"the SMTP server {settings.smtp_host}:{settings.smtp_port}"


def run_demo(ports: Ports, say: Callable[[str], None]) -> dict[str, Any]:
    """Open a round, sweep day by day, answer through the portal, lock and report."""
    stack = connect(ports)
    settings = get_settings()
    from deployments.demo_campaign import run_campaign  # imports Prefect: after connect()
    from deployments.demo_recommendations import run_recommendations
    from flows.monitoring_round import monitoring_round

    calendar = WorkingCalendar(zone=settings.zone)
    plan = timeline(datetime.now(settings.zone).date(), calendar)
    browser = PortalBrowser(settings)
    say(
        f"opening monitoring round {plan.period} on {plan.opens} "
        f"(due {plan.due}, locked {plan.lock_after_days} days later)"
    )
    opened = monitoring_round(
        period=plan.period,
        due_date=plan.due,
        lock_after_days=plan.lock_after_days,
        now=datetime.combine(plan.opens, time(7), tzinfo=settings.zone),
    )
    say(f"  {opened['assignments']}")
    answers = sweep_day_by_day(plan, calendar, browser, say)
    convene_next_meeting(say)
    open_cases(say)
    run_campaign(browser.post, say)
    run_recommendations(browser.post, say)
    return {
        "answers": dict(answers),
        "report": settings.var_dir.resolve() / "reports" / plan.period / "SNITP-2024-2028",
        "mail": mail_went_to(stack, settings),
        "ui": stack.ui_url,
    }


def sweep_day_by_day(
    plan: Timeline, calendar: WorkingCalendar, browser: PortalBrowser, say: Callable[[str], None]
) -> Counter[str]:
    """Sweep each working day until the round has locked; institutions answer on their days."""
    from flows.daily_sweep import daily_sweep

    zone = browser.settings.zone
    engine = get_engine(browser.settings.resolved_database_url())
    answers: Counter[str] = Counter()
    day = plan.opens + timedelta(days=1)
    last = calendar.next_working_day(plan.due + timedelta(days=plan.lock_after_days + 1))
    while day <= last:
        if calendar.is_working_day(day):
            result = daily_sweep(now=datetime.combine(day, time(8), tzinfo=zone))
            say(f"{day}: sweep {result['steps'] or '-'} messages {result['messages'] or '-'}")
        if day in (plan.on_time_day, plan.late_day):
            wanted = "on-time" if day == plan.on_time_day else "late"
            noon = datetime.combine(day, time(12), tzinfo=zone)
            answers += answer_reports(engine, browser, plan.period, wanted, noon)
            say(f"{day}: institutions answered through the portal ({wanted}): {answers[wanted]}")
        day += timedelta(days=1)
    return answers


def convene_next_meeting(say: Callable[[str], None]) -> None:
    """Convene the monitoring committee's next meeting by its cadence: members get the call."""
    from flows.committee_meeting_cycle import committee_meeting_cycle

    meeting = committee_meeting_cycle(body="CM-SNITP", wait_for_minutes=False)
    say(f"meeting of CM-SNITP: {meeting['status']} (members asked for agenda proposals)")


def open_cases(say: Callable[[str], None]) -> None:
    """An urgent SIENA request received two hours ago and a child referred this morning."""
    from flows.cross_border_request import cross_border_request
    from flows.referral import referral

    now = datetime.now(get_settings().zone).replace(microsecond=0)
    request = cross_border_request(reference=register_demo_request(now))
    say(f"cooperation request {request.reference}: {request.status} (IGPR has 6 hours left)")
    case = referral(reference=refer_demo_child(now))
    say(f"referral {case.reference}: {case.status} to {case.receiving} (72 hours)")


def register_demo_request(now: datetime) -> str:
    """The demo's SIENA request, registered as `concord requests register` does."""
    data = RequestInput(
        sender_reference=f"IT-SCIP-{now:%Y}-DEMO",
        direction=Direction.INCOMING,
        instrument=Instrument.SIENA,
        partner_country="IT",
        partner_authority="Servizio per la Cooperazione Internazionale di Polizia",
        institution="IGPR",
        urgent=True,
        summary="Verificarea unui vehicul și a unei rute de transport",
        started_at=now - timedelta(hours=2),
    )
    return stored_request(get_settings(), data)[0]


def refer_demo_child(now: datetime) -> str:
    """The demo's child referred in Iași, notified as `concord referrals notify` does."""
    data = ReferralInput(
        sender_reference=f"IGPR-IS-{now:%Y}-DEMO",
        notified_by="IGPR",
        county="IS",
        child=True,
        consent=True,
        exploitation="begging",
        identified_at=now - timedelta(hours=5),
    )
    return stored_referral(get_settings(), data)[0]


def answer_reports(
    engine: Any, browser: PortalBrowser, period: str, wanted: str, when: datetime
) -> Counter[str]:
    """Answer every report of the round whose institution behaves as `wanted`."""
    with Session(engine) as session:
        reports = session.exec(
            select(Assignment).where(
                col(Assignment.key).startswith(f"report:SNITP-2024-2028:{period}:")
            )
        ).all()
    counts: Counter[str] = Counter()
    for assignment in reports:
        if behaviour(assignment.key) == wanted and browser.answer(assignment, when) == 200:
            counts[wanted] += 1
    return counts
