"""What each installed duty does in the daily sweep (e.g. locking due rounds)."""

from datetime import datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from models.core.db import get_engine
from models.core.settings import get_settings
from models.lifecycle.duty import SweepContext, SweepHook, SweepOutcome, installed_duties


def sweep_context(now: datetime) -> SweepContext:
    """The configured database and settings, as of `now`, for this flow run."""
    settings = get_settings()
    run_id = flow_run.get_id()
    return SweepContext(
        engine=get_engine(settings.resolved_database_url()),
        settings=settings,
        now=now,
        run_id=str(run_id) if run_id else None,
    )


def show_outcomes(outcomes: list[SweepOutcome]) -> list[str]:
    """Log each outcome and keep its Markdown and table as artifacts of the run."""
    for outcome in outcomes:
        create_markdown_artifact(
            key=outcome.artifact_key, markdown=outcome.markdown, description=outcome.summary
        )
        if outcome.table:
            create_table_artifact(
                key=outcome.table_key, table=outcome.table, description=outcome.summary
            )
        get_run_logger().info("%s", outcome.summary)
    return [outcome.summary for outcome in outcomes]


def run_hook(hook: SweepHook, now: datetime) -> list[str]:
    """Run one duty's sweep hook and show what it did."""
    return show_outcomes(hook(sweep_context(now)))


@task(name="run-duty-hooks", task_run_name="run duty hooks")
def run_duty_hooks_task(now: datetime) -> list[str]:
    """Let every installed duty do what the day asks of it; returns what each did."""
    done: list[str] = []
    for duty in installed_duties():
        if duty.sweep is not None:
            done += run_hook(duty.sweep, now)
    return done
