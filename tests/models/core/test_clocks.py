from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.core.calendar import WorkingCalendar
from models.core.clocks import (
    ClockUnit,
    ExtensionError,
    LegalClock,
    add_months,
    compute_deadline,
    extend_deadline,
    load_clocks,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")
CALENDAR = WorkingCalendar()


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), BUCHAREST).replace(
        hour=hour, minute=minute
    )


def test_every_clock_in_the_data_file_names_its_unit_and_basis() -> None:
    clocks = load_clocks()
    assert {
        "eio-acknowledgement",
        "eio-recognition",
        "eio-execution",
        "siena-urgent-direct",
        "siena-urgent-indirect",
        "siena-other",
    } <= set(clocks)
    assert {"jit-agreement", "eurojust-referral", "trm-first-contact"} <= set(clocks)
    for clock in clocks.values():
        assert clock.unit in ClockUnit
        assert clock.legal_basis and clock.description_ro


def test_eio_recognition_runs_thirty_calendar_days_from_receipt() -> None:
    result = compute_deadline(load_clocks()["eio-recognition"], at("2026-12-20"), CALENDAR)
    assert result.due.date() == date(2027, 1, 19)
    assert "30 calendar days" in result.rule and "12(3)" in result.rule


def test_a_term_ending_on_christmas_rolls_to_the_next_working_day() -> None:
    result = compute_deadline(load_clocks()["eio-acknowledgement"], at("2026-12-18"), CALENDAR)
    assert result.due.astimezone(BUCHAREST).date() == date(2026, 12, 28)
    assert (
        "25 December 2026 is not a working day, so the term ends on 28 December 2026" in result.rule
    )


def test_siena_urgent_clock_counts_hours_across_midnight() -> None:
    clock = load_clocks()["siena-urgent-direct"]
    result = compute_deadline(clock, at("2026-12-20", 22, 30), CALENDAR)
    assert clock.is_urgent
    assert result.due.astimezone(BUCHAREST) == at("2026-12-21", 6, 30)


@pytest.mark.parametrize(
    ("received", "expected", "offset_hours"),
    [
        (at("2026-03-28", 22), at("2026-03-29", 7), 3),  # spring forward: 8 real hours
        (at("2026-10-24", 22), at("2026-10-25", 5), 2),  # fall back: 8 real hours
    ],
)
def test_hour_clocks_count_real_hours_across_daylight_saving_changes(
    received: datetime, expected: datetime, offset_hours: int
) -> None:
    due = compute_deadline(load_clocks()["siena-urgent-direct"], received, CALENDAR).due
    elapsed = due.astimezone(UTC) - received.astimezone(UTC)  # same-zone subtraction is wall time
    assert due == expected and elapsed.total_seconds() == 8 * 3600
    assert due.utcoffset().total_seconds() == offset_hours * 3600  # type: ignore[union-attr]


def test_an_hour_clock_that_excludes_the_event_starts_at_the_next_hour() -> None:
    clock = load_clocks()["siena-urgent-direct"].model_copy(update={"event_counted": False})
    due = compute_deadline(clock, at("2026-12-20", 22, 17), CALENDAR).due
    assert due == at("2026-12-21", 7)


def test_a_period_that_counts_the_event_day_ends_a_day_sooner() -> None:
    clock = load_clocks()["eio-recognition"]
    counted = clock.model_copy(update={"event_counted": True})
    assert compute_deadline(clock, at("2026-11-02"), CALENDAR).nominal_end == date(2026, 12, 2)
    assert compute_deadline(counted, at("2026-11-02"), CALENDAR).nominal_end == date(2026, 12, 1)


def test_a_term_across_the_year_end_moves_past_the_new_year_holidays() -> None:
    result = compute_deadline(load_clocks()["eio-acknowledgement"], at("2026-12-25"), CALENDAR)
    assert result.nominal_end == date(2027, 1, 1)
    assert result.due.astimezone(BUCHAREST).date() == date(2027, 1, 4)


def test_an_hour_clock_may_not_move_to_a_working_day() -> None:
    data = load_clocks()["siena-urgent-direct"].model_dump()
    with pytest.raises(ValueError, match="cannot move to a working day"):
        LegalClock.model_validate({**data, "moves_to_working_day": True})


def test_siena_calendar_day_clock_does_not_roll_forward() -> None:
    result = compute_deadline(load_clocks()["siena-other"], at("2026-12-18"), CALENDAR)
    assert result.due.astimezone(BUCHAREST).date() == date(2026, 12, 25)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-12-31", 2, "2027-02-28"),
        ("2027-01-31", 1, "2027-02-28"),
        ("2026-11-15", 2, "2027-01-15"),
    ],
)
def test_months_clip_to_the_end_of_a_short_month(start: str, months: int, expected: str) -> None:
    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(expected)


