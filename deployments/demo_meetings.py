"""The demo's meetings: the monitoring committee's played to its minutes, the working group's
left waiting for its minutes in the Prefect UI."""

import contextvars
import threading
import time as clock
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlmodel import Session, select

from deployments.demo_timeline import DemoError, Timeline
from models.core.db import get_engine
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment
from models.meetings.minutes import attendance_labels, member_codes
from models.meetings.rules import meeting_key
from models.meetings.tables import Meeting
from models.reference.institutions import Body

PLAYED = "CM-SNITP"
WAITING = "WG-VICTIM-ASSISTANCE"
DEPLOYMENT = "committee-meeting-cycle/committee-meeting-cycle"
FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
PROPOSALS = {
    "ANITP": "- Raportul de monitorizare pentru semestrul încheiat\n"
    "- Calendarul campaniei naționale de prevenire",
    "DIICOT": "- Stadiul echipelor comune de anchetă cu statele membre",
    "ONG-ADPARE": "- Finanțarea serviciilor de asistență pe termen lung",
}
YES = {"attending": "yes"}
CONFIRMATIONS = {
    PLAYED: {
        "ANITP": YES,
        "IGPR": YES,
        "DIICOT": {"attending": "delegate", "delegate_name": "Procuror-șef adjunct de serviciu"},
        "MJ": {"attending": "no"},
        "ONG-ADPARE": YES,
    },
    WAITING: {
        "ANITP": YES,
        "DGASPC-IS": YES,
        "OIM-RO": {"attending": "delegate", "delegate_name": "Coordonator de program"},
    },
}
ABSENT = ("MAE", "MEDU")  # did not answer and did not come: the secretariat records them
DECISIONS = (
    "Se aprobă ordinea de zi.",
    "Se aprobă raportul de monitorizare pentru semestrul încheiat.",
    "Campania națională de prevenire continuă, cu accent pe exploatarea prin muncă.",
)
# (owner, action, days after the meeting it is due)
ACTIONS = (
    ("ANITP", "Transmiterea raportului consolidat de monitorizare către Guvern", 30),
    ("IGPR", "Propunerea unui set comun de indicatori pentru identificarea victimelor", 45),
)
Post = Callable[[Assignment, datetime, dict[str, str]], int]
Step = tuple[datetime, Callable[[], str]]


def meeting_steps(plan: Timeline, post: Post) -> list[Step]:
    """Each moment a person acts in the two meetings, and what they do then."""
    called, called_too = plan.at(plan.opens, 9), plan.at(plan.opens, 9, 30)
    proposed = plan.at(plan.proposals_day, 11)
    invited = plan.at(plan.invitations_day(plan.meeting_starts), 12)
    invited_too = plan.at(plan.invitations_day(plan.waiting_starts), 12, 30)
    return [
        (called, lambda: convene(PLAYED, plan.meeting_starts, called)),
        (called_too, lambda: convene(WAITING, plan.waiting_starts, called_too)),
        (proposed, lambda: propose(post, plan.meeting_starts, proposed)),
        (invited, lambda: confirm(post, PLAYED, plan.meeting_starts, invited)),
        (invited_too, lambda: confirm(post, WAITING, plan.waiting_starts, invited_too)),
        (plan.minutes_at, lambda: enter_minutes(plan)),
    ]


def convene(body: str, starts: datetime, now: datetime) -> str:
    """The coordinator convenes a body's meeting: members are asked for agenda proposals."""
    from flows.committee_meeting_cycle import committee_meeting_cycle

    meeting = committee_meeting_cycle(body=body, start=starts, now=now, wait_for_minutes=False)
    status = meeting["status"]
    called = " (members asked for agenda proposals)" if status == "convened" else ""
    return f"meeting of {body} on {starts:%Y-%m-%d %H:%M}: {status}{called}"


def member_task(body: str, day: date, kind: str, code: str) -> Assignment:
    """A member's assignment in a meeting, e.g. its agenda proposals or its attendance."""
    key = f"{meeting_key(body, day)}:{kind}:{code}"
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        return session.exec(select(Assignment).where(Assignment.key == key)).one()


def propose(post: Post, starts: datetime, when: datetime) -> str:
    """Some members propose agenda items through the links of their calls."""
    day = starts.date()
    sent = {
        code: post(member_task(PLAYED, day, "agenda-items", code), when, {"proposals": text})
        for code, text in PROPOSALS.items()
    }
    return f"{PLAYED} agenda proposals through the portal: {statuses(sent)}"


def confirm(post: Post, body: str, starts: datetime, when: datetime) -> str:
    """Some members answer the invitation's attendance request through the portal."""
    sent = {
        code: post(member_task(body, starts.date(), "attendance", code), when, form)
        for code, form in CONFIRMATIONS[body].items()
    }
    return f"{body} attendance confirmed through the portal: {statuses(sent)}"


def statuses(sent: dict[str, int]) -> str:
    """'ANITP 200, MJ 200': who sent what, and the portal's HTTP answer."""
    return ", ".join(f"{code} {status}" for code, status in sent.items())


