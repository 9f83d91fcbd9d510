"""Where a duty's step is taken: one transaction, the settings, the calendar, the moment."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from models.core.calendar import WorkingCalendar
from models.core.settings import Settings
from models.lifecycle.status import HasStatus, change_status


@dataclass(frozen=True)
class Desk:
    """The transaction, settings, working calendar, moment and (if any) the flow run."""

    session: Session
    settings: Settings
    calendar: WorkingCalendar
    now: datetime
    run_id: str | None = None


def move_case(desk: Desk, case: HasStatus, to: str, *, closes: bool, actor: str, note: str) -> None:
    """Move a case (a request, a referral) to `to`, stamping when it changed and closed."""
    values = {"updated_at": desk.now, **({"closed_at": desk.now} if closes else {})}
    change_status(
        session=desk.session,
        entity=case,
        to=to,
        actor=actor,
        now=desk.now,
        note=note,
        values=values,
    )
