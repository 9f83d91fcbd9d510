"""The bounds of a moment someone gives us, at their edges and beyond what UTC can hold."""

from datetime import datetime, timedelta, timezone

import pytest

from models.core.moments import deadline_problem, event_problem, years_after

NOW = datetime(2028, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=2)))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    "moment",
    ["2000-01-01T00:00:00+14:00", "2000-01-01T00:00:00-12:00", "2028-02-29T12:00:00+02:00"],
)
def test_an_event_from_2000_up_to_now_is_taken(moment: str) -> None:
    assert event_problem("identified_at", at(moment), NOW) is None


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        ("0001-01-01T00:00:00+14:00", "is before 2000-01-01"),
        ("1999-12-31T23:59:59-12:00", "is before 2000-01-01"),
        ("2028-02-29T10:00:01+00:00", "is in the future"),
        ("9999-12-31T23:59:59-12:00", "is in the future"),
    ],
)
def test_an_event_before_2000_or_after_now_is_refused_naming_the_field_and_range(
    moment: str, problem: str
) -> None:
    assert event_problem("identified_at", at(moment), NOW) == (
        f"identified_at: {moment} {problem}; give a moment from 2000-01-01 up to now"
    )


def test_a_deadline_may_fall_up_to_five_years_ahead_and_not_a_second_later() -> None:
    latest = datetime(2033, 2, 28, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert years_after(NOW, 5) == latest
    assert deadline_problem("answer_by", latest, NOW) is None
    assert deadline_problem("answer_by", NOW - timedelta(days=30), NOW) is None
    assert deadline_problem("answer_by", latest + timedelta(seconds=1), NOW) == (
        "answer_by: 2033-02-28T12:00:01+02:00 is more than 5 years ahead; "
        "give a deadline from 2000-01-01 to 2033-02-28"
    )


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_deadline_beyond_what_utc_holds_is_refused_without_overflowing(moment: str) -> None:
    problem = deadline_problem("answer_by", at(moment), NOW)
    assert problem and problem.startswith(f"answer_by: {moment} is ")
    assert problem.endswith("give a deadline from 2000-01-01 to 2033-02-28")
