"""Open requests as the coordinator follows them: the clock that runs out first, time left."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.cooperation.steps import clock_description
from models.cooperation.tables import OPEN_REQUEST_STATUSES, CooperationRequest, RequestClock
from models.core.i18n import N_, N_plural, long_date, translate, translate_count
from models.lifecycle.duty import Panel
from models.messaging.vocabulary import VOCABULARY, name_in
from models.reference.institutions import Institution

DAYS = N_plural("%(num)d day", "%(num)d days")
HOURS = N_plural("%(num)d hour", "%(num)d hours")


@dataclass(frozen=True)
class ClockRow:
    """One open case under the clock that runs out first."""

    reference: str
    direction: str
    instrument: str
    partner: str
    institution: str
    status: str
    clock: str
    due_at: datetime


def request_rows(session: Session) -> list[ClockRow]:
    """Every open request with a running clock, the soonest due first."""
    found = session.exec(
        select(CooperationRequest, RequestClock, Institution)
        .join(RequestClock, col(RequestClock.request_id) == col(CooperationRequest.id))
        .join(Institution, col(Institution.id) == col(CooperationRequest.institution_id))
        .where(
            col(CooperationRequest.status).in_(OPEN_REQUEST_STATUSES),
            col(RequestClock.due_at).is_not(None),
            col(RequestClock.met_at).is_(None),
        )
        .order_by(col(RequestClock.due_at), col(CooperationRequest.reference))
    ).all()
    rows: dict[str, ClockRow] = {}
    for request, clock, institution in found:
        assert clock.due_at is not None
        rows.setdefault(
            request.reference,
            ClockRow(
                request.reference,
                request.direction,
                request.instrument.upper(),
                request.partner_country,
                institution.label,
                request.status,
                clock.clock_code,
                clock.due_at,
            ),
        )
    return list(rows.values())


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
    """The row as the coordinator reads it, in `language`."""
    local = row.due_at.astimezone(zone)
    return [
        row.reference,
        name_in(VOCABULARY, row.direction, language),
        f"{row.instrument} ({row.partner})",
        row.institution,
        clock_description(row.clock, language),
        f"{long_date(local, language)} {local:%H:%M}",
        time_left(row.due_at, now, language),
        name_in(VOCABULARY, row.status, language),
    ]


HEADERS = (
    N_("Reference"),
    N_("Direction"),
    N_("Instrument"),
    N_("In charge"),
    N_("Step"),
    N_("Due"),
    N_("Time left"),
    N_("Status"),
)


def requests_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coordinator's table of open requests, the soonest clock first."""
    rows = request_rows(session)
    return [
        Panel(
            title=translate(language, N_("Cross-border requests on their legal clocks")),
            headers=[translate(language, header) for header in HEADERS],
            rows=[row_cells(row, now, language, zone) for row in rows],
            note="" if rows else translate(language, N_("No open requests.")),
        )
    ]
