"""The monitoring report form, its words and partial, and what an answer changes in the round."""

from pathlib import Path
from typing import Literal

from sqlmodel import Session, select

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, Progress, RequiredText, ShortText
from models.lifecycle.tables import Answer, Assignment
from models.monitoring.tables import RoundStatus, Submission

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "monitoring"
WORDS: dict[str, str] = {
    # a round's statuses (open is the engine's)
    RoundStatus.LOCKED: N_("locked"),
    RoundStatus.PUBLISHED: N_("published"),
    # the report form (its progress choices are the engine's)
    "progress": N_("Progress"),
    "indicator_value": N_("Indicator value"),
    "narrative": N_("What was done"),
}


class MonitoringReportAnswer(AnswerForm):
    kind: Literal["monitoring-report"] = "monitoring-report"
    progress: Progress
    indicator_value: ShortText = ""
    narrative: RequiredText


def fill_submission(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """Copy a monitoring report into its round's Submission row, when it belongs to a round."""
    assert isinstance(form, MonitoringReportAnswer)
    submission = session.exec(
        select(Submission).where(Submission.assignment_id == assignment.id)
    ).first()
    if submission is None:
        return
    submission.progress = form.progress.value
    submission.indicator_value = form.indicator_value or None
    submission.narrative = form.narrative
    submission.attachment_sha256 = answer.attachment_sha256
    submission.submitted_at = answer.submitted_at
    submission.on_time = answer.on_time if submission.on_time is None else submission.on_time
    session.add(submission)
