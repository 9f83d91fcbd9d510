"""The working group's periodic monitoring of the national action plan."""

from datetime import date, datetime
from typing import TypedDict

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from models.core.calendar import WorkingCalendar
from models.core.periods import PeriodLabel, period_containing
from models.core.settings import get_settings
from models.core.text import Code
from models.core.types import utcnow
from models.lifecycle.policy import PolicyChanges, validate_override
from models.monitoring.rules import REPORT_KIND
from tasks.messaging.outbox import deliver_outbox
from tasks.monitoring.rounds import (
    announce_round_task,
    create_round_assignments_task,
    open_round_task,
)
from tasks.monitoring.sweep import lock_due_rounds_task


class RoundOutcome(TypedDict):
    """What a monitoring-round run did: its round, assignments, announcements, locks, delivery."""

    round_id: int
    assignments: dict[str, int]
    announcements: dict[str, int]
    locked: list[str]
    delivery: dict[str, int]


def current_period_label(now: datetime | None = None) -> str:
    """The semester containing `now` (default: today) in the configured time zone."""
    calendar = WorkingCalendar(zone=get_settings().zone)
    return period_containing(calendar.local_date(now or utcnow())).label


def round_run_name() -> str:
    """'monitoring 2026-S2' in the Prefect UI."""
    parameters = flow_run.parameters
    return f"monitoring {parameters.get('period') or current_period_label(parameters.get('now'))}"


@flow(name="monitoring-round", flow_run_name=round_run_name)
def monitoring_round(
    strategy: Code = "SNITP-2024-2028",
    period: PeriodLabel | None = None,
    due_date: date | None = None,
    working_days_after_period_end: int = 20,
    lock_after_days: int = 10,
    reminder_policy: PolicyChanges | None = None,
    now: datetime | None = None,
) -> RoundOutcome:
    """Open a monitoring round: one report per responsible institution and active measure.

    Open (or find) the round, create its reports in bulk and announce it with one email per
    institution, then deliver: five task runs, whatever its size; re-running sends nothing
    twice. The daily sweep then reminds, escalates, locks the round and sends its report.

    Args:
        strategy: Code of the strategy or programme, e.g. SNITP-2024-2028.
        period: Reporting period: 2026-S2, 2026 or 2026-Q3; empty means the current semester.
        due_date: Date reports are due; empty means working days after the period's end.
        working_days_after_period_end: Working days after the period's end for the due date.
        lock_after_days: Calendar days after the due date when the round locks.
        reminder_policy: This round's changes to data/policies.yaml, e.g. {"remind_before": [7, 2]}.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    label = period or current_period_label(moment)
    changes = reminder_policy.override() if reminder_policy else None
    override = validate_override(REPORT_KIND, changes)  # a bad one stops here
    round_id = open_round_task(
        strategy, label, due_date, working_days_after_period_end, lock_after_days, moment
    )
    outcome = RoundOutcome(
        round_id=round_id,
        assignments=create_round_assignments_task(round_id, moment, override),
        announcements=announce_round_task(round_id, moment),
        locked=lock_due_rounds_task(moment),
        delivery=deliver_outbox(moment),
    )
    get_run_logger().info("round %s %s: %s", strategy, label, outcome)
    return outcome