def meeting_of(body: str, starts: datetime) -> Meeting:
    """The body's meeting planned for the day of `starts`."""
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        return session.exec(
            select(Meeting)
            .join(Body, Body.id == Meeting.body_id)  # type: ignore[arg-type]
            .where(Body.code == body, Meeting.planned_date == starts.date())
        ).one()


def in_background(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run `work` in a thread that sees this one's Prefect settings; its value or error."""
    outcome: dict[str, Any] = {}
    context = contextvars.copy_context()

    def target() -> None:
        try:
            outcome["value"] = context.run(work)
        except BaseException as exc:  # handed to the caller, who says what failed
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


def enter_minutes(plan: Timeline) -> str:
    """The meeting's run waits for the minutes; the secretariat sends its form, as Resume does."""
    from prefect.flow_runs import resume_flow_run

    from flows.committee_meeting_cycle import committee_meeting_cycle

    meeting_id = meeting_of(PLAYED, plan.meeting_starts).id or 0
    thread, outcome = in_background(
        lambda: committee_meeting_cycle(
            body=PLAYED, start=plan.meeting_starts, now=plan.minutes_at, poll_seconds=1
        )
    )
    run_id = paused_run(meeting_id, thread)
    if run_id is not None:
        typed = minutes_typed(meeting_id, plan.meeting_starts.date())
        resume_flow_run(UUID(run_id), run_input=typed)
    thread.join(600)
    if "error" in outcome or thread.is_alive():
        raise DemoError(f"the minutes of {PLAYED} were not recorded: {outcome.get('error')}")
    if run_id is None:  # an earlier demo recorded them
        return f"{PLAYED} minutes: already recorded, meeting {outcome['value']['status']}"
    return (
        f"{PLAYED} minutes entered in the form of the run waiting for them (Resume in the "
        f"Prefect UI): {len(DECISIONS)} decisions, {len(ACTIONS)} action items; meeting "
        f"{outcome['value']['status']}, minutes (PDF) emailed to every member"
    )


def paused_run(meeting_id: int, thread: threading.Thread, seconds: float = 300) -> str | None:
    """The run waiting for the meeting's minutes; None when it ended without waiting."""
    deadline = clock.monotonic() + seconds
    while thread.is_alive():
        with Session(get_engine(get_settings().resolved_database_url())) as session:
            meeting = session.get(Meeting, meeting_id)
            run_id = meeting.minutes_run_id if meeting else None
        if run_id and state_of(run_id) == "PAUSED":
            return run_id
        if clock.monotonic() > deadline:
            raise DemoError(f"the run of {PLAYED} did not wait for its minutes in {seconds:.0f} s")
        clock.sleep(0.5)
    return None


def state_of(run_id: str) -> str | None:
    """The flow run's state type, e.g. PAUSED or COMPLETED."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(run_id)).state
    return state.type.value if state else None


def minutes_typed(meeting_id: int, day: date) -> dict[str, Any]:
    """What the secretariat types in the form: who came, the decisions, the action items."""
    from tasks.meetings.cycle import minutes_request

    form, _ = minutes_request(meeting_id, [])
    answered = list(form.model_fields["attendance"].default)  # the portal's answers, pre-filled
    words = attendance_labels(get_settings().language)
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        codes = sorted(member_codes(session, meeting))
    known = {line["institution"] for line in answered}
    rest = [
        {"institution": code, "status": words["absent" if code in ABSENT else "present"]}
        for code in codes
        if code not in known
    ]
    actions = [
        {"owner": owner, "title": title, "due_date": (day + timedelta(days=days)).isoformat()}
        for owner, title, days in ACTIONS
    ]
    return {"attendance": answered + rest, "decisions": list(DECISIONS), "action_items": actions}


def leave_waiting(plan: Timeline) -> str | None:
    """Run the working group's cycle as its deployment, on the real clock: it waits for minutes.

    An earlier demo's run still waiting is kept; None when the API has no such deployment.
    """
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    meeting = meeting_of(WAITING, plan.waiting_starts)
    if meeting.minutes_run_id and state_of(meeting.minutes_run_id) == "PAUSED":
        return meeting.minutes_run_id
    parameters = {"body": WAITING, "start": plan.waiting_starts.isoformat()}
    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(DEPLOYMENT)
        except ObjectNotFound:
            return None
        run = client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
    return str(run.id)


def waiting_for_minutes(run_id: str | None, seconds: float = 300) -> tuple[str, str]:
    """What to say once the run waits (or time runs out), and where the minutes are entered."""
    ui = get_settings().prefect_ui_url
    if run_id is None:
        reason = f"no {DEPLOYMENT} deployment at this Prefect API (`concord up` deploys them)"
        return f"{WAITING}: no run waits for its minutes: {reason}", f"{ui}/runs"
    url = f"{ui}/runs/flow-run/{run_id}"
    deadline = clock.monotonic() + seconds
    while (state := state_of(run_id)) not in ("PAUSED", *FINAL) and clock.monotonic() < deadline:
        clock.sleep(2)
    if state == "PAUSED":
        return f"{WAITING} meeting held; its run waits for the minutes: {url} (Resume)", url
    worker = "" if state in FINAL else " (is a worker polling the 'concord' pool?)"
    return f"{WAITING}: its run is {state}, not waiting for the minutes{worker}: {url}", url
