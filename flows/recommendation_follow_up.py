"""Following up the recommendations of GRETA, the US TIP report and the EU with their owners."""

from datetime import datetime

from prefect import flow
from sqlmodel import Session

from models.core.db import get_engine
from models.core.settings import get_settings
from models.core.text import Code
from models.core.types import utcnow
from tasks.messaging.outbox import deliver_outbox
from tasks.recommendations.follow_up import (
    FollowedUp,
    checked_source,
    draft_reply_task,
    follow_up_task,
    sources_reporting_soon,
)


@flow(
    name="recommendation-follow-up",
    flow_run_name="recommendation follow-up",
    validate_parameters=True,
)
def recommendation_follow_up(
    reply_for: Code | None = None, now: datetime | None = None
) -> dict[str, object]:
    """Ask every lead institution for progress on the open recommendations it owns.

    Each open recommendation gets one follow-up a quarter (or one before its body's next
    reporting date), unless an earlier one still waits for its answer; an institution that
    owns many gets them in one email. The coordinator is told which recommendations no
    measure answers and which have been open for more than six months. The state's reply is
    drafted (DOCX, HTML, workbook) for every source whose reporting date is near, and for
    `reply_for`.

    Args:
        reply_for: A source's code (e.g. GRETA-3) to draft the reply for now.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    asked = checked_source(reply_for) if reply_for else None
    followed: FollowedUp = follow_up_task(moment)
    delivery = deliver_outbox(moment)
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        sources = sources_reporting_soon(session, moment)
    if asked and asked not in sources:
        sources.append(asked)
    replies = [draft_reply_task(source, moment) for source in sources]
    return {"followed": followed, "delivery": delivery, "replies": replies}
