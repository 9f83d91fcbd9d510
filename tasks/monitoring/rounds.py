"""A monitoring round as Prefect tasks: open it, create its assignments, announce it."""

from datetime import date, datetime
from typing import Any

from prefect import get_run_logger, task
from sqlalchemy.engine import Engine

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine
from models.core.settings import Settings, get_settings
from models.monitoring.rounds import announce_round, create_round_assignments, open_round


def _context() -> tuple[Settings, Engine, WorkingCalendar]:
    settings = get_settings()
    return (
        settings,
        get_engine(settings.resolved_database_url()),
        WorkingCalendar(zone=settings.zone),
    )


@task(name="open-round", task_run_name="open round {period}")
def open_round_task(
    strategy: str,
    period: str,
    due_date: date | None,
    working_days_after_end: int,
    lock_after_days: int,
    now: datetime,
) -> int:
    """Create the round (or find it) and return its id."""
    _, engine, calendar = _context()
    return open_round(
        engine=engine,
        strategy_code=strategy,
        period_label=period,
        due_date=due_date,
        working_days_after_end=working_days_after_end,
        lock_after_days=lock_after_days,
        calendar=calendar,
        now=now,
    )


@task(name="create-round-assignments", task_run_name="create round assignments")
def create_round_assignments_task(
    round_id: int, now: datetime, policy_override: dict[str, Any] | None = None
) -> dict[str, int]:
    """Create every expected report assignment of the round, in bulk."""
    _, engine, calendar = _context()
    counts = create_round_assignments(
        engine=engine,
        round_id=round_id,
        calendar=calendar,
        now=now,
        policy_override=policy_override,
    )
    get_run_logger().info("round assignments: %s", counts)
    return counts


@task(name="announce-round", task_run_name="announce round")
def announce_round_task(round_id: int, now: datetime) -> dict[str, int]:
    """Queue one announcement per institution."""
    settings, engine, calendar = _context()
    return announce_round(
        engine=engine,
        round_id=round_id,
        settings=settings,
        calendar=calendar,
        now=now,
        logger=get_run_logger(),
    )
