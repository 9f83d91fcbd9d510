"""`concord demo`: a round and two meetings on a clock that ends before today, then the rest."""

import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient  # the portal app in-process, on the demo's clock
from sqlmodel import Session, col, select

from deployments.cli_cooperation import stored_request
from deployments.cli_referrals import stored_referral
from deployments.demo_timeline import DemoError, Timeline, timeline
from deployments.stack import Ports, Stack, configured_portal_url, portal_port_of
from models.cooperation.register import RequestInput
from models.cooperation.tables import Direction, Instrument
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.settings import Settings, get_settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import assignment_link
from models.referrals.register import ReferralInput

__all__ = ["DemoError", "Flags", "run_demo", "timeline"]
PROGRESS = ("done", "in-progress", "in-progress", "not-started", "blocked")
INDICATORS = ("3 sesiuni de informare", "120 de participanți", "2 protocoale semnate", "")
Step = tuple[datetime, Callable[[], str]]


@dataclass(frozen=True)
class Flags:
    """The command line's ports; None leaves the choice to the environment, then the default."""

    prefect_port: int | None = None
    portal_port: int | None = None
    smtp_port: int | None = None


@dataclass(frozen=True)
class Endpoints:
    """Where the demo finds Prefect and the portal, and what chose each."""

    api_url: str
    api_from: str
    portal_from: str
    ports: Ports

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def endpoints(flags: Flags, settings: Settings, environ: Mapping[str, str]) -> Endpoints:
    """A flag wins, then PREFECT_API_URL and CONCORD_PORTAL_BASE_URL, then `concord up`'s ports."""
    if flags.prefect_port:
        api, api_from = f"http://127.0.0.1:{flags.prefect_port}/api", "--prefect-port"
    elif environ.get("PREFECT_API_URL"):
        api, api_from = environ["PREFECT_API_URL"].rstrip("/"), "PREFECT_API_URL"
    else:
        api, api_from = f"http://127.0.0.1:{Ports.prefect}/api", "default"
    portal_from = (
        "--portal-port"
        if flags.portal_port
        else "CONCORD_PORTAL_BASE_URL"
        if configured_portal_url(settings)
        else "default"
    )
    ports = Ports(
        prefect=urlsplit(api).port or Ports.prefect,
        portal=portal_port_of(settings, flags.portal_port),
        smtp=flags.smtp_port or Ports.smtp,
    )
    return Endpoints(api, api_from, portal_from, ports)


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


def connect(flags: Flags, say: Callable[[str], None]) -> Stack:
    """The running stack, with this process pointed at it; DemoError when Prefect is not up."""
    chosen = endpoints(flags, get_settings(), os.environ)
    stack = Stack(settings=get_settings(), ports=chosen.ports)
    say(f"Prefect API:  {chosen.api_url} ({chosen.api_from}; the demo starts no server)")
    say(f"portal links: {stack.links_url} ({chosen.portal_from})")
    say(f"emails:       {mail_goes_to(stack)}")
    try:
        httpx.get(f"{chosen.api_url}/health", timeout=5).raise_for_status()
    except httpx.HTTPError:
        raise DemoError(
            f"no Prefect server answers at {chosen.api_url} ({chosen.api_from}): start "
            "`concord up` first, or point PREFECT_API_URL or --prefect-port at a running one"
        ) from None
    if not answers(f"{stack.links_url}/healthz"):
        say("  (no portal answers there yet: the emails' links open once `concord up` serves it)")
    # flow runs log in full to the Prefect UI; the terminal shows the scenario's own lines
    os.environ.update(
        {
            **stack.environment(),
            "PREFECT_API_URL": chosen.api_url,
            "PREFECT_UI_API_URL": chosen.api_url,
            "CONCORD_PREFECT_UI_URL": chosen.ui_url,
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
        }
    )
    get_settings.cache_clear()
    refresh_prefect_settings()
    return stack


def answers(url: str) -> bool:
    """True when `url` answers 200 within a few seconds."""
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def refresh_prefect_settings() -> None:
    """Make an already imported Prefect read the stack's address and log levels again."""
    from prefect.context import refresh_global_settings_context
    from prefect.logging.configuration import setup_logging

    refresh_global_settings_context()
    setup_logging(incremental=False)


