"""The steps of a request: start its clocks, open the step due next, take the answer to it."""

from datetime import datetime

from sqlmodel import Session, col, select

from models.cooperation.forms import ACTIONS, WORDS
from models.cooperation.notices import queue_step_opened
from models.cooperation.rules import (
    clock_description,
    clock_start,
    legal_clock,
    policy_for,
    starts_with_decision,
)
from models.cooperation.tables import (
    REQUEST_LIFECYCLE,
    CooperationRequest,
    Direction,
    RequestClock,
    RequestStatus,
)
from models.core.calendar import WorkingCalendar
from models.core.clocks import compute_deadline
from models.core.i18n import N_, translate
from models.core.settings import get_settings
from models.lifecycle.answers import AnswerInvalid
from models.lifecycle.assignments import new_assignment
from models.lifecycle.desk import Desk, move_case
from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer, Assignment
from models.reference.institutions import Institution

KIND = "cooperation-request"
FINAL = (RequestStatus.EXECUTED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)
NOT_OFFERED = N_(
    "“%(value)s” cannot be chosen at this step (%(instrument)s). Choose one of: %(offered)s."
)


def clocks_of(session: Session, request: CooperationRequest) -> list[RequestClock]:
    """The request's clocks in the order of its steps."""
    query = select(RequestClock).where(RequestClock.request_id == request.id)
    return list(session.exec(query.order_by(col(RequestClock.position))).all())


def start_clocks(
    desk: Desk, request: CooperationRequest, answer_by: datetime | None = None
) -> None:
    """Compute the due moment of every clock whose starting event has happened."""
    for clock in clocks_of(desk.session, request):
        if clock.started_at is not None:
            continue
        start = clock_start(request, clock.clock_code, clock.position)
        legal = legal_clock(clock.clock_code)
        if start is None or (legal is None and answer_by is None):
            continue
        clock.started_at = start
        if legal is None:
            clock.due_at = answer_by
        else:
            deadline = compute_deadline(legal, start, desk.calendar)
            clock.due_at, clock.nominal_end = deadline.due, deadline.nominal_end
        desk.session.add(clock)
    desk.session.flush()


def step_title(request: CooperationRequest, clock: RequestClock, language: str) -> str:
    """The assignment's title: the step, the request's reference, whose answer is awaited."""
    what = clock_description(clock.clock_code, language)
    if request.direction == Direction.OUTGOING:
        chase = translate(language, N_("Follow up the partner's answer (%(country)s): %(what)s"))
        what = chase % {"country": request.partner_country, "what": what}
    return f"{what[:1].upper()}{what[1:]} — {request.reference}"


def open_next_step(desk: Desk, request: CooperationRequest) -> Assignment | None:
    """The assignment for the first clock still running, unless one is already open."""
    for clock in clocks_of(desk.session, request):
        if clock.met_at is not None:
            continue
        if clock.assignment_id is not None or clock.due_at is None:
            return None
        return _open_step(desk, request, clock)
    return None


def _open_step(desk: Desk, request: CooperationRequest, clock: RequestClock) -> Assignment:
    institution = desk.session.get(Institution, request.institution_id)
    assert institution is not None and clock.due_at is not None
    assignment = new_assignment(
        key=f"cooperation:{request.reference}:{clock.clock_code}",
        kind=KIND,
        institution_id=request.institution_id,
        subject_type="cooperation_request",
        subject_ref=request.reference,
        title=step_title(request, clock, institution.language),
        due_at=clock.due_at,
        calendar=desk.calendar,
        now=desk.now,
        policy_override=policy_for(request, clock),
    )
    desk.session.add(assignment)
    desk.session.flush()
    clock.assignment_id = assignment.id
    desk.session.add(clock)
    queue_step_opened(desk, request, clock, assignment)
    return assignment


