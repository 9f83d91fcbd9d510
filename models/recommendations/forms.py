"""What an owner answers about a recommendation (where it stands and the evidence of it), its
words and partial."""

from datetime import date
from pathlib import Path
from typing import Literal

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, RequiredText, ShortText
from models.recommendations.rules import WORDS as RULE_WORDS
from models.recommendations.rules import RecommendationStatus

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "recommendations"
WORDS: dict[str, str] = {
    # a recommendation's statuses, the choices of the form among them
    **{status: RULE_WORDS[status] for status in RecommendationStatus},
    # the progress form
    "recommendation_status": N_("Implementation status of the recommendation"),
    "evidence": N_("What was done, as evidence for the state's reply"),
    "done_on": N_("When it was done"),
    "document": N_("Document that shows it (e.g. an order, a report, a law)"),
}

ReportedStatus = Literal[
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.PARTIALLY,
    RecommendationStatus.IMPLEMENTED,
    RecommendationStatus.NOT_IMPLEMENTED,
]


class RecommendationProgressAnswer(AnswerForm):
    kind: Literal["recommendation-progress"] = "recommendation-progress"
    recommendation_status: ReportedStatus
    evidence: RequiredText
    done_on: date | None = None
    document: ShortText = ""
