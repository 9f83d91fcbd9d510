from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from models.core.calendar import WorkingCalendar
from models.core.clocks import ClockUnit, add_months, compute_deadline, extend_deadline, load_clocks

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
    for clock in clocks.values():
        assert clock.unit in ClockUnit
        assert clock.legal_basis


def test_eio_recognition_runs_thirty_calendar_days_from_receipt() -> None:
    result = compute_deadline(load_clocks()["eio-recognition"], at("2026-12-20"), CALENDAR)
    assert result.due.date() == date(2027, 1, 19)
    assert "30 calendar days" in result.rule and "12(3)" in result.rule


def test_a_term_ending_on_christmas_rolls_to_the_next_working_day() -> None:
    result = compute_deadline(load_clocks()["eio-acknowledgement"], at("2026-12-18"), CALENDAR)
    assert result.due.astimezone(BUCHAREST).date() == date(2026, 12, 28)
    assert "2026-12-25 is not a working day" in result.rule


def test_siena_urgent_clock_counts_hours_across_midnight() -> None:
    clock = load_clocks()["siena-urgent-direct"]
    result = compute_deadline(clock, at("2026-12-20", 22, 30), CALENDAR)
    assert clock.is_urgent
    assert result.due.astimezone(BUCHAREST) == at("2026-12-21", 6, 30)


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
    extended = extend_deadline(clock, first.due, 0, CALENDAR)
    assert extended.due.astimezone(BUCHAREST).date() == date(2027, 2, 18)
    assert "12(5)" in extended.rule
    with pytest.raises(ValueError, match="already extended 1 time"):
        extend_deadline(clock, extended.due, 1, CALENDAR)


def test_a_clock_without_extension_refuses_one() -> None:
    clock = load_clocks()["siena-urgent-direct"]
    with pytest.raises(ValueError, match="cannot be extended"):
        extend_deadline(clock, at("2026-12-20"), 0, CALENDAR)


def test_a_clock_states_its_rule_in_romanian_and_english() -> None:
    clock = load_clocks()["eio-recognition"]
    assert clock.describe("ro").startswith(
        "decizia privind recunoașterea și executarea în 30 de zile calendaristice de la primire"
    )
    assert clock.describe("en").startswith(
        "decide on recognition and execution within 30 calendar days of receipt"
    )
    assert "8 ore de la primire" in load_clocks()["siena-urgent-direct"].describe("ro")