def offered_actions(
    request: CooperationRequest, clocks: list[RequestClock], step: RequestClock
) -> tuple[str, ...]:
    """The actions that make sense at this step, read from the instrument's clocks.

    An answer always completes the request. A refusal answers a request someone sent, so
    only where the first clock runs from its receipt (or from a deadline the sender set).
    A decision is offered while a later clock waits for it (and stays offered at the step
    that took it, to correct that answer); acknowledging closes this step alone, so only
    where the next clock runs without waiting for the decision.
    """
    later = [clock for clock in clocks if clock.position > step.position]
    offered = {"answer"}
    first = legal_clock(clocks[0].clock_code) if clocks else None
    if first is None or first.starts_at == "receipt":
        offered.add("refuse")
    waits = [starts_with_decision(clock.clock_code, clock.position) for clock in later]
    undecided = request.decided_at is None or request.decided_at == step.met_at
    if undecided and any(waits):
        offered.add("decide")
    if waits and not waits[0]:
        offered.add("acknowledge")
    return tuple(action for action in ACTIONS if action in offered)


def step_clock(clocks: list[RequestClock], assignment: Assignment) -> RequestClock | None:
    """The clock the assignment answers, when it is one of the request's steps."""
    return next((clock for clock in clocks if clock.assignment_id == assignment.id), None)


def check_action(
    session: Session, request: CooperationRequest, assignment: Assignment, action: str
) -> None:
    """Refuse an action the step does not offer; AnswerInvalid names the field and value."""
    clocks = clocks_of(session, request)
    step = step_clock(clocks, assignment)
    if step is None:
        return
    offered = offered_actions(request, clocks, step)
    if action in offered:
        return
    institution = session.get(Institution, assignment.institution_id)
    legal = legal_clock(step.clock_code)
    language = institution.language if institution else "ro"
    instrument = legal.instrument_in(language) if legal else request.instrument.upper()
    names = {"value": WORDS[action], "offered": [WORDS[a] for a in offered]}
    raise AnswerInvalid({"action": (NOT_OFFERED, {**names, "instrument": instrument})})


def move_request(desk: Desk, request: CooperationRequest, to: RequestStatus, note: str) -> None:
    """Move the request forward; an answer that would move it back leaves its status."""
    if to in REQUEST_LIFECYCLE[request.status]:
        move_case(desk, request, to, closes=to in FINAL, actor="answer", note=note)


def take_answer(session: Session, assignment: Assignment, form: AnswerForm, answer: Answer) -> None:
    """The institution's answer meets the step's clock and opens the next step, if any."""
    request = session.exec(
        select(CooperationRequest).where(CooperationRequest.reference == assignment.subject_ref)
    ).first()
    if request is None or request.status in FINAL:
        return
    action = getattr(form, "action", "answer")
    check_action(session, request, assignment, action)
    settings = get_settings()
    desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), answer.submitted_at)
    clocks = clocks_of(session, request)
    if action == "acknowledge":
        _meet(desk, [c for c in clocks if c.assignment_id == assignment.id])
        move_request(desk, request, RequestStatus.ACKNOWLEDGED, "acknowledged")
    elif action == "decide":
        _meet(desk, [c for c in clocks if c.started_at is not None])
        request.decided_at = request.decided_at or desk.now
        move_request(desk, request, RequestStatus.DECIDED, "decided")
        start_clocks(desk, request)
    elif action == "refuse":
        move_request(desk, request, RequestStatus.REFUSED, "refused")
    else:
        _meet(desk, clocks)
        move_request(desk, request, RequestStatus.EXECUTED, "answered")
    if request.status in FINAL:
        return
    if all(clock.met_at is not None for clock in clocks_of(session, request)):
        move_request(desk, request, RequestStatus.EXECUTED, "every step answered")
    else:
        open_next_step(desk, request)


def _meet(desk: Desk, clocks: list[RequestClock]) -> None:
    for clock in clocks:
        if clock.met_at is None:
            clock.met_at = desk.now
            desk.session.add(clock)
    desk.session.flush()
