"""The reminder and escalation policy of each assignment kind, and overrides of it."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.lifecycle.duty import assignment_kinds

POLICIES_FILE = Path(__file__).resolve().parents[2] / "data" / "policies.yaml"


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


class PolicyChanges(BaseModel):
    """Changes to a kind's policy, each typed (no free text); a field left empty keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # as the server checks

    unit: Literal["working-days", "hours"] | None = Field(
        None, description="What the counts count: working days or hours."
    )
    urgent: bool | None = Field(None, description="Sent at once, weekends included.")
    remind_before: list[int] | None = Field(
        None, description="Reminders, counted before the due date, e.g. [10, 3]."
    )
    overdue_after: int | None = Field(None, description="Overdue, counted after the due date.")
    escalate_head_after: int | None = Field(
        None, description="The institution's head told, counted after the due date."
    )
    escalate_coordinator_after: int | None = Field(
        None, description="The coordinator told, counted after the due date."
    )
    repeat_every: int | None = Field(None, description="The last step repeated (0: never).")

    def override(self) -> dict[str, Any] | None:
        """The fields set, as an override is stored; None when none is."""
        return self.model_dump(exclude_none=True) or None


class PolicyError(ValueError):
    """A policy or override that does not validate; the message names the field."""


@lru_cache(maxsize=4)
def load_policies(path: Path = POLICIES_FILE) -> dict[str, Policy]:
    """The default policy of each assignment kind."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["policies"]
    return {kind: Policy.model_validate(values) for kind, values in raw.items()}


def effective_policy(kind: str, override: dict[str, Any] | None = None) -> Policy:
    """The kind's policy with a body's or round's override applied on top."""
    if not override:
        return _default_policy(kind)
    return _overridden(kind, json.dumps(override, sort_keys=True))


def _default_policy(kind: str) -> Policy:
    policies = load_policies()
    if kind in policies:
        return policies[kind]
    declared = {k.name: k.policy for k in assignment_kinds() if k.policy is not None}
    if kind not in declared:
        raise PolicyError(f"kind: no policy for {kind!r}")
    return Policy.model_validate(declared[kind])


@lru_cache(maxsize=256)
def _overridden(kind: str, override: str) -> Policy:
    """Validated once per kind and override: the sweep asks for it for every assignment."""
    policies = {kind: _default_policy(kind)}
    values = json.loads(override)
    try:
        return Policy.model_validate({**policies[kind].model_dump(), **values})
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        field = ".".join(str(p) for p in first["loc"])
        if not field:  # the model's own checks name their field at the start of the message
            field, _, message = message.partition(": ")
        raise PolicyError(f"policy_override.{field}: {message}") from None


def validate_override(kind: str, override: dict[str, Any] | None) -> dict[str, Any] | None:
    """The override as it will be stored, once it is known to give a valid policy."""
    if not override:
        return None
    effective_policy(kind, override)
    return dict(override)
