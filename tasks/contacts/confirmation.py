"""Asking the institutions that owe it to confirm their contacts, in one unit of work."""

from datetime import datetime

from prefect import get_run_logger, task
from prefect.runtime import flow_run

from models.contacts.sweep import ask_due_at_once
from models.core.db import get_engine
from models.core.settings import get_settings


@task(name="ask-contacts-confirmation", task_run_name="ask for contacts to be confirmed")
def ask_contacts_task(now: datetime) -> list[str]:
    """Open every confirmation of contacts owed now and queue its email; the keys opened."""
    settings = get_settings()
    run_id = flow_run.get_id()
    engine = get_engine(settings.resolved_database_url())
    opened = ask_due_at_once(engine, settings, now, str(run_id) if run_id else None)
    get_run_logger().info("%d confirmation(s) of contacts asked", len(opened))
    return opened