def test_eio_recognition_can_be_extended_once_by_thirty_days() -> None:
    clock = load_clocks()["eio-recognition"]
    first = compute_deadline(clock, at("2026-12-20"), CALENDAR)
    extended = extend_deadline(clock, first, 0, CALENDAR)
    assert extended.due.astimezone(BUCHAREST).date() == date(2027, 2, 18)
    assert "12(5)" in extended.rule
    with pytest.raises(ExtensionError, match="already extended 1 time"):
        extend_deadline(clock, extended, 1, CALENDAR)


def test_an_extension_counts_from_the_period_end_not_from_the_moved_date() -> None:
    clock = load_clocks()["eio-recognition"]
    first = compute_deadline(clock, at("2026-10-31"), CALENDAR)  # ends Sunday 30 November
    assert first.nominal_end == date(2026, 11, 30)
    assert first.due.astimezone(BUCHAREST).date() == date(2026, 12, 2)  # 1 Dec is a holiday
    extended = extend_deadline(clock, first, 0, CALENDAR)
    assert extended.nominal_end == date(2026, 12, 30)


def test_a_clock_without_extension_refuses_one() -> None:
    clock = load_clocks()["siena-urgent-direct"]
    with pytest.raises(ExtensionError, match="cannot be extended"):
        extend_deadline(clock, compute_deadline(clock, at("2026-12-20"), CALENDAR), 0, CALENDAR)


def test_a_clock_states_its_rule_in_romanian_and_english() -> None:
    clock = load_clocks()["eio-recognition"]
    assert clock.describe("ro").startswith(
        "decizia privind recunoașterea și executarea în 30 de zile calendaristice de la primire"
    )
    assert clock.describe("en").startswith(
        "decide on recognition and execution within 30 calendar days of receipt"
    )
    assert "8 ore de la primire" in load_clocks()["siena-urgent-direct"].describe("ro")


EVERY_CLOCK = [
    # code, event (Bucharest time), expected end: a date (end of that day) or a moment
    ("eio-acknowledgement", at("2026-12-25", 10), date(2027, 1, 4)),  # New Year, weekend
    ("eio-recognition", at("2027-05-02", 10), date(2027, 6, 2)),  # 1 June is a holiday
    ("eio-execution", at("2026-09-01", 10), date(2026, 12, 2)),  # 30 Nov and 1 Dec
    ("eio-provisional-measure", at("2026-10-24", 12), at("2026-10-25", 11)),  # clocks go back
    ("siena-urgent-direct", at("2026-03-28", 22), at("2026-03-29", 7)),  # clocks go forward
    ("siena-urgent-indirect", at("2026-12-30", 10), date(2027, 1, 2)),  # does not move
    ("siena-other", at("2026-11-23", 10), date(2026, 11, 30)),  # does not move
    ("mla-requested-deadline", at("2026-12-07", 10), date(2027, 1, 8)),  # 6 and 7 January
    ("greta-draft-comments", at("2026-10-25", 10), date(2026, 12, 28)),  # Christmas
    ("referral-emergency-support", at("2027-03-26", 12), at("2027-03-29", 13)),  # forward
    ("reflection-period", at("2026-10-02", 10), date(2026, 12, 31)),  # the year's last day
    ("jit-agreement", at("2026-02-28", 10), date(2027, 2, 28)),  # a Sunday, no move
    ("eurojust-referral", at("2026-12-23", 10), date(2026, 12, 31)),  # 5 working days
    ("trm-first-contact", at("2026-10-24", 20), at("2026-10-25", 19)),  # clocks go back
    ("trm-risk-assessment", at("2026-04-08", 10), date(2026, 4, 24)),  # Orthodox Easter
    ("trm-follow-up", at("2026-03-01", 10), date(2026, 6, 2)),  # Pentecost Monday, 1 June
]


def test_the_table_names_every_clock_of_the_data_file() -> None:
    assert {code for code, _, _ in EVERY_CLOCK} == set(load_clocks())


@pytest.mark.parametrize(("code", "event", "expected"), EVERY_CLOCK)
def test_every_clock_ends_where_a_lawyer_would_count_it(
    code: str, event: datetime, expected: date | datetime
) -> None:
    deadline = compute_deadline(load_clocks()[code], event, CALENDAR)
    if isinstance(expected, datetime):
        assert deadline.due == expected and deadline.due.utcoffset() == expected.utcoffset()
    else:
        assert deadline.due == CALENDAR.end_of_day(expected)
