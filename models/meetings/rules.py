"""Rules of a meeting cycle: when things are due, what keys name them, what a request may ask."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from models.core.calendar import WorkingCalendar
from models.core.i18n import N_, translate
from models.core.settings import Settings

# stored in the coordinator's words; each email shows them in its reader's language
STANDING_ITEMS = {
    "Aprobarea ordinii de zi": N_("Approval of the agenda"),
    "Stadiul acțiunilor stabilite în ședințele anterioare": N_(
        "Progress of the actions agreed at earlier meetings"
    ),
    "Diverse": N_("Any other business"),
}
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "semester": 6, "annual": 12}
CADENCE_WEEKDAY = 1  # a body meets on the first Tuesday of its period
CADENCE_TIME = time(10, 0)


class MeetingError(ValueError):
    """A meeting that cannot be planned or changed as asked; the message names the field."""


@dataclass(frozen=True)
class Cycle:
    """Where and as of when a meeting step works, and who it says did it."""

    session: Session
    settings: Settings
    calendar: WorkingCalendar
    now: datetime
    actor: str = "flow:committee-meeting-cycle"
    run_id: str | None = None


@dataclass(frozen=True)
class MeetingTimes:
    starts_at: datetime
    ends_at: datetime
    agenda_deadline_at: datetime
    minutes_due_at: datetime


def local_start(start: datetime, calendar: WorkingCalendar) -> datetime:
    """`start` as an aware time: a time without a zone is read in the calendar's zone."""
    return start.replace(tzinfo=calendar.zone) if start.tzinfo is None else start


def meeting_times(
    *,
    start: datetime,
    duration_minutes: int,
    agenda_days: int,
    minutes_days: int,
    calendar: WorkingCalendar,
) -> MeetingTimes:
    """When the meeting runs, when its agenda freezes and when its minutes are due."""
    if not 15 <= duration_minutes <= 12 * 60:
        raise MeetingError(f"duration_minutes: expected 15 to 720, got {duration_minutes}")
    if not 1 <= agenda_days <= 30:
        raise MeetingError(f"agenda_deadline_working_days: expected 1 to 30, got {agenda_days}")
    if not 1 <= minutes_days <= 60:
        raise MeetingError(f"minutes_within_working_days: expected 1 to 60, got {minutes_days}")
    starts_at = local_start(start, calendar)
    day = starts_at.astimezone(calendar.zone).date()
    deadline_day = calendar.add_working_days(day, -agenda_days)
    return MeetingTimes(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        agenda_deadline_at=calendar.end_of_day(deadline_day),
        minutes_due_at=calendar.end_of_day(calendar.add_working_days(day, minutes_days)),
    )


def meeting_uid(body_code: str, planned_date: date) -> str:
    """The meeting's iCalendar UID: stable across moves, so calendars update, not duplicate."""
    return f"meeting-{body_code}-{planned_date.isoformat()}@concord"


def meeting_key(body_code: str, planned_date: date) -> str:
    """The prefix of every assignment and message key of one meeting."""
    return f"meeting:{body_code}:{planned_date.isoformat()}"


def meeting_title(number: int, language: str = "ro") -> str:
    """'Ședința nr. 5' ('Meeting no. 5'): the meeting's title in `language`."""
    return translate(language, N_("Meeting no. %(number)d")) % {"number": number}


def standing_item(title: str, language: str) -> str:
    """A standing agenda item in `language`; any other item as its author wrote it."""
    return translate(language, STANDING_ITEMS[title]) if title in STANDING_ITEMS else title


def proposals_of(text: str) -> list[str]:
    """The agenda proposals in an answer: one per non-empty line, bullets removed."""
    lines = (line.strip().lstrip("-•*0123456789.) ").strip() for line in text.splitlines())
    return list(dict.fromkeys(line[:500] for line in lines if line))


def first_weekday_on_or_after(day: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def next_cadence_start(
    *, cadence: str, after: date, weekday: int, at: time, calendar: WorkingCalendar
) -> datetime:
    """The body's next meeting: the first `weekday` of the next cadence period after `after`."""
    months = CADENCE_MONTHS.get(cadence)
    if months is None:
        raise MeetingError(f"cadence: expected one of {sorted(CADENCE_MONTHS)}, got {cadence!r}")
    index = (after.year * 12 + after.month - 1) // months * months + months
    period_start = date(index // 12, index % 12 + 1, 1)
    day = first_weekday_on_or_after(period_start, weekday)
    while not calendar.is_working_day(day):
        day = first_weekday_on_or_after(day + timedelta(days=1), weekday)
    return datetime.combine(day, at, tzinfo=calendar.zone)
