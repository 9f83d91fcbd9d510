"""The monitoring round as a duty: what it registers with the shared engine."""

from models.lifecycle.duty import AssignmentKind, Duty
from models.monitoring.forms import PARTIALS, WORDS, MonitoringReportAnswer, fill_submission
from models.monitoring.messages import MonitoringMessage
from models.monitoring.rules import REPORT_KIND, round_locked, round_scope, round_scopes
from models.monitoring.sweep import close_due_rounds
from models.monitoring.tables import ROUND_LIFECYCLE, MonitoringRound, Submission

DUTY = Duty(
    name="monitoring",
    flows=("flows.monitoring_round",),
    kinds=(
        AssignmentKind(
            REPORT_KIND,
            MonitoringReportAnswer,
            {"ro": "raport de monitorizare", "en": "monitoring report"},
            template="report-form.html",
            on_answer=fill_submission,
            locked=round_locked,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    tables=(MonitoringRound, Submission),
    message_kinds=tuple(MonitoringMessage),
    lifecycles={"monitoring_round": ROUND_LIFECYCLE},
    sweep=close_due_rounds,
    scope=round_scope,
    scopes=round_scopes,
)
