"""Cases under a legal clock as the coordinator follows them: soonest end first, time left."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.core.i18n import N_, N_plural, long_date, translate, translate_count
from models.lifecycle.duty import Panel

DAYS = N_plural("%(num)d day", "%(num)d days")
HOURS = N_plural("%(num)d hour", "%(num)d hours")
HEADERS = (
    N_("Reference"),
    N_("Case"),
    N_("In charge"),
    N_("Step"),
    N_("Due"),
    N_("Time left"),
    N_("Status"),
)


@dataclass(frozen=True)
class ClockRow:
    """One open case under the clock that runs out first, its words already translated."""

    reference: str
    case: str
    institution: str
    step: str
    due_at: datetime
    status: str


def time_left(due_at: datetime, now: datetime, language: str) -> str:
    """'2 days 5 hours', or 'overdue by 3 hours', in `language`."""
    left = due_at - now
    hours = int(abs(left) / timedelta(hours=1))
    days, hours = divmod(hours, 24)
    parts = [translate_count(language, *DAYS, days) % {"num": days}] if days else []
    parts.append(translate_count(language, *HOURS, hours) % {"num": hours})
    span = " ".join(parts)
    if left < timedelta(0):
        return translate(language, N_("overdue by %(span)s")) % {"span": span}
    return span


def row_cells(row: ClockRow, now: datetime, language: str, zone: ZoneInfo) -> list[str]:
    """The row as the coordinator reads it."""
    local = row.due_at.astimezone(zone)
    return [
        row.reference,
        row.case,
        row.institution,
        row.step,
        f"{long_date(local, language)} {local:%H:%M}",
        time_left(row.due_at, now, language),
        row.status,
    ]


def clock_panel(
    title: str, rows: list[ClockRow], now: datetime, language: str, zone: ZoneInfo
) -> Panel:
    """A coordinator's table of cases, soonest clock first."""
    return Panel(
        title=translate(language, title),
        headers=[translate(language, header) for header in HEADERS],
        rows=[row_cells(row, now, language, zone) for row in sorted(rows, key=lambda r: r.due_at)],
        note="" if rows else translate(language, N_("Nothing open.")),
    )
