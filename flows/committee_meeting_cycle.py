"""A standing body's meeting, from the call for agenda items to the minutes and action items."""

from dataclasses import dataclass
from datetime import datetime
from itertools import count

from prefect import flow, get_run_logger, pause_flow_run, suspend_flow_run
from prefect.artifacts import create_markdown_artifact
from prefect.input.run_input import RunInput
from prefect.runtime import deployment, flow_run

from models.core.settings import get_settings
from models.core.text import Code
from models.core.types import utcnow
from models.meetings.minutes import MinutesInput, minutes_from_form
from models.meetings.rules import MeetingError
from models.meetings.tables import MeetingStatus
from tasks.meetings.cycle import (
    MeetingState,
    minutes_report,
    minutes_request,
    open_meeting_task,
    record_minutes_task,
)
from tasks.messaging.outbox import deliver_outbox

WAITING = (MeetingStatus.CONVENED, MeetingStatus.HELD)


def meeting_run_name() -> str:
    """'meeting CM-SNITP 2026-12-03' in the Prefect UI."""
    parameters = flow_run.parameters
    start = parameters.get("start")
    day = start.date().isoformat() if isinstance(start, datetime) else str(start or "")[:10]
    return f"meeting {parameters.get('body')} {day or 'by cadence'}"


def ask_for_minutes(
    meeting_id: int, problems: list[str], attempt: int, wait: "MinutesWait"
) -> MinutesInput:
    """Wait in the Prefect UI for the minutes form (the run is suspended when it is deployed)."""
    form, description = minutes_request(meeting_id, problems)
    wanted = RunInput.subclass_from_base_model_type(form).with_initial_data(description=description)
    key = f"minutes-{attempt}"
    if deployment.id:
        answer = suspend_flow_run(wait_for_input=wanted, key=key, timeout=None)
    else:
        answer = pause_flow_run(
            wait_for_input=wanted, key=key, timeout=wait.seconds, poll_interval=wait.poll_seconds
        )
    return minutes_from_form(answer.model_dump(), get_settings().language)


@dataclass(frozen=True)
class MinutesWait:
    """How long a run that is not deployed waits for the minutes, and how often it looks."""

    seconds: int
    poll_seconds: int


def collect_minutes(state: MeetingState, now: datetime | None, wait: MinutesWait) -> MeetingState:
    """Ask until the minutes can be recorded; each refusal says why above the form."""
    problems: list[str] = []
    for attempt in count(1):
        minutes = ask_for_minutes(state.meeting_id, problems, attempt, wait)
        try:
            return record_minutes_task(state.meeting_id, minutes.model_dump(mode="json"), now)
        except MeetingError as exc:
            problems = str(exc).split("; ")
            get_run_logger().warning("minutes refused: %s", exc)
    raise AssertionError("unreachable")


def show_meeting(state: MeetingState) -> dict[str, object]:
    """The run's Markdown artifact and result: where the meeting stands."""
    markdown = minutes_report(state.meeting_id)
    create_markdown_artifact(markdown, key=f"meeting-{state.meeting_id}", description=state.label)
    return {"meeting_id": state.meeting_id, "status": state.status, "steps": state.steps}


@flow(name="committee-meeting-cycle", flow_run_name=meeting_run_name, validate_parameters=True)
def committee_meeting_cycle(
    body: Code,
    start: datetime | None = None,
    duration_minutes: int = 120,
    agenda_deadline_working_days: int = 5,
    minutes_within_working_days: int = 5,
    wait_for_minutes: bool = True,
    pause_seconds: int = 3600,
    poll_seconds: int = 10,
    now: datetime | None = None,
) -> dict[str, object]:
    """Run one meeting of a standing body through its cycle.

    Convene it (members propose agenda items); the daily sweep freezes the agenda, invites and
    chases attendance. The run waits for the secretariat's minutes form; action items become
    assignments, members get the minutes as a PDF. A re-run continues where the meeting stands.
    The place and online link are no parameters (Prefect keeps those as typed): `concord meetings
    move BODY DATE --place ... --online-url ...` sets them; after the invitations, as an update.

    Args:
        body: Code of the body, e.g. CM-SNITP.
        start: Start (Bucharest time); empty: first Tuesday of the next period, 10:00.
        duration_minutes: How long it lasts.
        agenda_deadline_working_days: Working days before the meeting when the agenda freezes.
        minutes_within_working_days: Working days after the meeting by which minutes are due.
        wait_for_minutes: Wait for the minutes form (off: take the steps due and stop).
        pause_seconds: How long a run that is not deployed waits for the minutes.
        poll_seconds: How often such a run checks whether the minutes arrived.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    timing = (duration_minutes, agenda_deadline_working_days, minutes_within_working_days)
    state = open_meeting_task(body, start, *timing, wait_for_minutes, moment)
    deliver_outbox(moment)
    if wait_for_minutes and state.status in WAITING:
        state = collect_minutes(state, now, MinutesWait(pause_seconds, poll_seconds))
        deliver_outbox(state.as_of)
    return show_meeting(state)
