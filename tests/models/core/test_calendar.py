from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from models.core.calendar import WorkingCalendar

CALENDAR = WorkingCalendar()


def test_orthodox_easter_2026_is_not_worked() -> None:
    for day in (date(2026, 4, 10), date(2026, 4, 12), date(2026, 4, 13)):
        assert not CALENDAR.is_working_day(day), day
    assert CALENDAR.is_working_day(date(2026, 4, 9))
    assert CALENDAR.is_working_day(date(2026, 4, 14))


def test_romanian_fixed_holidays_and_orthodox_pentecost_are_known() -> None:
    for day in (
        "2026-01-02",
        "2026-01-06",
        "2026-01-07",
        "2026-01-24",
        "2026-06-01",
        "2026-08-15",
        "2026-11-30",
        "2026-12-01",
        "2026-12-25",
        "2027-06-21",
    ):
        assert CALENDAR.holiday_name(date.fromisoformat(day)) is not None, day


def test_ten_working_days_from_8_april_2026_skip_easter() -> None:
    assert CALENDAR.add_working_days(date(2026, 4, 8), 10) == date(2026, 4, 24)


def test_counting_back_skips_the_weekend() -> None:
    assert CALENDAR.add_working_days(date(2026, 11, 23), -1) == date(2026, 11, 20)


def test_local_date_follows_bucharest_time() -> None:
    late_utc = datetime(2026, 7, 1, 22, 30, tzinfo=ZoneInfo("UTC"))
    assert CALENDAR.local_date(late_utc) == date(2026, 7, 2)


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_adding_working_days_lands_on_a_working_day_the_right_count_away(
    start: date, count: int
) -> None:
    end = CALENDAR.add_working_days(start, count)
    assert CALENDAR.is_working_day(end)
    assert CALENDAR.working_days_between(start, end) == count
    if CALENDAR.is_working_day(start):
        assert CALENDAR.add_working_days(end, -count) == start
