"""The demo's days all lie before today, so no email is dated ahead, and its links still open."""

from datetime import date, datetime, time, timedelta

import pytest

from deployments.demo_timeline import timeline
from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings

CALENDAR = WorkingCalendar()
TODAYS = [
    date(2026, 11, 23),
    date(2026, 12, 7),
    date(2027, 1, 4),
    date(2027, 5, 3),
    date(2027, 7, 1),
]


@pytest.mark.parametrize("today", TODAYS)
def test_the_demo_round_locks_by_yesterday_and_its_links_outlive_it(today: date) -> None:
    plan = timeline(today, CALENDAR)
    assert plan.opens < plan.on_time_day < plan.due < plan.late_day <= plan.last < today
    assert CALENDAR.is_working_day(plan.last)
    between = [plan.last + timedelta(days=n) for n in range(1, (today - plan.last).days)]
    assert not any(CALENDAR.is_working_day(day) for day in between), "the last working day"
    lock = plan.due + timedelta(days=plan.lock_after_days)
    assert lock < plan.last and (today - lock).days <= 7, "the round locks in the last week"
    due = datetime.combine(plan.due, time(23, 59), tzinfo=CALENDAR.zone)
    valid_until = due + timedelta(days=get_settings().link_valid_days)
    assert valid_until.date() >= today + timedelta(days=30), "links outlive the demo by weeks"


@pytest.mark.parametrize("today", TODAYS)
def test_one_meeting_is_minuted_and_another_held_by_yesterday(today: date) -> None:
    plan = timeline(today, CALENDAR)
    played, waiting = plan.meeting_starts, plan.waiting_starts
    for starts in (played, waiting):
        deadline = CALENDAR.add_working_days(starts.date(), -5)  # the cycle's default
        assert plan.opens < plan.proposals_day <= deadline < plan.invitations_day(starts)
        assert plan.invitations_day(starts) < starts.date()
        assert CALENDAR.is_working_day(starts.date())
    assert played < plan.minutes_at < waiting
    assert plan.minutes_at.date() <= plan.last and waiting.date() < plan.last  # held at a sweep
    assert plan.minutes_at < datetime.combine(today, time(0), tzinfo=CALENDAR.zone)


def test_the_demo_reports_on_the_semester_before_today() -> None:
    assert timeline(date(2026, 11, 23), CALENDAR).period == "2026-S1"
    assert timeline(date(2027, 3, 2), CALENDAR).period == "2026-S2"
