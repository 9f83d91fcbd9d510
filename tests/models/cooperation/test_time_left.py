"""The time left on a step's legal clock, counted as the clock counts."""

from datetime import UTC, datetime

import pytest

from models.cooperation.step_page import clock_rows, time_left
from models.cooperation.tables import RequestClock
from models.core.calendar import WorkingCalendar
from models.core.clocks import ClockUnit

CALENDAR = WorkingCalendar()


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=CALENDAR.zone)


@pytest.mark.parametrize(
    ("unit", "due", "now", "said"),
    [
        (ClockUnit.CALENDAR_DAYS, "2027-01-20 23:59:59", "2027-01-19 08:00", "1 calendar day left"),
        (ClockUnit.CALENDAR_DAYS, "2027-01-20 23:59:59", "2027-01-20 23:00", "the term ends today"),
        # 6 and 7 January are public holidays, 9 and 10 a weekend: 3 working days remain
        (ClockUnit.WORKING_DAYS, "2027-01-12 23:59:59", "2027-01-05 12:00", "3 working days left"),
        (ClockUnit.MONTHS, "2027-03-01 23:59:59", "2027-01-30 12:00", "30 calendar days left"),
        (ClockUnit.HOURS, "2027-01-15 15:00", "2027-01-15 14:10", "less than an hour left"),
        (ClockUnit.HOURS, "2027-01-15 15:00", "2027-01-15 15:20", "overdue by less than an hour"),
        (ClockUnit.HOURS, "2027-01-15 15:00", "2027-01-15 17:30", "overdue by 2 hours"),
        (
            ClockUnit.WORKING_DAYS,
            "2027-01-08 23:59:59",
            "2027-01-09 00:30",
            "overdue by 1 calendar day",
        ),
    ],
)
def test_time_left_follows_the_clock_s_unit(unit: ClockUnit, due: str, now: str, said: str) -> None:
    assert time_left(at(due), unit, at(now), CALENDAR, "en") == said


def test_romanian_counts_take_their_three_plural_forms() -> None:
    due = at("2027-02-20 23:59:59")
    said = [
        time_left(due, ClockUnit.CALENDAR_DAYS, at(now), CALENDAR, "ro")
        for now in ("2027-02-19 10:00", "2027-02-17 10:00", "2027-01-31 10:00")
    ]
    assert "1 zi calendaristică" in said[0]
    assert "3 zile calendaristice" in said[1]
    assert "20 de zile calendaristice" in said[2]


def test_a_step_answered_says_on_which_bucharest_day() -> None:
    step = RequestClock(
        request_id=1,
        clock_code="siena-other",
        position=0,
        due_at=at("2027-01-20 23:59:59"),
        met_at=datetime(2027, 1, 14, 22, 30, tzinfo=UTC),  # 15 January, 00:30 in Bucharest
    )
    [deadline, basis] = clock_rows(step, "en", at("2027-01-16 10:00"), CALENDAR)
    assert deadline == (
        "Legal deadline",
        "20 January 2027, 23:59 (Bucharest time) — answered on 15 January 2027",
    )
    assert basis == ("Legal basis", "Directive (EU) 2023/977, art. 5(1)(c)")
