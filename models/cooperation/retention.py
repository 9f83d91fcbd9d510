"""Closed requests past their retention period: references, summary and partner forgotten."""

from models.cooperation.tables import CooperationRequest
from models.core.i18n import N_
from models.lifecycle.retention import ANONYMISED, Retention, closed_cases, forget_case


def forget_closed_requests(retention: Retention) -> dict[str, int]:
    """Anonymise requests closed before the cut-off (dry run: only count them)."""
    requests = closed_cases(retention, CooperationRequest)
    if not retention.dry_run:
        for request in requests:
            forget_case(retention, request, "cooperation_request", f"{ANONYMISED}R{request.id}")
            request.summary, request.partner_authority, request.partner_email = "", "-", None
            request.sender_reference = None
            retention.session.add(request)
    return {N_("closed cooperation requests"): len(requests)}