def mail_goes_to(stack: Stack) -> str:
    """Where the demo's emails go: the local catcher, or the SMTP server configured."""
    settings = stack.settings
    if stack.catches_mail:
        return f"the local mail catcher on port {stack.ports.smtp}, read at {stack.links_url}/mail"
    return f"the SMTP server {settings.smtp_host}:{settings.smtp_port} (CONCORD_SMTP_HOST)"


def run_demo(flags: Flags, say: Callable[[str], None]) -> dict[str, Any]:
    """The demo against the Prefect API it chose, whatever settings context the caller has."""
    stack = connect(flags, say)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # a caller's own Prefect settings (a test harness) would otherwise win over the variable
    with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
        return play(stack, say)


def play(stack: Stack, say: Callable[[str], None]) -> dict[str, Any]:
    """Open a round and convene two meetings, play the days until yesterday, then the rest."""
    settings = get_settings()
    from deployments.demo_campaign import run_campaign  # imports Prefect: after connect()
    from deployments.demo_meetings import leave_waiting, meeting_steps, waiting_for_minutes
    from deployments.demo_recommendations import run_recommendations

    plan = timeline(datetime.now(settings.zone).date(), WorkingCalendar(zone=settings.zone))
    browser = PortalBrowser(settings)
    say(
        f"the demo's clock runs from {plan.opens} to {plan.last}, the last working day before today"
    )
    open_round(plan, say)
    answered: Counter[str] = Counter()
    steps = round_steps(plan, browser, answered) + meeting_steps(plan, browser.post)
    sweep_day_by_day(plan, steps, say)
    waiting = leave_waiting(plan)  # its run starts in the worker while the rest plays
    open_cases(say)
    run_campaign(browser.post, say)
    run_recommendations(browser.post, say)
    line, url = waiting_for_minutes(waiting)
    say(line)
    return {
        "answers": dict(answered),
        "report": settings.var_dir.resolve() / "reports" / plan.period / "SNITP-2024-2028",
        "mail": mail_goes_to(stack),
        "ui": settings.prefect_ui_url,
        "api": os.environ["PREFECT_API_URL"],
        "waiting": url,
    }


def open_round(plan: Timeline, say: Callable[[str], None]) -> None:
    """Open the round of the last semester on its first day, 07:00."""
    from flows.monitoring_round import monitoring_round

    say(
        f"opening monitoring round {plan.period} on {plan.opens} "
        f"(due {plan.due}, locked {plan.lock_after_days} days later)"
    )
    opened = monitoring_round(
        period=plan.period,
        due_date=plan.due,
        lock_after_days=plan.lock_after_days,
        now=plan.at(plan.opens, 7),
    )
    say(f"  {opened['assignments']}")


def round_steps(plan: Timeline, browser: "PortalBrowser", answered: Counter[str]) -> list[Step]:
    """Institutions answer at noon: most on time, some late (the rest never)."""
    engine = get_engine(browser.settings.resolved_database_url())

    def answering(wanted: str, when: datetime) -> Callable[[], str]:
        def step() -> str:
            answered.update(answer_reports(engine, browser, plan.period, wanted, when))
            return f"institutions answered through the portal ({wanted}): {answered[wanted]}"

        return step

    on_time, late = plan.at(plan.on_time_day, 12), plan.at(plan.late_day, 12)
    return [(on_time, answering("on-time", on_time)), (late, answering("late", late))]


def sweep_day_by_day(plan: Timeline, steps: list[Step], say: Callable[[str], None]) -> None:
    """Each day until the last: the morning sweep on working days, then what people do."""
    from flows.daily_sweep import daily_sweep

    by_day: defaultdict[date, list[Step]] = defaultdict(list)
    for step in steps:
        by_day[step[0].date()].append(step)
    day = plan.opens
    while day <= plan.last:
        if day > plan.opens and plan.calendar.is_working_day(day):
            result = daily_sweep(now=plan.at(day, 8))
            say(f"{day}: sweep {result['steps'] or '-'} messages {result['messages'] or '-'}")
            for line in result["duties"]:
                say(f"{day}:   {line}")
        for _, act in sorted(by_day[day], key=lambda step: step[0]):
            say(f"{day}: {act()}")
        day += timedelta(days=1)


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
