"""The escalation ladder: each step's timing, who is told, and the status that follows."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from models.core.calendar import WorkingCalendar
from models.lifecycle.policy import Policy
from models.lifecycle.tables import AssignmentStatus

FOCAL_POINT, HEAD, COORDINATOR = "focal-point", "head", "coordinator"


class Step(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATE_TO_HEAD = "escalation"
    ESCALATE_TO_COORDINATOR = "summary"
    REPEAT = "repeat"


@dataclass(frozen=True)
class Rung:
    """What one step does: who hears of it, the statuses it moves through, its level."""

    audiences: tuple[str, ...]
    statuses: tuple[AssignmentStatus, ...]
    escalation_level: int = 0


A = AssignmentStatus
LADDER: dict[Step, Rung] = {
    Step.REMINDER: Rung((FOCAL_POINT,), (A.REMINDED,)),
    Step.OVERDUE: Rung((FOCAL_POINT,), (A.OVERDUE,)),
    Step.ESCALATE_TO_HEAD: Rung((HEAD,), (A.OVERDUE, A.ESCALATED), 1),
    Step.ESCALATE_TO_COORDINATOR: Rung((HEAD, COORDINATOR), (A.OVERDUE, A.ESCALATED), 2),
    Step.REPEAT: Rung((FOCAL_POINT, COORDINATOR), (A.OVERDUE, A.ESCALATED), 2),
}


def audiences_of(step: Step, escalation_level: int) -> tuple[str, ...]:
    """Who is told of `step`; a head already told is not told again with the coordinator."""
    if step is Step.ESCALATE_TO_COORDINATOR and escalation_level >= 1:
        return (COORDINATOR,)
    return LADDER[step].audiences


@dataclass(frozen=True)
class NextStep:
    """The step to take now (None: nothing yet) and when to look at the assignment again."""

    step: Step | None
    next_action_at: datetime | None
    repeat: int = 0


def _shift(due_at: datetime, amount: int, policy: Policy, calendar: WorkingCalendar) -> datetime:
    """The moment `amount` units after (or before, if negative) the due moment."""
    if policy.unit == "hours":
        return due_at + timedelta(hours=amount)
    day = calendar.add_working_days(calendar.local_date(due_at), amount)
    return datetime.combine(day, time(0), tzinfo=calendar.zone)


def ladder(
    due_at: datetime, policy: Policy, calendar: WorkingCalendar
) -> list[tuple[datetime, Step]]:
    """The steps before repeats, in time order."""
    steps = [
        (_shift(due_at, -amount, policy, calendar), Step.REMINDER)
        for amount in sorted(set(policy.remind_before), reverse=True)
    ]
    steps += [
        (_shift(due_at, policy.overdue_after, policy, calendar), Step.OVERDUE),
        (_shift(due_at, policy.escalate_head_after, policy, calendar), Step.ESCALATE_TO_HEAD),
        (
            _shift(due_at, policy.escalate_coordinator_after, policy, calendar),
            Step.ESCALATE_TO_COORDINATOR,
        ),
    ]
    return sorted(steps, key=lambda item: item[0])


def _repeat_moment(
    summary_at: datetime, count: int, policy: Policy, calendar: WorkingCalendar
) -> datetime:
    return _shift(summary_at, policy.repeat_every * count, policy, calendar)


def next_step(
    due_at: datetime, policy: Policy, calendar: WorkingCalendar, now: datetime
) -> NextStep:
    """The latest step whose moment has come, and the moment of the one after it."""
    steps = ladder(due_at, policy, calendar)
    passed = [(moment, step) for moment, step in steps if moment <= now]
    upcoming = [moment for moment, _ in steps if moment > now]
    if upcoming:
        return NextStep(step=passed[-1][1] if passed else None, next_action_at=upcoming[0])
    summary_at = steps[-1][0]
    if policy.repeat_every == 0:
        return NextStep(step=passed[-1][1], next_action_at=None)
    count = 0
    while _repeat_moment(summary_at, count + 1, policy, calendar) <= now:
        count += 1
    return NextStep(
        step=Step.REPEAT if count else Step.ESCALATE_TO_COORDINATOR,
        next_action_at=_repeat_moment(summary_at, count + 1, policy, calendar),
        repeat=count,
    )
