from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from models.core.calendar import WorkingCalendar
from models.meetings.rules import (
    MeetingError,
    meeting_times,
    next_cadence_start,
    proposals_of,
)

ZONE = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar(zone=ZONE)


@pytest.mark.parametrize(
    ("cadence", "after", "expected"),
    [
        ("quarterly", date(2026, 3, 1), date(2026, 4, 7)),  # first Tuesday of Q2
        ("quarterly", date(2026, 11, 23), date(2027, 1, 5)),
        ("monthly", date(2026, 11, 5), date(2026, 12, 8)),  # 1 December is National Day
        ("semester", date(2026, 6, 1), date(2026, 7, 7)),
        ("monthly", date(2026, 12, 15), date(2027, 1, 5)),
        ("annual", date(2026, 5, 5), date(2027, 1, 5)),
    ],
)
def test_a_body_meets_on_the_first_working_tuesday_of_its_next_period(
    cadence: str, after: date, expected: date
) -> None:
    start = next_cadence_start(
        cadence=cadence, after=after, weekday=1, at=time(10), calendar=CALENDAR
    )
    assert start == datetime.combine(expected, time(10), tzinfo=ZONE)


def test_an_unknown_cadence_is_named() -> None:
    with pytest.raises(MeetingError, match=r"cadence: .*'weekly'"):
        next_cadence_start(
            cadence="weekly", after=date(2026, 1, 1), weekday=1, at=time(10), calendar=CALENDAR
        )


def test_the_agenda_freezes_working_days_before_and_minutes_are_due_after() -> None:
    times = meeting_times(
        start=datetime(2026, 12, 10, 10, 0),  # a Thursday; no zone means Bucharest
        duration_minutes=90,
        agenda_days=3,
        minutes_days=5,
        calendar=CALENDAR,
    )
    assert times.starts_at == datetime(2026, 12, 10, 10, 0, tzinfo=ZONE)
    assert times.ends_at == datetime(2026, 12, 10, 11, 30, tzinfo=ZONE)
    assert times.agenda_deadline_at == datetime(2026, 12, 7, 23, 59, 59, tzinfo=ZONE)
    assert times.minutes_due_at == datetime(2026, 12, 17, 23, 59, 59, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("duration_minutes", {"duration_minutes": 5}),
        ("agenda_deadline_working_days", {"agenda_days": 0}),
        ("minutes_within_working_days", {"minutes_days": 99}),
    ],
)
def test_bad_meeting_times_name_their_field(field: str, values: dict[str, int]) -> None:
    arguments = {"duration_minutes": 60, "agenda_days": 3, "minutes_days": 5, **values}
    with pytest.raises(MeetingError, match=f"^{field}:"):
        meeting_times(start=datetime(2026, 12, 10, 10), calendar=CALENDAR, **arguments)


def test_proposals_are_one_per_line_without_bullets_or_repeats() -> None:
    text = "- Raport anual\n\n2) Campanie de vară\n• Raport anual\n   "
    assert proposals_of(text) == ["Raport anual", "Campanie de vară"]
