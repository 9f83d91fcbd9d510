"""Every working-day morning: remind, mark overdue, escalate, send one digest per institution."""

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.core.types import utcnow
from tasks.lifecycle.advance import advance_due_assignments_task
from tasks.lifecycle.bundle import bundle_notices_task
from tasks.lifecycle.duty_hooks import run_duty_hooks_task
from tasks.messaging.outbox import deliver_outbox


def sweep_report(
    day: str, steps: dict[str, int], messages: dict[str, int], delivery: dict[str, int]
) -> str:
    """The sweep's outcome as Markdown."""
    lines = [f"# Daily sweep {day}", "", "| what | count |", "|---|---:|"]
    lines += [f"| step: {name} | {count} |" for name, count in sorted(steps.items())]
    lines += [f"| message: {name} | {count} |" for name, count in sorted(messages.items())]
    lines += [f"| delivery: {name} | {count} |" for name, count in sorted(delivery.items())]
    return "\n".join(lines)


@flow(name="daily-sweep", flow_run_name="daily sweep")
def daily_sweep(
    now: datetime | None = None, urgent_only: bool = False
) -> dict[str, dict[str, int]]:
    """Take every due step from the Assignment table, bundle the notices and deliver them.

    Args:
        now: The moment to act as if it were (empty means now); for demos and tests.
        urgent_only: Only urgent assignments (automatic on weekends and public holidays).
    """
    logger = get_run_logger()
    moment = now or utcnow()
    calendar = WorkingCalendar(zone=get_settings().zone)
    day = calendar.local_date(moment)
    if not calendar.is_working_day(day):
        reason = calendar.holiday_name(day) or "weekend"
        logger.info("%s is not a working day (%s): urgent assignments only", day, reason)
        urgent_only = True
    duty_work = run_duty_hooks_task(moment)
    steps = advance_due_assignments_task(moment, urgent_only)
    messages = bundle_notices_task(moment)
    delivery = deliver_outbox(moment)
    logger.info("sweep %s: steps %s, messages %s, delivery %s", day, steps, messages, delivery)
    create_markdown_artifact(
        key="daily-sweep",
        markdown=sweep_report(day.isoformat(), steps, messages, delivery),
        description=f"Daily sweep {day}",
    )
    return {
        "steps": steps,
        "messages": messages,
        "delivery": delivery,
        "duties": {line: 1 for line in duty_work},
    }
