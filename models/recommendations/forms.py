"""What an owner answers about a recommendation: where it stands and the evidence of it."""

from datetime import date
from typing import Literal

from models.lifecycle.forms import AnswerForm, RequiredText, ShortText
from models.recommendations.rules import RecommendationStatus

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
