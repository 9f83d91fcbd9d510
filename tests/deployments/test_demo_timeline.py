"""The demo's round is placed around today, so its emails' links still open afterwards."""

from datetime import date, datetime, time, timedelta

import pytest

from deployments.demo import timeline
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2027, 1, 4), date(2027, 7, 1)])
def test_the_demo_round_ends_about_today_and_its_links_outlive_it(today: date) -> None:
    plan = timeline(today, CALENDAR)
    assert plan.opens < plan.on_time_day < plan.due < plan.late_day
    lock = plan.due + timedelta(days=plan.lock_after_days)
    assert abs((lock - today).days) <= 7, "the round locks within a week of today"
    due = datetime.combine(plan.due, time(23, 59), tzinfo=CALENDAR.zone)
    valid_until = due + timedelta(days=get_settings().link_valid_days)
    assert valid_until.date() >= today + timedelta(days=30), "links outlive the demo by weeks"


def test_the_demo_reports_on_the_semester_before_today() -> None:
    assert timeline(date(2026, 11, 23), CALENDAR).period == "2026-S1"
    assert timeline(date(2027, 3, 2), CALENDAR).period == "2026-S2"
