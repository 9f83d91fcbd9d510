"""Open requests as the coordinator follows them: the clock that runs out first."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.cooperation.rules import clock_description
from models.cooperation.tables import OPEN_REQUEST_STATUSES, CooperationRequest, RequestClock
from models.core.i18n import N_, translate
from models.lifecycle.clock_rows import ClockRow, clock_panel
from models.lifecycle.duty import Panel
from models.messaging.vocabulary import VOCABULARY, name_in
from models.reference.institutions import Institution

# the instruments' usual abbreviations; a Romanian reader knows an EIO as an OEA
ABBREVIATIONS = {"eio": N_("EIO"), "jit": N_("JIT"), "trm": N_("TRM")}


def request_rows(session: Session, language: str) -> list[ClockRow]:
    """Every open request under its running clock that ends first, soonest first."""
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
        direction = name_in(VOCABULARY, request.direction, language)
        rows.setdefault(
            request.reference,
            ClockRow(
                reference=request.reference,
                case=f"{_abbreviation(request.instrument, language)} {direction} "
                f"({request.partner_country})",
                institution=institution.label,
                step=clock_description(clock.clock_code, language),
                due_at=clock.due_at,
                status=name_in(VOCABULARY, request.status, language),
            ),
        )
    return list(rows.values())


def requests_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coordinator's table of open requests, the soonest clock first."""
    title = N_("Cross-border requests on their legal clocks")
    return [clock_panel(title, request_rows(session, language), now, language, zone)]


def _abbreviation(instrument: str, language: str) -> str:
    """The instrument's abbreviation in `language` (EIO, OEA in Romanian)."""
    known = ABBREVIATIONS.get(instrument)
    return translate(language, known) if known else instrument.upper()
