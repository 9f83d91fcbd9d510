"""The retention pass: closed cases and old email bodies forgotten, in one transaction."""

from datetime import datetime, timedelta

from prefect import task

from models.core.db import get_engine, write_session
from models.core.i18n import N_
from models.core.settings import Settings, get_settings
from models.lifecycle.duty import retention_hooks
from models.lifecycle.retention import Retention
from models.messaging.retention import forget_sent_bodies


def apply_retention(settings: Settings, now: datetime, dry_run: bool) -> dict[str, int]:
    """How many cases and email bodies are (or, in a dry run, would be) anonymised."""
    with write_session(get_engine(settings.resolved_database_url())) as session:
        cases = Retention(session, now - timedelta(days=settings.retention_days), dry_run)
        counts: dict[str, int] = {}
        for hook in retention_hooks():
            counts.update(hook(cases))
        mail_cutoff = now - timedelta(days=settings.sent_bodies_retention_days)
        counts[N_("bodies of sent emails")] = forget_sent_bodies(session, mail_cutoff, dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return counts


@task(name="apply-retention", task_run_name="retention as of {now:%Y-%m-%d}")
def apply_retention_task(now: datetime, dry_run: bool = False) -> dict[str, int]:
    """The retention pass as a task of the retention flow."""
    return apply_retention(get_settings(), now, dry_run)
