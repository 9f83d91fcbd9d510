"""What the mailbox brought, as the coordinator follows it: replies waiting to become answers."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.core.i18n import N_, N_plural, moment_text, translate, translate_count
from models.lifecycle.duty import Panel
from models.lifecycle.tables import Assignment
from models.messaging.inbound_tables import InboundFile, InboundMessage, InboundOutcome
from models.reference.institutions import Institution

SHOWN = 50
HEADERS = (N_("Received on"), N_("Institution"), N_("Request"), N_("Files"))
# what the note counts over the last month, as counted phrases
COUNTED = {
    InboundOutcome.AUTO_REPLY: N_plural("%(num)d automatic reply", "%(num)d automatic replies"),
    InboundOutcome.REFUSED: N_plural(
        "%(num)d reply refused for personal data", "%(num)d replies refused for personal data"
    ),
    InboundOutcome.FORGED: N_plural(
        "%(num)d forged reply address", "%(num)d forged reply addresses"
    ),
    InboundOutcome.BOUNCE_HARD: N_plural("%(num)d permanent bounce", "%(num)d permanent bounces"),
    InboundOutcome.BOUNCE_SOFT: N_plural("%(num)d temporary bounce", "%(num)d temporary bounces"),
    InboundOutcome.TOO_LARGE: N_plural("%(num)d message too large", "%(num)d messages too large"),
}


def waiting_replies(session: Session) -> list[tuple[InboundMessage, Institution, str | None]]:
    """Replies tied to an institution and not yet answered, newest first, with their request."""
    query = (
        select(InboundMessage, Institution, Assignment.title)
        .join(Institution, col(Institution.id) == col(InboundMessage.institution_id))
        .outerjoin(Assignment, col(Assignment.id) == col(InboundMessage.assignment_id))
        .where(col(InboundMessage.outcome).in_([InboundOutcome.WAITING, InboundOutcome.UNMATCHED]))
        .order_by(col(InboundMessage.received_at).desc())
        .limit(SHOWN)
    )
    return [(row, institution, title) for row, institution, title in session.exec(query).all()]


def _file_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    query = select(InboundFile).where(col(InboundFile.inbound_id).in_(ids))
    for file in session.exec(query.order_by(col(InboundFile.id))).all():
        names.setdefault(file.inbound_id, []).append(file.name)
    return names


def _month_note(session: Session, now: datetime, language: str) -> str:
    """What else the mailbox brought in the last 30 days, counted by outcome."""
    since = now - timedelta(days=30)
    query = select(InboundMessage.outcome).where(col(InboundMessage.received_at) >= since)
    counts = Counter(session.exec(query).all())
    parts = [
        translate_count(language, *COUNTED[outcome], counts[outcome]) % {"num": counts[outcome]}
        for outcome in COUNTED
        if counts[outcome]
    ]
    if not parts:
        return ""
    return translate(language, N_("In the last 30 days the mailbox also brought: %(list)s.")) % {
        "list": ", ".join(parts)
    }


def reply_panels(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coordinator's table of replies by email waiting to become answers."""
    found = waiting_replies(session)
    files = _file_names(session, [row.id for row, _, _ in found if row.id is not None])
    untied = translate(language, N_("a summary of several requests: to tie to one"))
    rows = [
        [
            moment_text(row.received_at, zone, language),
            institution.label,
            title or untied,
            ", ".join(files.get(row.id or 0, [])) or "—",
        ]
        for row, institution, title in found
    ]
    lead = N_("Each sender was sent the request's link to complete the answer in its form.")
    empty = N_("No reply by email is waiting.")
    note = " ".join(filter(None, [translate(language, lead if rows else empty),
                                  _month_note(session, now, language)]))  # fmt: skip
    return [
        Panel(
            title=translate(language, N_("Replies by email waiting to become answers")),
            headers=[translate(language, header) for header in HEADERS],
            rows=rows,
            note=note,
        )
    ]
