"""The demo's days: a round and two meetings, all before today, so no email is dated ahead."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from models.core.calendar import WorkingCalendar
from models.core.periods import period_containing

LOCK_AFTER_DAYS = 7
AGENDA_DAYS = 5  # the meeting cycle's default: the agenda freezes five working days before


class DemoError(RuntimeError):
    """The stack is not running, or a step of the scenario failed."""


@dataclass(frozen=True)
class Timeline:
    """The round of the last semester, locked by the working day before today, and two meetings.

    The monitoring committee's meeting is played through to its minutes; the working group's
    is held the day before the last one and waits for its minutes in the Prefect UI.
    """

    period: str
    opens: date
    on_time_day: date
    due: date
    late_day: date
    last: date
    meeting_starts: datetime
    waiting_starts: datetime
    calendar: WorkingCalendar = field(repr=False, compare=False)
    lock_after_days: int = LOCK_AFTER_DAYS

    @property
    def proposals_day(self) -> date:
        """Two working days after the call for agenda items: some members propose items."""
        return self.calendar.add_working_days(self.opens, 2)

    @property
    def minutes_at(self) -> datetime:
        """The working day after the meeting, 11:00: the secretariat enters the minutes."""
        day = self.calendar.add_working_days(self.meeting_starts.date(), 1)
        return datetime.combine(day, time(11), tzinfo=self.calendar.zone)

    def invitations_day(self, starts: datetime) -> date:
        """The first sweep after the agenda deadline: the agenda freezes, invitations go out."""
        return self.calendar.add_working_days(starts.date(), 1 - AGENDA_DAYS)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """`day` at `hour`:`minute`, Bucharest time."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.calendar.zone)


def last_working_day_before(today: date, calendar: WorkingCalendar) -> date:
    """The working day before `today`: the demo's last day."""
    day = today - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def timeline(today: date, calendar: WorkingCalendar) -> Timeline:
    """The round of the semester before `today`, locked by the working day before `today`."""
    last = last_working_day_before(today, calendar)
    due = last - timedelta(days=LOCK_AFTER_DAYS + 1)  # the lock sweep falls on `last` at latest
    while not calendar.is_working_day(due):
        due -= timedelta(days=1)
    opens = calendar.add_working_days(due, -10)
    meeting_day = calendar.add_working_days(last, -3)
    waiting_day = calendar.add_working_days(last, -1)
    return Timeline(
        period=period_containing(today).previous().label,
        opens=opens,
        on_time_day=calendar.add_working_days(opens, 5),
        due=due,
        late_day=calendar.add_working_days(due, 2),
        last=last,
        meeting_starts=datetime.combine(meeting_day, time(10), tzinfo=calendar.zone),
        waiting_starts=datetime.combine(waiting_day, time(10), tzinfo=calendar.zone),
        calendar=calendar,
    )
