"""Extending a running clock of a request, with its reason, and telling the partner."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from models.cooperation.notices import queue_extension_notice
from models.cooperation.rules import (
    EXTENSION_REASONS,
    ExtensionReason,
    RequestError,
    legal_clock,
)
from models.cooperation.steps import clocks_of
from models.cooperation.tables import OPEN_REQUEST_STATUSES, CooperationRequest, RequestClock
from models.core.clocks import Deadline, ExtensionError, extend_deadline
from models.core.text import checked_note, shown
from models.lifecycle.assignments import first_action_at
from models.lifecycle.desk import Desk
from models.lifecycle.status import note_event
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment


@dataclass(frozen=True)
class Extended:
    """The clock's new due moment, the rule applied, and the keys of the notices queued."""

    due_at: datetime
    rule: str
    notices: list[str]


def find_request(desk: Desk, reference: str) -> CooperationRequest:
    """The request with this reference; RequestError names it when there is none."""
    query = select(CooperationRequest).where(CooperationRequest.reference == reference.upper())
    request = desk.session.exec(query).first()
    if request is None:
        raise RequestError(f"reference: no request {shown(reference)}")
    return request


def running_clock(desk: Desk, request: CooperationRequest, code: str) -> RequestClock:
    """The request's clock `code`, if it has started, is not met and has not yet run out."""
    if request.status not in OPEN_REQUEST_STATUSES:
        raise RequestError(f"reference: request {request.reference} is {request.status}")
    codes = {clock.clock_code: clock for clock in clocks_of(desk.session, request)}
    clock = codes.get(code)
    if clock is None:
        known = ", ".join(codes)
        raise RequestError(f"clock: {request.reference} has no clock {shown(code)} ({known})")
    if clock.due_at is None or clock.met_at is not None:
        raise RequestError(f"clock: {code} is not running")
    if clock.due_at <= desk.now:
        raise RequestError(f"clock: {code} ran out at {clock.due_at.isoformat()}; extend before")
    return clock


def checked_reason(reason: str, note: str) -> tuple[ExtensionReason, str]:
    """The reason from the list and the note kept with it; RequestError names the field."""
    if reason not in EXTENSION_REASONS:
        raise RequestError(f"reason: choose one of {', '.join(EXTENSION_REASONS)}")
    note = checked_note("note", note, error=RequestError)
    if reason == ExtensionReason.OTHER and not note:
        raise RequestError("note: say why, for the record (it is not sent to the partner)")
    return ExtensionReason(reason), note


def extend_clock(desk: Desk, reference: str, code: str, reason: str, note: str = "") -> Extended:
    """Extend one clock once, move its open step's due moment and queue the partner's notice.

    The partner is told the reason from the list; the note stays in the history.
    """
    listed, note = checked_reason(reason, note)
    request = find_request(desk, reference)
    clock = running_clock(desk, request, code)
    legal = legal_clock(code)
    if legal is None:
        raise RequestError(f"clock: {code} was set by hand; register the new deadline instead")
    assert clock.due_at is not None
    current = Deadline(clock.due_at, clock.nominal_end, "")
    try:
        extended = extend_deadline(
            legal, current, clock.extensions_used, desk.calendar, desk.settings.language
        )
    except ExtensionError as exc:
        raise RequestError(f"clock: {exc}") from None
    clock.due_at, clock.nominal_end = extended.due, extended.nominal_end
    clock.extensions_used += 1
    desk.session.add(clock)
    _move_step(desk, clock)
    why = f"{code} extended to {extended.due.isoformat()}: {listed}" + (f"; {note}" if note else "")
    note_event(session=desk.session, entity=request, actor="coordinator", now=desk.now, note=why)
    notices = queue_extension_notice(desk, request, clock, listed)
    return Extended(extended.due, extended.rule, notices)


def _move_step(desk: Desk, clock: RequestClock) -> None:
    """The open step on the clock follows its new due moment."""
    step = desk.session.get(Assignment, clock.assignment_id) if clock.assignment_id else None
    if step is None or step.status not in OPEN_ASSIGNMENT_STATUSES or clock.due_at is None:
        return
    step.due_at = clock.due_at
    step.next_action_at = first_action_at(
        kind=step.kind,
        due_at=clock.due_at,
        override=step.policy_override,
        calendar=desk.calendar,
        now=desk.now,
    )
    step.updated_at = desk.now
    desk.session.add(step)
