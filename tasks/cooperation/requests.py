"""Cooperation-request units of work, each in one transaction and safe to run twice."""

from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from sqlmodel import Session

from models.cooperation.extensions import find_request
from models.cooperation.steps import clocks_of
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.settings import get_settings
from models.lifecycle.desk import Desk


@dataclass(frozen=True)
class RequestState:
    """What the flow reports about a registered request."""

    reference: str
    status: str
    clocks: dict[str, str]


@task(name="read-request", task_run_name="read request {reference}")
def read_request_task(reference: str, now: datetime) -> RequestState:
    """Where the registered request stands: its status and the due moment of every clock."""
    settings = get_settings()
    calendar = WorkingCalendar(zone=settings.zone)
    with Session(get_engine(settings.resolved_database_url())) as session:
        desk = Desk(session, settings, calendar, now)
        request = find_request(desk, reference)
        clocks = {
            clock.clock_code: clock.due_at.astimezone(calendar.zone).isoformat()
            if clock.due_at
            else "waits for the decision"
            for clock in clocks_of(desk.session, request)
        }
        state = RequestState(reference=request.reference, status=request.status, clocks=clocks)
    get_run_logger().info("request %s: %s", state.reference, state.status)
    return state


def publish_request(state: RequestState) -> None:
    """The request's clocks as a Markdown artifact of the run."""
    clocks = "\n".join(f"| {code} | {due} |" for code, due in state.clocks.items())
    create_markdown_artifact(
        key="cooperation-request",
        markdown=f"## {state.reference}: {state.status}\n\n| clock | due |\n|---|---|\n{clocks}\n",
        description=f"request {state.reference}",
    )
