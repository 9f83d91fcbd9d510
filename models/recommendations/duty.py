"""The recommendation tracker as a duty: the progress kind, its emails, lifecycle and panel."""

from models.lifecycle.duty import AssignmentKind, Duty
from models.recommendations.details import follow_up_details
from models.recommendations.evidence import record_evidence
from models.recommendations.forms import PARTIALS, WORDS, RecommendationProgressAnswer
from models.recommendations.messages import RecommendationMessage
from models.recommendations.panels import coverage_panels, coverage_sections
from models.recommendations.rules import FOLLOW_UP_KIND, RECOMMENDATION_LIFECYCLE
from models.recommendations.tables import (
    Evidence,
    Recommendation,
    RecommendationContributor,
    RecommendationMeasure,
    RecommendationSource,
)

DUTY = Duty(
    name="recommendations",
    kinds=(
        AssignmentKind(
            FOLLOW_UP_KIND,
            RecommendationProgressAnswer,
            {"ro": "stadiul unei recomandări", "en": "progress on a recommendation"},
            template="progress-form.html",
            on_answer=record_evidence,
            details=follow_up_details,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    tables=(
        RecommendationSource,
        Recommendation,
        RecommendationMeasure,
        RecommendationContributor,
        Evidence,
    ),
    commands="deployments.cli_recommendations:recommendations_app",
    flows=("flows.recommendation_follow_up",),
    message_kinds=tuple(RecommendationMessage),
    lifecycles={"recommendation": RECOMMENDATION_LIFECYCLE},
    panels=coverage_panels,
    round_sections=coverage_sections,
)
