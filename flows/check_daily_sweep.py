"""At 10:00 on working days: has the daily sweep run? If not, tell the coordinator."""

from datetime import datetime, time

from prefect import flow, get_run_logger

from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.core.types import utcnow
from models.messaging.alerts import sweep_missing
from tasks.messaging.outbox import deliver_outbox
from tasks.operations.alerts import queue_alert_task, sweep_completed_since


@flow(name="check-daily-sweep", flow_run_name="check daily sweep")
def check_daily_sweep(now: datetime | None = None) -> bool:
    """Alert the coordinator when no daily sweep has completed today; True if one has.

    Args:
        now: The moment to act as if it were (empty means now).
    """
    moment = now or utcnow()
    calendar = WorkingCalendar(zone=get_settings().zone)
    day = calendar.local_date(moment)
    if not calendar.is_working_day(day):
        return True
    if sweep_completed_since(datetime.combine(day, time(0), tzinfo=calendar.zone)):
        return True
    get_run_logger().warning("no daily sweep has completed on %s", day)
    problem, details = sweep_missing(day, get_settings().language)
    queue_alert_task(f"alert:sweep-missing:{day}", problem, details, "", moment)
    deliver_outbox(moment)
    return False
