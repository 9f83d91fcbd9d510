"""Reading the mailbox: take each message in its own transaction, then mark it done."""

from collections import Counter
from datetime import datetime

from prefect import get_run_logger, task
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.core.db import get_engine, write_session
from models.core.settings import Settings, get_settings
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.messaging.inbound_intake import take_mail
from models.messaging.inbound_tables import InboundMessage, InboundOutcome
from tasks.messaging.mailbox import RawMail, fetch_waiting, mark_done


def take_one(mail: RawMail, settings: Settings, now: datetime) -> str:
    """Record one message and commit; its outcome, or 'again' when it was taken before."""
    engine = get_engine(settings.resolved_database_url())
    with write_session(engine) as session:  # it reads the Message-ID, then writes
        try:
            taken = take_mail(
                session=session, raw=mail.data, source=mail.source, settings=settings,
                now=now, oversized=mail.oversized,
            )  # fmt: skip
            session.commit()
        except IntegrityError:  # another run took the same Message-ID a moment before
            session.rollback()
            return "again"
    return str(taken.outcome) if taken.new else "again"


def settle_answered(settings: Settings) -> int:
    """Replies whose assignment has since been answered are no longer waiting."""
    engine = get_engine(settings.resolved_database_url())
    closed = select(Assignment.id).where(col(Assignment.status).not_in(OPEN_ASSIGNMENT_STATUSES))
    with Session(engine) as session:
        result = session.execute(
            update(InboundMessage)
            .where(
                col(InboundMessage.outcome) == InboundOutcome.WAITING,
                col(InboundMessage.assignment_id).in_(closed.scalar_subquery()),
            )
            .values(outcome=InboundOutcome.TAKEN)
        )
        session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


@task(name="take-inbound-mail", task_run_name="take inbound mail")
def take_inbound_mail(now: datetime, limit: int = 200) -> dict[str, int]:
    """Take what waits in the mailbox; a message is marked done only once it is recorded."""
    settings, logger = get_settings(), get_run_logger()
    mails = fetch_waiting(settings, limit)
    counts: Counter[str] = Counter(take_one(mail, settings, now) for mail in mails)
    mark_done(settings, mails)
    counts["taken"] = settle_answered(settings)
    logger.info("mailbox: %d message(s) read, %s", len(mails), dict(counts))
    return dict(counts)
