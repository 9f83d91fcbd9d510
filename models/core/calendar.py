"""Working days in Romania: weekends and public holidays (Orthodox Easter and Pentecost)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays


@dataclass
class WorkingCalendar:
    """Working-day arithmetic in one country's holidays and one time zone."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Bucharest"))
    country: str = "RO"
    _holidays: holidays.HolidayBase = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._holidays = holidays.country_holidays(self.country)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name on `day`, or None."""
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        """True on a weekday that is not a public holiday."""
        return day.weekday() < 5 and day not in self._holidays

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (before it when `count` is negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end`."""
        if end <= start:
            return -self.working_days_between(end, start) if end < start else 0
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )

    def local_date(self, moment: datetime) -> date:
        """The calendar date of `moment` in this calendar's time zone."""
        return moment.astimezone(self.zone).date()

    def end_of_day(self, day: date) -> datetime:
        """The last second of `day` in this calendar's time zone."""
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone)
