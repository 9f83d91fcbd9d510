"""Deliver the queued emails and webhooks, with retries, and report what happened."""

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from models.core.types import utcnow
from tasks.messaging.outbox import deliver_outbox


def dispatch_report(counts: dict[str, int]) -> str:
    """A small Markdown table of the run's outcome."""
    rows = [
        ("claimed", "messages taken from the outbox"),
        ("sent", "delivered"),
        ("failed", "will be retried with backoff"),
        ("dead", "given up, see `concord outbox`"),
    ]
    lines = ["| outcome | count | meaning |", "|---|---:|---|"]
    lines += [f"| {name} | {counts.get(name, 0)} | {meaning} |" for name, meaning in rows]
    return "\n".join(lines)


@flow(name="dispatch-outbox", flow_run_name="dispatch outbox")
def dispatch_outbox(
    now: datetime | None = None, batch_size: int = 200, max_batches: int = 50
) -> dict[str, int]:
    """Deliver every message that is due, batch by batch, over one connection per batch.

    Args:
        now: The moment to act as if it were (empty means now); for demos and tests.
        batch_size: Messages claimed and sent per batch.
        max_batches: Batches at most in one run.
    """
    counts = deliver_outbox(now or utcnow(), batch_size, max_batches)
    get_run_logger().info(
        "outbox: %d sent, %d to retry, %d dead",
        counts.get("sent", 0),
        counts.get("failed", 0),
        counts.get("dead", 0),
    )
    create_markdown_artifact(
        key="outbox-dispatch", markdown=dispatch_report(counts), description="Outbox delivery"
    )
    return counts
