"""What the coordinator does to one assignment: snooze it or waive it, from any front end."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.core.i18n import N_, translate
from models.core.moments import EARLIEST
from models.core.settings import get_settings
from models.core.text import checked_lookup, checked_note, row_id, shown
from models.lifecycle.status import change_status, note_event
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus

# A snooze waits for something expected (a law, a budget, a reorganisation): a day after 2100
# is a slip (9999-12-31), and one that far in a zone west of UTC has no UTC equivalent.
LATEST_SNOOZE = date(2100, 12, 31)


class AssignmentError(ValueError):
    """An assignment request that cannot be carried out; the message names the field."""


def find_assignment(*, session: Session, ref: str) -> Assignment:
    """An assignment by id or by key."""
    checked_lookup("assignment", ref, error=AssignmentError)
    number = row_id(ref)  # a number no id can be is looked up as a key
    query = select(Assignment).where(
        (col(Assignment.id) == number) if number is not None else (col(Assignment.key) == ref)
    )
    found = session.exec(query).first()
    if found is None:
        raise AssignmentError(f"assignment: no assignment {shown(ref)}")
    return found


def snooze(
    *,
    session: Session,
    assignment: Assignment,
    until: datetime,
    actor: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Keep the sweep quiet about an assignment until `until`; recorded as an event."""
    reason = checked_note("reason", reason or "", error=AssignmentError)
    if assignment.status not in OPEN_ASSIGNMENT_STATUSES:
        raise AssignmentError(f"assignment: {assignment.key} is {assignment.status}, not open")
    if until <= now:
        raise AssignmentError(f"until: {until.isoformat()} is not in the future")
    assignment.snoozed_until = until
    assignment.next_action_at = until
    assignment.updated_at = now
    session.add(assignment)
    said = translate(get_settings().language, N_("snoozed until %(date)s"))
    note = said % {"date": until.date().isoformat()} + (f": {reason}" if reason else "")
    note_event(session=session, entity=assignment, actor=actor, now=now, note=note)


def waive(
    *, session: Session, assignment: Assignment, reason: str, actor: str, now: datetime
) -> None:
    """Release an institution from an assignment, with the reason on record."""
    reason = checked_note("reason", reason, error=AssignmentError)
    if not reason:
        raise AssignmentError("reason: a waiver needs a reason")
    if assignment.status not in OPEN_ASSIGNMENT_STATUSES:
        raise AssignmentError(f"assignment: {assignment.key} is {assignment.status}, not open")
    change_status(
        session=session,
        entity=assignment,
        to=AssignmentStatus.WAIVED,
        actor=actor,
        now=now,
        note=reason,
        values={"next_action_at": None, "closed_at": now, "updated_at": now},
    )


def parse_until(value: str, zone: ZoneInfo, field: str = "until") -> datetime:
    """Midnight of a YYYY-MM-DD date in `zone`; AssignmentError names the field."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise AssignmentError(f"{field}: expected a date as YYYY-MM-DD, got {value!r}") from None
    if not EARLIEST <= day <= LATEST_SNOOZE:
        raise AssignmentError(f"{field}: {day} is not between {EARLIEST} and {LATEST_SNOOZE}")
    return datetime.combine(day, time(0), tzinfo=zone)


def snooze_assignment(
    *, session: Session, ref: str, until: datetime, reason: str | None, actor: str, now: datetime
) -> Assignment:
    """Snooze the assignment an id or key names (the CLI's and the portal's one way)."""
    found = find_assignment(session=session, ref=ref)
    snooze(session=session, assignment=found, until=until, actor=actor, now=now, reason=reason)
    return found


def waive_assignment(
    *, session: Session, ref: str, reason: str, actor: str, now: datetime
) -> Assignment:
    """Waive the assignment an id or key names (the CLI's and the portal's one way)."""
    found = find_assignment(session=session, ref=ref)
    waive(session=session, assignment=found, reason=reason, actor=actor, now=now)
    return found
