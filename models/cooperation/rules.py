"""Which legal clocks each instrument runs, when each starts, and how an answer is chased."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from models.cooperation.tables import CooperationRequest, Direction, Instrument, RequestClock
from models.core.clocks import LegalClock, load_clocks
from models.core.i18n import N_, translate

INSTRUMENT_CLOCKS: dict[Instrument, tuple[str, ...]] = {
    Instrument.EIO: ("eio-acknowledgement", "eio-recognition", "eio-execution"),
    Instrument.SIENA: ("siena-other",),
    Instrument.MLA: ("mla-requested-deadline",),
    Instrument.JIT: ("jit-agreement",),
    Instrument.EUROJUST: ("eurojust-referral",),
    Instrument.TRM: ("trm-first-contact", "trm-risk-assessment", "trm-follow-up"),
    Instrument.OTHER: (),
}
URGENT_CLOCKS: dict[Instrument, tuple[str, ...]] = {
    Instrument.EIO: ("eio-provisional-measure", *INSTRUMENT_CLOCKS[Instrument.EIO]),
    Instrument.SIENA: ("siena-urgent-direct",),
}
PARTNER_DEADLINE = "partner-deadline"  # the date a partner (or the coordinator) set by hand
SHORT_CLOCK_HOURS = 24

# Outgoing requests: the partner's clock runs; the Romanian institution chases the answer.
CHASE_POLICY: dict[str, Any] = {
    "unit": "working-days",
    "urgent": False,
    "remind_before": [1],
    "overdue_after": 1,
    "escalate_head_after": 5,
    "escalate_coordinator_after": 10,
    "repeat_every": 5,
}


class RequestError(ValueError):
    """A request or a step on it that cannot be taken; the message names the field."""


class ExtensionReason(StrEnum):
    """Why a term is extended, as the partner is told: a list, so no case text is emailed."""

    FURTHER_CHECKS = "further-checks"
    OTHER_AUTHORITY = "other-authority"
    TRANSLATION = "translation"
    VOLUME = "volume"
    LEGAL_QUESTION = "legal-question"
    OTHER = "other"


EXTENSION_REASONS: dict[str, str] = {
    ExtensionReason.FURTHER_CHECKS: N_("Further checks are needed before the decision."),
    ExtensionReason.OTHER_AUTHORITY: N_("Another authority must be consulted."),
    ExtensionReason.TRANSLATION: N_("The documents are being translated."),
    ExtensionReason.VOLUME: N_("The request covers a large volume of data."),
    ExtensionReason.LEGAL_QUESTION: N_("A legal question must be settled first."),
    ExtensionReason.OTHER: N_("Other reasons, which the authority in charge can explain."),
}


def clock_codes(instrument: Instrument, urgent: bool) -> tuple[str, ...]:
    """The clocks of an instrument, in the order its steps are taken."""
    if urgent and instrument in URGENT_CLOCKS:
        return URGENT_CLOCKS[instrument]
    return INSTRUMENT_CLOCKS[instrument]


def legal_clock(code: str) -> LegalClock | None:
    """The clock's definition in clocks.yaml (None for a deadline set by hand)."""
    return load_clocks().get(code)


def starts_with_decision(code: str, position: int) -> bool:
    """Whether the clock waits for the decision; an instrument's first clock never does."""
    clock = legal_clock(code)
    return position > 0 and clock is not None and clock.starts_at == "decision"


def clock_start(request: CooperationRequest, code: str, position: int) -> datetime | None:
    """When the clock starts: the receipt (or sending), the decision, or not yet."""
    if starts_with_decision(code, position):
        return request.decided_at
    return request.started_at


def policy_for(request: CooperationRequest, clock: RequestClock) -> dict[str, Any] | None:
    """The assignment's policy: chasing for outgoing requests, tight for short urgent clocks."""
    if request.direction == Direction.OUTGOING:
        return dict(CHASE_POLICY)
    legal = legal_clock(clock.clock_code)
    if legal is None or legal.unit != "hours" or legal.amount > SHORT_CLOCK_HOURS:
        return None
    return {  # an 8- or 24-hour clock escalates to the head the moment it runs out
        "remind_before": [max(1, legal.amount // 2)],
        "overdue_after": 0,
        "escalate_head_after": 0,
        "escalate_coordinator_after": 2,
        "repeat_every": 4,
    }


def clock_description(code: str, language: str) -> str:
    """What the clock asks for, in `language`."""
    legal = legal_clock(code)
    if legal is None:
        return translate(language, N_("answer by the deadline the requesting state set"))
    return legal.description_ro if language == "ro" else legal.description
