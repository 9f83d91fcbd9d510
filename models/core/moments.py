"""The bounds of a moment a person or a partner gives us: an event that happened, a deadline.

Dates are compared on the moment's own calendar date and offset, never converted to UTC
first: year 1 at +14:00 or 9999-12-31 at -12:00 has no UTC equivalent, and refusing it
must not overflow.
"""

from datetime import date, datetime

# No case Concord coordinates began before 2000: Romania's law on trafficking in persons
# (Law 678/2001) came after it, so an earlier moment is a typing slip (year 1, 0202).
EARLIEST = date(2000, 1, 1)
# A partner's deadline is weeks or months ahead and the longest legal clock (a joint
# investigation team's agreement) runs twelve months: five years on is a slip (9999-12-31).
DEADLINE_YEARS = 5


def years_after(moment: datetime, years: int) -> datetime:
    """The same day and hour `years` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def event_problem(field: str, moment: datetime, now: datetime) -> str | None:
    """Why `moment`, when something happened, cannot be: before EARLIEST or after `now`."""
    allowed = f"give a moment from {EARLIEST} up to now"
    if moment > now:
        return f"{field}: {moment.isoformat()} is in the future; {allowed}"
    if moment.date() < EARLIEST:
        return f"{field}: {moment.isoformat()} is before {EARLIEST}; {allowed}"
    return None


def deadline_problem(field: str, moment: datetime, now: datetime) -> str | None:
    """Why `moment`, a deadline, cannot be: before EARLIEST or over DEADLINE_YEARS after `now`."""
    latest = years_after(now, DEADLINE_YEARS)
    allowed = f"give a deadline from {EARLIEST} to {latest.date()}"
    if moment > latest:
        return f"{field}: {moment.isoformat()} is more than {DEADLINE_YEARS} years ahead; {allowed}"
    if moment.date() < EARLIEST:
        return f"{field}: {moment.isoformat()} is before {EARLIEST}; {allowed}"
    return None
