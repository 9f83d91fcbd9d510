"""What an operations alert says, in the coordinator's language."""

from datetime import date
from typing import NamedTuple

from models.core.i18n import N_, long_date, translate
from models.core.privacy import personal_data_in
from models.core.text import UNPRINTABLE

STATES = {
    "Failed": N_("failed"),
    "Crashed": N_("crashed"),
    "Cancelled": N_("was cancelled"),
    "TimedOut": N_("timed out"),
}
LONGEST_NAME = 200
# what the coordinator calls each flow; its code is for Prefect, not for a reader
FLOW_NAMES = {
    "alert-coordinator": N_("alert to the coordinator"),
    "check-daily-sweep": N_("check of the daily sweep"),
    "committee-meeting-cycle": N_("meeting cycle of a standing body"),
    "contacts-confirmation": N_("confirmation of contacts"),
    "cross-border-request": N_("cross-border cooperation request"),
    "daily-sweep": N_("daily sweep"),
    "dispatch-outbox": N_("delivery of emails and webhooks"),
    "inbound-mail": N_("reading of the mailbox"),
    "monitoring-round": N_("monitoring round"),
    "prevention-campaign": N_("prevention campaign"),
    "recommendation-follow-up": N_("follow-up of recommendations"),
    "referral": N_("victim referral"),
    "retention": N_("retention of closed cases"),
    "urgent-sweep": N_("urgent sweep"),
}


class EndedRun(NamedTuple):
    """What Prefect knows of a run: its name, its flow's name and its state's name."""

    name: str
    flow: str
    state: str


def run_failed(run_name: str, flow_name: str, state: str, language: str) -> tuple[str, str]:
    """(problem, details) for a run that ended badly, e.g. 'monitoring 2026-S2 failed'."""
    ended = translate(language, STATES[state]) if state in STATES else state
    problem = translate(language, N_("%(run)s %(ended)s")) % {"run": run_name, "ended": ended}
    details = translate(language, N_("process: %(flow)s; final state: %(state)s")) % {
        "flow": flow_title(flow_name, language),
        "state": ended,
    }
    return problem, details


def flow_title(flow_name: str, language: str) -> str:
    """The flow's readable name in `language`; a flow Concord does not know keeps its own."""
    return translate(language, FLOW_NAMES[flow_name]) if flow_name in FLOW_NAMES else flow_name


def run_unknown(run_id: str, language: str) -> tuple[str, str]:
    """(problem, details) for a run Prefect does not know (deleted, or on another server)."""
    problem = translate(language, N_("unknown run %(id)s")) % {"id": run_id}
    details = translate(
        language,
        N_("Prefect has no flow run with this id; it may have been deleted since it ended."),
    )
    return problem, details


def run_alert(run_id: str, run: EndedRun | None, language: str) -> tuple[str, str]:
    """(problem, details) about a run, found or not; a name unfit for an email shows its id."""
    if run is None:
        return run_unknown(run_id, language)
    name, flow, state = shown(run.name, run_id), shown(run.flow, "?"), shown(run.state, "?")
    return run_failed(name, flow, state, language)


def shown(name: str, instead: str) -> str:
    """The name if it is one short clean line free of personal data, else `instead`."""
    fit = len(name) <= LONGEST_NAME and not UNPRINTABLE.search(name)
    return name if fit and personal_data_in(name) is None else instead


def sweep_missing(day: date, language: str) -> tuple[str, str]:
    """(problem, details) for a working day whose sweep has not run by mid-morning."""
    problem = translate(language, N_("the daily sweep has not run on %(day)s")) % {
        "day": long_date(day, language)
    }
    details = translate(
        language,
        N_(
            "No daily sweep has completed since midnight; reminders and escalations wait "
            "until one does."
        ),
    )
    return problem, details
