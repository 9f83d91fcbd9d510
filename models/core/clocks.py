"""Legal clocks as data: what starts them, how they count, when they end, on what basis.

Unless a clock says otherwise, periods follow Regulation (EEC, Euratom) No 1182/71, art. 3:
the hour or day of the event is not counted; a period in days ends at the end of its last
day; one in months ends on the same date of the last month (or that month's last day); a
term that ends on a non-working day ends with the next working day where the clock says so.
Hours are real elapsed hours, so a clock that crosses a daylight-saving change stays right.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.core.calendar import WorkingCalendar
from models.core.i18n import N_, N_plural, long_date, translate, translate_count

CLOCKS_FILE = Path(__file__).resolve().parents[2] / "data" / "clocks.yaml"


class ClockUnit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar-days"
    WORKING_DAYS = "working-days"
    MONTHS = "months"


UNITS = {
    ClockUnit.HOURS: N_plural("%(num)d hour", "%(num)d hours"),
    ClockUnit.CALENDAR_DAYS: N_plural("%(num)d calendar day", "%(num)d calendar days"),
    ClockUnit.WORKING_DAYS: N_plural("%(num)d working day", "%(num)d working days"),
    ClockUnit.MONTHS: N_plural("%(num)d month", "%(num)d months"),
}
EVENTS = {
    "receipt": N_("receipt"),
    "decision": N_("the decision"),
    "referral": N_("referral"),
    "identification": N_("identification"),
    "signature": N_("signature of the agreement"),
    "request": N_("the request"),
}
Event = Literal["receipt", "decision", "referral", "identification", "signature", "request"]


class Extension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(ge=0)
    unit: ClockUnit
    times: int = Field(ge=1)
    condition: str
    condition_ro: str


class LegalClock(BaseModel):
    """One legal time limit, e.g. the EIO recognition decision within 30 days of receipt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    instrument: str
    instrument_ro: str
    legal_basis: str
    legal_basis_ro: str
    description: str
    description_ro: str
    starts_at: Event
    amount: int = Field(gt=0)
    unit: ClockUnit
    event_counted: bool = False
    moves_to_working_day: bool
    extension: Extension | None = None
    verify: bool = False

    @model_validator(mode="after")
    def _hours_never_move(self) -> "LegalClock":
        if self.unit is ClockUnit.HOURS and self.moves_to_working_day:
            raise ValueError(f"{self.code}: a clock in hours cannot move to a working day")
        return self

    def instrument_in(self, language: str) -> str:
        """The instrument's name for a reader of `language`."""
        return self.instrument_ro if language == "ro" else self.instrument

    @property
    def is_urgent(self) -> bool:
        """Clocks counted in hours cannot wait for the next working day."""
        return self.unit is ClockUnit.HOURS

    def describe(self, language: str = "en") -> str:
        """The rule in one line, in `language`: what, within how long of what, on what basis."""
        span = _span(self.amount, self.unit, language)
        what = self.description_ro if language == "ro" else self.description
        rule = translate(language, N_("%(what)s within %(span)s of %(event)s (%(basis)s)"))
        event = translate(language, EVENTS[self.starts_at])
        basis = self.legal_basis_ro if language == "ro" else self.legal_basis
        return rule % {"what": what, "span": span, "event": event, "basis": basis}

    def counting(self, language: str = "en") -> str:
        """How the clock counts: whether the event's hour or day counts, whether the end moves."""
        if self.unit is ClockUnit.HOURS:
            first = (
                N_("counted from the moment of the event")
                if self.event_counted
                else N_("counted from the start of the hour after the event")
            )
        else:
            first = (
                N_("the day of the event counts")
                if self.event_counted
                else N_("the day of the event is not counted")
            )
        moves = (
            N_("a term ending on a non-working day ends on the next working day")
            if self.moves_to_working_day
            else N_("the term ends on its day even when that is not a working day")
        )
        parts = [translate(language, first)]
        if self.unit is not ClockUnit.HOURS:
            parts.append(translate(language, moves))
        return "; ".join(parts)


def _span(amount: int, unit: ClockUnit, language: str) -> str:
    singular, plural = UNITS[unit]
    return translate_count(language, singular, plural, amount) % {"num": amount}


class ClocksFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clocks: list[LegalClock]


