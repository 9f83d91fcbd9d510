"""Legal clocks as data: what starts them, how long they run, in which unit."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from models.core.calendar import WorkingCalendar
from models.core.i18n import N_, N_plural, translate, translate_count

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
}


class Extension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(ge=0)
    unit: ClockUnit
    times: int = Field(ge=1)
    condition: str


class LegalClock(BaseModel):
    """One legal time limit, e.g. the EIO recognition decision within 30 days of receipt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    instrument: str
    legal_basis: str
    description: str
    description_ro: str
    starts_at: Literal["receipt", "decision", "referral", "identification"]
    amount: int = Field(gt=0)
    unit: ClockUnit
    roll_forward: bool = True
    extension: Extension | None = None
    verify: bool = False

    @property
    def is_urgent(self) -> bool:
        """Clocks counted in hours cannot wait for the next working day."""
        return self.unit is ClockUnit.HOURS

    def describe(self, language: str = "en") -> str:
        """A one-line statement of the rule, in `language`."""
        singular, plural = UNITS[self.unit]
        span = translate_count(language, singular, plural, self.amount) % {"num": self.amount}
        what = self.description_ro if language == "ro" else self.description
        rule = translate(language, N_("%(what)s within %(span)s of %(event)s (%(basis)s)"))
        event = translate(language, EVENTS[self.starts_at])
        return rule % {"what": what, "span": span, "event": event, "basis": self.legal_basis}


class ClocksFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clocks: list[LegalClock]


@dataclass(frozen=True)
class Deadline:
    """A computed due moment and how it was reached."""

    due: datetime
    rule: str


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def add_period(
    start: datetime, amount: int, unit: ClockUnit, calendar: WorkingCalendar
) -> datetime:
    """`start` moved on by `amount` units; day-based units end at the end of the local day."""
    if unit is ClockUnit.HOURS:
        return start + timedelta(hours=amount)
    local_day = calendar.local_date(start)
    if unit is ClockUnit.CALENDAR_DAYS:
        end_day = local_day + timedelta(days=amount)
    elif unit is ClockUnit.WORKING_DAYS:
        end_day = calendar.add_working_days(local_day, amount)
    else:
        end_day = add_months(local_day, amount)
    return calendar.end_of_day(end_day)


def compute_deadline(clock: LegalClock, start: datetime, calendar: WorkingCalendar) -> Deadline:
    """The due moment of `clock` started at `start`, with the rule it applied."""
    due = add_period(start, clock.amount, clock.unit, calendar)
    rule = clock.describe()
    due_day = calendar.local_date(due)
    if clock.roll_forward and clock.unit is not ClockUnit.HOURS:
        working_day = calendar.next_working_day(due_day)
        if working_day != due_day:
            due = calendar.end_of_day(working_day)
            rule += f"; {due_day} is not a working day, so the term ends on {working_day}"
    return Deadline(due=due, rule=rule)


def extend_deadline(
    clock: LegalClock, due: datetime, extensions_used: int, calendar: WorkingCalendar
) -> Deadline:
    """The due moment after one more extension; raises ValueError when none is left."""
    extension = clock.extension
    if extension is None or extension.amount == 0:
        raise ValueError(f"{clock.code}: the term cannot be extended by a fixed period")
    if extensions_used >= extension.times:
        raise ValueError(f"{clock.code}: already extended {extensions_used} time(s), the limit")
    new_due = add_period(due, extension.amount, extension.unit, calendar)
    rule = (
        f"extended by {extension.amount} {extension.unit.replace('-', ' ')}: {extension.condition}"
    )
    return Deadline(due=new_due, rule=rule)


@lru_cache(maxsize=4)
def load_clocks(path: Path = CLOCKS_FILE) -> dict[str, LegalClock]:
    """The legal clocks by code, read and validated from `path`."""
    document = ClocksFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {clock.code: clock for clock in document.clocks}
