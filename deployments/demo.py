"""`concord demo`: a compressed monitoring round on a moving clock, against the running stack."""

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient  # the portal app in-process, on the demo's clock
from sqlmodel import Session, col, select

from deployments.stack import Ports, Stack
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.settings import Settings, get_settings
from models.lifecycle.tables import Assignment
from models.messaging.compose import assignment_link

PERIOD, DUE, LOCK_AFTER_DAYS = "2025-S2", date(2026, 1, 23), 7
OPENS, ON_TIME_DAY, LATE_DAY = date(2026, 1, 5), date(2026, 1, 14), date(2026, 1, 27)
PROGRESS = ("done", "in-progress", "in-progress", "not-started", "blocked")


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
        self.now = datetime.combine(OPENS, time(12), tzinfo=settings.zone)
        app = create_app()
        app.dependency_overrides[clock] = lambda: self.now
        self.client = TestClient(app)

    def answer(self, assignment: Assignment, when: datetime) -> int:
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
        progress = PROGRESS[int(hashlib.sha256(assignment.key.encode()).hexdigest()[:2], 16) % 5]
        form = {
            "progress": progress,
            "indicator_value": "",
            "narrative": "Activitățile planificate pentru perioadă au fost derulate.",
            "csrf": token.group(1) if token else "",
        }
        return int(self.client.post(path, data=form).status_code)


def run_demo(ports: Ports, say: Callable[[str], None]) -> dict[str, Any]:
    """Open a round, sweep day by day, answer through the portal, lock and report."""
    settings = get_settings()
    stack = Stack(settings=settings, ports=ports)
    try:
        httpx.get(f"{stack.api_url}/health", timeout=5).raise_for_status()
    except httpx.HTTPError:
        raise DemoError(f"no Prefect server at {stack.api_url}: start `concord up` first") from None
    # flow runs log in full to the Prefect UI; the terminal shows the scenario's own lines
    os.environ.update({**stack.environment(), "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"})
    get_settings.cache_clear()
    settings = get_settings()
    from flows.daily_sweep import daily_sweep
    from flows.monitoring_round import monitoring_round

    calendar = WorkingCalendar(zone=settings.zone)
    engine = get_engine(settings.resolved_database_url())
    browser = PortalBrowser(settings)
    say(
        f"opening monitoring round {PERIOD} on {OPENS} "
        f"(due {DUE}, locked {LOCK_AFTER_DAYS} days later)"
    )
    opened = monitoring_round(
        period=PERIOD,
        due_date=DUE,
        lock_after_days=LOCK_AFTER_DAYS,
        now=datetime.combine(OPENS, time(7), tzinfo=settings.zone),
    )
    say(f"  {opened['assignments']}")
    answers: Counter[str] = Counter()
    day = OPENS + timedelta(days=1)
    last = calendar.next_working_day(DUE + timedelta(days=LOCK_AFTER_DAYS + 1))
    while day <= last:
        if calendar.is_working_day(day):
            result = daily_sweep(now=datetime.combine(day, time(8), tzinfo=settings.zone))
            say(f"{day}: sweep {result['steps'] or '-'} messages {result['messages'] or '-'}")
        if day in (ON_TIME_DAY, LATE_DAY):
            wanted = "on-time" if day == ON_TIME_DAY else "late"
            answers += answer_reports(
                engine, browser, wanted, datetime.combine(day, time(12), tzinfo=settings.zone)
            )
            say(f"{day}: institutions answered through the portal ({wanted}): {answers[wanted]}")
        day += timedelta(days=1)
    folder = settings.var_dir.resolve() / "reports" / PERIOD / "SNITP-2024-2028"
    return {
        "answers": dict(answers),
        "report": folder,
        "mail": f"{stack.portal_url}/mail",
        "ui": stack.ui_url,
    }


def answer_reports(
    engine: Any, browser: PortalBrowser, wanted: str, when: datetime
) -> Counter[str]:
    """Answer every report of the round whose institution behaves as `wanted`."""
    with Session(engine) as session:
        reports = session.exec(
            select(Assignment).where(
                col(Assignment.key).startswith(f"report:SNITP-2024-2028:{PERIOD}:")
            )
        ).all()
    counts: Counter[str] = Counter()
    for assignment in reports:
        if behaviour(assignment.key) == wanted and browser.answer(assignment, when) == 200:
            counts[wanted] += 1
    return counts
