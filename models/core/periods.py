"""Reporting periods: a year (2026), a semester (2026-S2) or a quarter (2026-Q3)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from pydantic import StringConstraints

PATTERN = re.compile(r"^(?P<year>20\d\d)(?:-(?P<unit>[SQ])(?P<n>\d))?$")
# the shape a flow parameter takes, so Prefect refuses anything else before the flow starts
PeriodLabel = Annotated[str, StringConstraints(pattern=r"^20\d\d(-S[12]|-Q[1-4])?$")]


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        return period_containing(self.start - timedelta(days=1), unit=self.unit)

    @property
    def unit(self) -> str:
        """'year', 'semester' or 'quarter'."""
        return {"S": "semester", "Q": "quarter"}.get(self.label[5:6], "year")


def parse_period(label: str) -> Period:
    """The period a label names; ValueError with the expected forms otherwise."""
    match = PATTERN.match(label.strip())
    if (
        not match
        or (match["unit"] == "S" and match["n"] not in "12")
        or (match["unit"] == "Q" and match["n"] not in "1234")
    ):
        raise ValueError("period: expected 2026, 2026-S1, 2026-S2 or 2026-Q1..Q4")
    year = int(match["year"])
    if match["unit"] is None:
        return Period(label, date(year, 1, 1), date(year, 12, 31))
    months = 6 if match["unit"] == "S" else 3
    first_month = (int(match["n"]) - 1) * months + 1
    last_month = first_month + months - 1
    end = date(year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)
    return Period(label, date(year, first_month, 1), end)


def period_containing(day: date, *, unit: str = "semester") -> Period:
    """The year, semester or quarter that contains `day`."""
    if unit == "year":
        return parse_period(str(day.year))
    if unit == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}-S{1 if day.month <= 6 else 2}")
