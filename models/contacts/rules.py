"""The rules of confirming contacts: the kind, its keys and timing, whose turn it is, words."""

import hashlib
from datetime import date, datetime, timedelta

from models.core.i18n import N_

CONFIRMATION_KIND = "contacts-confirmation"
CONFIRM_EVERY = timedelta(days=365)
DAYS_TO_ANSWER = 10  # working days
TURN_WINDOW = timedelta(days=14)  # a sweep missed in these two weeks still asks in time
# the form's fields and the contact role each one sets, in the order the form shows them
FIELD_ROLES: dict[str, str] = {"focal_point": "focal-point", "deputy": "deputy", "head": "head"}
ROLE_ORDER = tuple(FIELD_ROLES.values())

# what happened to a contact (entity "contact"), beside "working" and "failing" of a bounce
CONFIRMED, CHANGED, ADDED, REMOVED = "confirmed", "changed", "added", "removed"
# a change an institution sent, held for the coordinator (entity "contact-change": its answer)
CHANGE_ENTITY, HELD, APPLIED = "contact-change", "held", "applied"

# reminders like a recommendation's follow-up: the focal point's own duty, seldom urgent
POLICY = {
    "unit": "working-days",
    "remind_before": [3, 1],
    "overdue_after": 1,
    "escalate_head_after": 5,
    "escalate_coordinator_after": 10,
    "repeat_every": 5,
}

ROLE_WORDS: dict[str, str] = {
    "focal-point": N_("focal point"),
    "deputy": N_("deputy focal point"),
    "head": N_("head of the institution"),
}


def yearly_key(code: str, year: int) -> str:
    """The key of an institution's yearly confirmation: contacts:ANITP:2027."""
    return f"contacts:{code}:{year}"


def bounce_key(code: str, day: date) -> str:
    """The key of a confirmation asked after a bounce: contacts:ANITP:bounce:2027-01-04."""
    return f"contacts:{code}:bounce:{day.isoformat()}"


def turn_day(code: str, year: int) -> date:
    """The day of `year` from which an institution is asked to confirm its contacts.

    A stable hash of the code, not Python's salted hash(): the day must survive restarts.
    """
    offset = int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % 365
    return date(year, 1, 1) + timedelta(days=offset)


def its_turn(code: str, today: date) -> bool:
    """Whether today falls in the institution's two weeks of the year for confirming."""
    start = turn_day(code, today.year)
    return start <= today < start + TURN_WINDOW


def last_confirmed(moments: list[datetime | None]) -> datetime | None:
    """When all these contacts were last confirmed; None when one never was (or none exist)."""
    if not moments or any(moment is None for moment in moments):
        return None
    return min(moment for moment in moments if moment is not None)


def confirmation_stale(moments: list[datetime | None], now: datetime) -> bool:
    """Whether contacts were never confirmed (any of them) or last confirmed over a year ago."""
    last = last_confirmed(moments)
    return last is None or last < now - CONFIRM_EVERY


def same_address(first: str | None, second: str | None) -> bool:
    """Whether two addresses are the same mailbox (case aside), or both absent."""
    if first is None or second is None:
        return first == second
    return first.strip().lower() == second.strip().lower()
