"""Closed requests past their retention period: reference, summary and partner forgotten."""

from sqlmodel import col, select

from models.cooperation.tables import CooperationRequest
from models.lifecycle.retention import ANONYMISED, Retention, forget_assignments, forget_notes


def forget_closed_requests(retention: Retention) -> dict[str, int]:
    """Anonymise requests closed before the cut-off (dry run: only count them)."""
    session = retention.session
    requests = session.exec(
        select(CooperationRequest).where(
            col(CooperationRequest.closed_at) < retention.cutoff,
            col(CooperationRequest.reference).not_like(f"{ANONYMISED}%"),
        )
    ).all()
    if not retention.dry_run:
        for request in requests:
            alias = f"{ANONYMISED}R{request.id}"
            forget_assignments(session, "cooperation_request", request.reference, alias)
            forget_notes(session, "cooperation_request", request.id or 0)
            request.reference, request.summary = alias, ""
            request.partner_authority, request.partner_email = "-", None
            session.add(request)
    return {"cooperation requests": len(requests)}
