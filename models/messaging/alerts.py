"""What an operations alert says, in the coordinator's language."""

from datetime import date

from models.core.i18n import N_, long_date, translate

STATES = {
    "Failed": N_("failed"),
    "Crashed": N_("crashed"),
    "Cancelled": N_("was cancelled"),
    "TimedOut": N_("timed out"),
}


def run_failed(run_name: str, flow_name: str, state: str, language: str) -> tuple[str, str]:
    """(problem, details) for a run that ended badly, e.g. 'monitoring 2026-S2 failed'."""
    ended = translate(language, STATES[state]) if state in STATES else state
    problem = translate(language, N_("%(run)s %(ended)s")) % {"run": run_name, "ended": ended}
    details = translate(language, N_("flow %(flow)s, final state %(state)s")) % {
        "flow": flow_name,
        "state": ended,
    }
    return problem, details


def sweep_missing(day: date, language: str) -> tuple[str, str]:
    """(problem, details) for a working day whose sweep has not run by mid-morning."""
    problem = translate(language, N_("the daily sweep has not run on %(day)s")) % {
        "day": long_date(day, language)
    }
    details = translate(
        language,
        N_(
            "No daily-sweep run completed since midnight; reminders and escalations wait "
            "until it does."
        ),
    )
    return problem, details
