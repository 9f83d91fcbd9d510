"""The reminder plan of each kind: a due date and a policy in, the ladder's moments out."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.core.calendar import WorkingCalendar
from models.lifecycle.ladder import COORDINATOR, HEAD, Step, audiences_of, ladder, next_step
from models.lifecycle.policy import PolicyError, effective_policy, validate_override

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)
# Friday 17 April 2026, after Orthodox Good Friday (10 April) and Easter Monday (13 April)
DUE = datetime(2026, 4, 17, 23, 59, tzinfo=ZONE)

PLANS = {  # day-based kinds at midnight on working days; hour-based ones in real hours
    "monitoring-report": "Wed 08 00:00|Thu 16 00:00|Mon 20 00:00|Wed 22 00:00|Tue 28 00:00",
    "action-item": "Wed 08 00:00|Thu 16 00:00|Mon 20 00:00|Fri 24 00:00|Mon 04 00:00",
    "attendance": "Tue 14 00:00|Thu 16 00:00|Mon 20 00:00|Tue 21 00:00|Thu 23 00:00",
    "agenda-items": "Wed 15 00:00|Mon 20 00:00|Wed 22 00:00|Mon 27 00:00",
    "cooperation-request": "Wed 15 23:59|Fri 17 15:59|Fri 17 23:59|Sat 18 03:59|Sat 18 23:59",
    "referral": "Thu 16 23:59|Fri 17 19:59|Fri 17 23:59|Sat 18 03:59|Sat 18 11:59",
}


@pytest.mark.parametrize("kind", PLANS)
def test_each_kind_has_its_ladder_around_weekends_and_holidays(kind: str) -> None:
    steps = ladder(DUE, effective_policy(kind), CALENDAR)
    shown = [moment.astimezone(ZONE).strftime("%a %d %H:%M") for moment, _ in steps]
    assert "|".join(shown) == PLANS[kind]
    assert [step for _, step in steps][-3:] == [
        Step.OVERDUE,
        Step.ESCALATE_TO_HEAD,
        Step.ESCALATE_TO_COORDINATOR,
    ]


def test_the_next_step_is_the_latest_that_has_come_and_the_one_after_is_scheduled() -> None:
    policy = effective_policy("monitoring-report")
    before = next_step(DUE, policy, CALENDAR, datetime(2026, 4, 7, 12, tzinfo=ZONE))
    assert before.step is None and before.next_action_at == datetime(2026, 4, 8, tzinfo=ZONE)
    late = next_step(DUE, policy, CALENDAR, datetime(2026, 4, 21, 9, tzinfo=ZONE))
    assert late.step is Step.OVERDUE and late.next_action_at == datetime(2026, 4, 22, tzinfo=ZONE)


def test_after_the_coordinator_is_told_the_step_repeats_every_few_working_days() -> None:
    policy = effective_policy("monitoring-report")  # repeat every 5 working days
    first = next_step(DUE, policy, CALENDAR, datetime(2026, 4, 28, 9, tzinfo=ZONE))
    assert first.step is Step.ESCALATE_TO_COORDINATOR
    assert first.next_action_at == datetime(2026, 5, 6, tzinfo=ZONE)  # 1 May is a holiday
    again = next_step(DUE, policy, CALENDAR, datetime(2026, 5, 6, 9, tzinfo=ZONE))
    assert again.step is Step.REPEAT and again.repeat == 1


def test_a_kind_without_repeats_stops_after_the_coordinator() -> None:
    done = next_step(DUE, effective_policy("attendance"), CALENDAR, DUE + timedelta(days=30))
    assert done.step is Step.ESCALATE_TO_COORDINATOR and done.next_action_at is None


def test_a_head_already_told_is_not_told_again_with_the_coordinator() -> None:
    assert audiences_of(Step.ESCALATE_TO_COORDINATOR, 0) == (HEAD, COORDINATOR)
    assert audiences_of(Step.ESCALATE_TO_COORDINATOR, 1) == (COORDINATOR,)


def test_an_override_is_checked_once_and_kept_as_given() -> None:
    assert validate_override("monitoring-report", {"remind_before": [10]}) == {
        "remind_before": [10]
    }
    assert validate_override("monitoring-report", None) is None
    with pytest.raises(PolicyError, match=r"^policy_override\.overdue_after: "):
        validate_override("monitoring-report", {"overdue_after": 0})
