"""Open referrals as the coordinator follows them: the 72 hours, then the reflection period."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.core.i18n import N_, translate
from models.lifecycle.clock_rows import ClockRow, clock_panel
from models.lifecycle.duty import Panel
from models.messaging.vocabulary import VOCABULARY, name_in
from models.reference.counties import place_name
from models.reference.institutions import Institution
from models.referrals.tables import OPEN_REFERRAL_STATUSES, Referral, ReferralStatus

EMERGENCY = N_("accept and give emergency support")
REFLECTION = N_("end of the reflection period")


def _running(referral: Referral) -> tuple[str, datetime] | None:
    """The clock the referral runs on now, if any."""
    if referral.status == ReferralStatus.NOTIFIED:
        return EMERGENCY, referral.emergency_due_at
    if referral.reflection_ends_at is not None:
        return REFLECTION, referral.reflection_ends_at
    return None


def referral_rows(session: Session, language: str) -> list[ClockRow]:
    """Every open referral under a running clock."""
    found = session.exec(
        select(Referral, Institution)
        .join(Institution, col(Institution.id) == col(Referral.receiving_id))
        .where(col(Referral.status).in_(OPEN_REFERRAL_STATUSES))
    ).all()
    rows = []
    for referral, institution in found:
        running = _running(referral)
        if running is None:
            continue
        who = translate(language, N_("a child") if referral.child else N_("an adult"))
        case = translate(language, N_("referral: %(who)s, %(place)s"))
        rows.append(
            ClockRow(
                reference=referral.reference,
                case=case % {"who": who, "place": place_name(referral.county, language)},
                institution=institution.label,
                step=translate(language, running[0]),
                due_at=running[1],
                status=name_in(VOCABULARY, referral.status, language),
            )
        )
    return rows


def referrals_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coordinator's table of open referrals, the soonest clock first."""
    title = N_("Victim referrals on their clocks")
    return [clock_panel(title, referral_rows(session, language), now, language, zone)]
