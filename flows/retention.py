"""Every night: anonymise closed cases and empty old email bodies past their retention."""

from datetime import datetime

from prefect import flow, get_run_logger

from models.core.types import utcnow
from tasks.operations.retention import apply_retention_task


@flow(name="retention", flow_run_name="retention")
def retention(dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Forget what closed requests and referrals said, and old sent emails' bodies.

    Cases closed more than CONCORD_RETENTION_DAYS ago keep their dates, statuses and
    counts under an alias (ANON-...); sent emails older than
    CONCORD_SENT_BODIES_RETENTION_DAYS keep who got which kind of message, and when.

    Args:
        dry_run: Only count what would be anonymised.
        now: The moment to act as if it were (empty means now); for tests.
    """
    counts = apply_retention_task(now or utcnow(), dry_run)
    get_run_logger().info(
        "retention%s: %s",
        " (dry run)" if dry_run else "",
        ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    return counts