@dataclass(frozen=True)
class Deadline:
    """A computed due moment, the date the period itself ended on, and the rule applied."""

    due: datetime
    nominal_end: date | None
    rule: str


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def end_in_hours(start: datetime, hours: int, event_counted: bool) -> datetime:
    """`hours` real hours after the start (or after the start of the next hour)."""
    moment = start.astimezone(UTC)
    if not event_counted:
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return (moment + timedelta(hours=hours)).astimezone(start.tzinfo)


def last_day(
    day: date, amount: int, unit: ClockUnit, event_counted: bool, calendar: WorkingCalendar
) -> date:
    """The last day of a period in days or months that starts with the event on `day`."""
    if unit is ClockUnit.CALENDAR_DAYS:
        return day + timedelta(days=amount - (1 if event_counted else 0))
    if unit is ClockUnit.WORKING_DAYS:
        counts_today = event_counted and calendar.is_working_day(day)
        return calendar.add_working_days(day, amount - (1 if counts_today else 0))
    end = add_months(day, amount)
    return end - timedelta(days=1) if event_counted else end


def compute_deadline(
    clock: LegalClock, start: datetime, calendar: WorkingCalendar, language: str = "en"
) -> Deadline:
    """The due moment of `clock` started at `start`, with the rule it applied in `language`."""
    rule = f"{clock.describe(language)}; {clock.counting(language)}"
    if clock.unit is ClockUnit.HOURS:
        return Deadline(end_in_hours(start, clock.amount, clock.event_counted), None, rule)
    end = last_day(
        calendar.local_date(start), clock.amount, clock.unit, clock.event_counted, calendar
    )
    return _ending(clock, end, rule, calendar, language)


def _ending(
    clock: LegalClock, end: date, rule: str, calendar: WorkingCalendar, language: str
) -> Deadline:
    """The deadline of a period ending on `end`, moved to a working day if the clock says."""
    due_day = calendar.next_working_day(end) if clock.moves_to_working_day else end
    if due_day != end:
        moved = translate(
            language, N_("%(day)s is not a working day, so the term ends on %(next)s")
        )
        rule += "; " + moved % {
            "day": long_date(end, language),
            "next": long_date(due_day, language),
        }
    return Deadline(calendar.end_of_day(due_day), end, rule)


class ExtensionError(ValueError):
    """A clock that cannot be extended (again)."""


def extend_deadline(
    clock: LegalClock,
    deadline: Deadline,
    extensions_used: int,
    calendar: WorkingCalendar,
    language: str = "en",
) -> Deadline:
    """The deadline after one more extension, counted from the period's own end (not moved)."""
    extension = clock.extension
    if extension is None or extension.amount == 0:
        raise ExtensionError(f"{clock.code}: the term cannot be extended by a fixed period")
    if extensions_used >= extension.times:
        raise ExtensionError(f"{clock.code}: already extended {extensions_used} time(s), the limit")
    condition = extension.condition_ro if language == "ro" else extension.condition
    text = translate(language, N_("extended by %(span)s: %(condition)s"))
    rule = text % {
        "span": _span(extension.amount, extension.unit, language),
        "condition": condition,
    }
    if extension.unit is ClockUnit.HOURS:
        return Deadline(end_in_hours(deadline.due, extension.amount, True), None, rule)
    base = deadline.nominal_end or calendar.local_date(deadline.due)
    end = last_day(base, extension.amount, extension.unit, False, calendar)
    return _ending(clock, end, rule, calendar, language)


def extension_note(clock: LegalClock, language: str) -> str | None:
    """How the clock may be extended, in `language`; None when it cannot be."""
    extension = clock.extension
    if extension is None:
        return None
    condition = extension.condition_ro if language == "ro" else extension.condition
    if extension.amount == 0:  # no fixed period: the parties agree on a new date
        return translate(language, N_("extension: %(condition)s")) % {"condition": condition}
    counted = N_plural(
        "at most %(num)d extension by %(span)s: %(condition)s",
        "at most %(num)d extensions by %(span)s each: %(condition)s",
    )
    text = translate_count(language, *counted, extension.times)
    span = _span(extension.amount, extension.unit, language)
    return text % {"num": extension.times, "span": span, "condition": condition}


@lru_cache(maxsize=4)
def load_clocks(path: Path = CLOCKS_FILE) -> dict[str, LegalClock]:
    """The legal clocks by code, read and validated from `path`."""
    document = ClocksFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {clock.code: clock for clock in document.clocks}
