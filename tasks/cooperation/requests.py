"""Cooperation-request units of work, each in one transaction and safe to run twice."""

from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from models.cooperation.register import RequestInput, register_request
from models.cooperation.steps import clocks_of
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.lifecycle.desk import Desk


@dataclass(frozen=True)
class RequestState:
    """What the flow reports about a registered request."""

    reference: str
    status: str
    created: bool
    step: str | None
    clocks: dict[str, str]


@task(name="register-request", task_run_name="register request {data.instrument}")
def register_request_task(data: RequestInput, now: datetime) -> RequestState:
    """Register the request (or find it), compute its clocks and open its first step."""
    settings = get_settings()
    calendar = WorkingCalendar(zone=settings.zone)
    with write_session(get_engine(settings.resolved_database_url())) as session:
        registered = register_request(session, data, settings, calendar, now)
        desk = Desk(session, settings, calendar, now)
        clocks = {
            clock.clock_code: clock.due_at.astimezone(calendar.zone).isoformat()
            if clock.due_at
            else "waits for the decision"
            for clock in clocks_of(desk.session, registered.request)
        }
        state = RequestState(
            reference=registered.request.reference,
            status=registered.request.status,
            created=registered.created,
            step=registered.step.key if registered.step else None,
            clocks=clocks,
        )
        session.commit()
    get_run_logger().info(
        "request %s: %s%s",
        state.reference,
        state.status,
        "" if state.created else " (already registered)",
    )
    return state


def publish_request(state: RequestState) -> None:
    """The request's clocks as a Markdown artifact of the run."""
    clocks = "\n".join(f"| {code} | {due} |" for code, due in state.clocks.items())
    create_markdown_artifact(
        key="cooperation-request",
        markdown=f"## {state.reference}: {state.status}\n\n| clock | due |\n|---|---|\n{clocks}\n",
        description=f"request {state.reference}",
    )
