"""What a step's page shows above its form: the legal clock's deadline, the time left on it
counted as the clock counts, the clock's legal basis, and the actions the step offers."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from models.cooperation.rules import legal_clock
from models.cooperation.steps import clocks_of, offered_actions, step_clock
from models.cooperation.tables import CooperationRequest, RequestClock
from models.core.calendar import WorkingCalendar
from models.core.clocks import UNITS, ClockUnit
from models.core.i18n import N_, N_plural, long_date, translate, translate_count
from models.core.settings import get_settings
from models.lifecycle.tables import Assignment

LEGAL_DEADLINE = N_("Legal deadline")
PARTNER_DEADLINE = N_("Deadline set by the requesting state")
LEGAL_BASIS = N_("Legal basis")
WHEN = N_("%(date)s, %(time)s (Bucharest time)")
LEFT = N_plural("%(span)s left", "%(span)s left")
OVERDUE = N_("overdue by %(span)s")
ENDS_TODAY = N_("the term ends today")
UNDER_AN_HOUR = N_("less than an hour left")
LATE_UNDER_AN_HOUR = N_("overdue by less than an hour")
MET = N_("answered on %(date)s")


class StepDetails(list[tuple[str, str]]):
    """The rows the page shows, and the step's actions, which the form's partial offers."""

    def __init__(self, rows: Iterable[tuple[str, str]], actions: tuple[str, ...]) -> None:
        super().__init__(rows)
        self.actions = actions


def step_details(
    session: Session, assignment: Assignment, language: str, now: datetime
) -> list[tuple[str, str]]:
    """The step's clock rows and actions; nothing for an assignment that is no step."""
    request = session.exec(
        select(CooperationRequest).where(CooperationRequest.reference == assignment.subject_ref)
    ).first()
    if request is None:
        return []
    clocks = clocks_of(session, request)
    step = step_clock(clocks, assignment)
    if step is None:
        return []
    rows = clock_rows(step, language, now, WorkingCalendar(zone=get_settings().zone))
    return StepDetails(rows, offered_actions(request, clocks, step))


def clock_rows(
    step: RequestClock, language: str, now: datetime, calendar: WorkingCalendar
) -> list[tuple[str, str]]:
    """The deadline with the time left on it, and the legal basis when the clock has one."""
    if step.due_at is None:
        return []
    legal = legal_clock(step.clock_code)
    local = step.due_at.astimezone(calendar.zone)
    when = translate(language, WHEN) % {
        "date": long_date(local, language),
        "time": f"{local:%H:%M}",
    }
    if step.met_at is not None:
        met = step.met_at.astimezone(calendar.zone)
        left = translate(language, MET) % {"date": long_date(met, language)}
    else:
        unit = legal.unit if legal is not None else ClockUnit.CALENDAR_DAYS
        left = time_left(step.due_at, unit, now, calendar, language)
    label = LEGAL_DEADLINE if legal is not None else PARTNER_DEADLINE
    rows = [(translate(language, label), f"{when} — {left}")]
    if legal is not None:
        basis = legal.legal_basis_ro if language == "ro" else legal.legal_basis
        rows.append((translate(language, LEGAL_BASIS), basis))
    return rows


def time_left(
    due: datetime, unit: ClockUnit, now: datetime, calendar: WorkingCalendar, language: str
) -> str:
    """'12 working days left', 'the term ends today' or 'overdue by 3 calendar days'.

    Time left counts as the clock does: hours, working days, or calendar days (for months
    too) after today up to the term's last day; lateness counts the days that have passed.
    """
    if unit is ClockUnit.HOURS:
        return _hours_left(due - now, language)
    today, last = calendar.local_date(now), calendar.local_date(due)
    if now > due:
        return _overdue(max(1, (today - last).days), ClockUnit.CALENDAR_DAYS, language)
    if last == today:
        return translate(language, ENDS_TODAY)
    if unit is ClockUnit.WORKING_DAYS:
        return _left(calendar.working_days_between(today, last), unit, language)
    return _left((last - today).days, ClockUnit.CALENDAR_DAYS, language)


def _hours_left(left: timedelta, language: str) -> str:
    hours = int(abs(left) / timedelta(hours=1))
    if left >= timedelta(0):
        return (
            _left(hours, ClockUnit.HOURS, language) if hours else translate(language, UNDER_AN_HOUR)
        )
    return (
        _overdue(hours, ClockUnit.HOURS, language)
        if hours
        else translate(language, LATE_UNDER_AN_HOUR)
    )


def _span(count: int, unit: ClockUnit, language: str) -> str:
    return translate_count(language, *UNITS[unit], count) % {"num": count}


def _left(count: int, unit: ClockUnit, language: str) -> str:
    return translate_count(language, *LEFT, count) % {"span": _span(count, unit, language)}


def _overdue(count: int, unit: ClockUnit, language: str) -> str:
    return translate(language, OVERDUE) % {"span": _span(count, unit, language)}
