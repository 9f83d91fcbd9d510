"""The reminder and escalation policy: which step is due now, and when the next one comes."""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.core.calendar import WorkingCalendar

POLICIES_FILE = Path(__file__).resolve().parents[2] / "data" / "policies.yaml"


class Step(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    SUMMARY = "summary"
    REPEAT = "repeat"


class Policy(BaseModel):
    """When to remind, mark overdue and escalate, relative to the due moment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Literal["working-days", "hours"]
    urgent: bool = False
    remind_before: tuple[int, ...] = Field(default=(5, 1))
    overdue_after: int = Field(default=1, ge=0)
    escalate_head_after: int = Field(ge=0)
    escalate_coordinator_after: int = Field(ge=0)
    repeat_every: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _ladder_in_order(self) -> "Policy":
        if any(days <= 0 for days in self.remind_before):
            raise ValueError("remind_before: every value must be above 0")
        if self.unit == "working-days" and self.overdue_after < 1:
            raise ValueError("overdue_after: at least 1 working day after the due date")
        if not self.overdue_after <= self.escalate_head_after <= self.escalate_coordinator_after:
            raise ValueError(
                "escalate_head_after: must lie between overdue_after and escalate_coordinator_after"
            )
        return self


class PolicyError(ValueError):
    """A policy or override that does not validate; the message names the field."""


@dataclass(frozen=True)
class Plan:
    """The step to take now (None: nothing yet) and when to look at the assignment again."""

    step: Step | None
    next_action_at: datetime | None
    repeat: int = 0


@lru_cache(maxsize=4)
def load_policies(path: Path = POLICIES_FILE) -> dict[str, Policy]:
    """The default policy of each assignment kind."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["policies"]
    return {kind: Policy.model_validate(values) for kind, values in raw.items()}


def effective_policy(kind: str, override: str | dict[str, Any] | None = None) -> Policy:
    """The kind's policy with a body's or round's override applied on top."""
    policies = load_policies()
    if kind not in policies:
        raise PolicyError(f"kind: no policy for {kind!r}")
    if not override:
        return policies[kind]
    values = json.loads(override) if isinstance(override, str) else override
    try:
        return Policy.model_validate({**policies[kind].model_dump(), **values})
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        field = ".".join(str(p) for p in first["loc"])
        if not field:  # the model's own checks name their field at the start of the message
            field, _, message = message.partition(": ")
        raise PolicyError(f"policy_override.{field}: {message}") from None


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
        (_shift(due_at, -days, policy, calendar), Step.REMINDER)
        for days in sorted(set(policy.remind_before), reverse=True)
    ]
    steps += [
        (_shift(due_at, policy.overdue_after, policy, calendar), Step.OVERDUE),
        (_shift(due_at, policy.escalate_head_after, policy, calendar), Step.ESCALATION),
        (_shift(due_at, policy.escalate_coordinator_after, policy, calendar), Step.SUMMARY),
    ]
    return sorted(steps, key=lambda item: item[0])


def _repeat_moment(
    summary_at: datetime, count: int, policy: Policy, calendar: WorkingCalendar
) -> datetime:
    if policy.unit == "hours":
        return summary_at + timedelta(hours=policy.repeat_every * count)
    day = calendar.add_working_days(calendar.local_date(summary_at), policy.repeat_every * count)
    return datetime.combine(day, time(0), tzinfo=calendar.zone)


def plan(due_at: datetime, policy: Policy, calendar: WorkingCalendar, now: datetime) -> Plan:
    """The latest step whose moment has come, and the moment of the one after it."""
    steps = ladder(due_at, policy, calendar)
    passed = [(moment, step) for moment, step in steps if moment <= now]
    upcoming = [moment for moment, _ in steps if moment > now]
    if upcoming:
        return Plan(step=passed[-1][1] if passed else None, next_action_at=upcoming[0])
    summary_at = steps[-1][0]
    if policy.repeat_every == 0:
        return Plan(step=passed[-1][1], next_action_at=None)
    count = 0
    while _repeat_moment(summary_at, count + 1, policy, calendar) <= now:
        count += 1
    step = Step.REPEAT if count else Step.SUMMARY
    return Plan(
        step=step,
        next_action_at=_repeat_moment(summary_at, count + 1, policy, calendar),
        repeat=count,
    )
