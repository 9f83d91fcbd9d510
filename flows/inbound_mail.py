"""Read Concord's mailbox: replies join their assignment, bounces mark contacts, once each."""

from datetime import datetime

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from models.core.types import utcnow
from tasks.messaging.inbound import take_inbound_mail
from tasks.messaging.outbox import deliver_outbox

MEANINGS = (
    ("waiting", "replies kept with their assignment, waiting to become answers"),
    ("unmatched", "tied to no assignment (an institution at most)"),
    ("auto-reply", "automatic replies, recorded and never answered"),
    ("refused", "replies holding personal data: not kept, the sender told"),
    ("forged", "reply addresses whose signature does not hold"),
    ("bounce-hard", "permanent failures: the contact marked as not working"),
    ("bounce-soft", "temporary failures, recorded"),
    ("too-large", "messages over the size limit"),
    ("malformed", "not an email"),
    ("again", "read before: nothing done twice"),
    ("taken", "waiting replies whose assignment has since been answered"),
)


def inbound_report(counts: dict[str, int]) -> str:
    """A Markdown table of what the run read."""
    lines = ["| outcome | count | meaning |", "|---|---:|---|"]
    lines += [f"| {name} | {counts.get(name, 0)} | {meaning} |" for name, meaning in MEANINGS]
    return "\n".join(lines)


@flow(name="inbound-mail", flow_run_name="inbound mail")
def inbound_mail(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Read the mailbox (IMAP, or the folder the LMTP listener fills) and answer the senders.

    Args:
        now: The moment to act as if it were (empty means now); for demos and tests.
        limit: Messages read at most in one run; the next run reads the rest.
    """
    moment = now or utcnow()
    counts = take_inbound_mail(moment, limit)
    deliver_outbox(moment)
    create_markdown_artifact(inbound_report(counts), key="inbound-mail", description="Mailbox")
    return counts
