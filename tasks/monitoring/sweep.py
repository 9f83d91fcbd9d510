"""Closing the monitoring rounds whose lock date has come, as a Prefect task."""

from datetime import datetime

from prefect import task

from models.monitoring.sweep import close_due_rounds
from tasks.lifecycle.duty_hooks import run_hook


@task(name="lock-due-rounds", task_run_name="lock due rounds")
def lock_due_rounds_task(now: datetime) -> list[str]:
    """Lock every round whose lock date has come, and publish and send its report."""
    return run_hook(close_due_rounds, now)
