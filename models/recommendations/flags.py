"""What the coordinator is told to look at: recommendations no measure answers, or long open."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.core.settings import Settings
from models.lifecycle.desk import Desk
from models.messaging.compose import coordinator_addressee
from models.messaging.emails import Post
from models.messaging.vocabulary import name_in
from models.recommendations.follow_up import months_open, shortened, summary_in
from models.recommendations.messages import FlagLine, RecommendationFlags
from models.recommendations.rules import CLOSED_STATUSES, LONG_OPEN, WORDS, period_text
from models.recommendations.tables import (
    Recommendation,
    RecommendationMeasure,
    RecommendationSource,
)
from models.reference.institutions import Institution


@dataclass(frozen=True)
class Flags:
    """The open recommendations with no measure, and those open for more than six months."""

    unlinked: list[FlagLine]
    long_open: list[FlagLine]


def find_flags(session: Session, settings: Settings, today_: date) -> Flags:
    """Every open recommendation the coordinator should look at, in code order."""
    linked = set(session.exec(select(RecommendationMeasure.recommendation_id)))
    query = (
        select(Recommendation, RecommendationSource, Institution)
        .join(RecommendationSource, col(RecommendationSource.id) == col(Recommendation.source_id))
        .join(Institution, col(Institution.id) == col(Recommendation.lead_institution_id))
        .where(col(Recommendation.status).not_in(CLOSED_STATUSES))
        .order_by(col(Recommendation.code))
    )
    unlinked, long_open = [], []
    for recommendation, source, lead in session.exec(query):
        line = FlagLine(
            code=recommendation.code,
            summary=shortened(summary_in(recommendation, settings.language), 160),
            body=name_in(WORDS, source.body, settings.language),
            lead=lead.code,
            open_months=months_open(source.published_on, today_),
        )
        if recommendation.id not in linked:
            unlinked.append(line)
        if today_ - source.published_on > LONG_OPEN:
            long_open.append(line)
    return Flags(unlinked, long_open)


def tell_coordinator(desk: Desk, period: str, flags: Flags) -> int:
    """One email a period to the coordinator listing the flags, when there are any."""
    if not flags.unlinked and not flags.long_open:
        return 0
    context = RecommendationFlags(
        period=period_text(period, desk.settings.language),
        unlinked=flags.unlinked,
        long_open=flags.long_open,
    )
    post = Post(desk.session, desk.settings, desk.now)
    to = coordinator_addressee(desk.settings)
    return len(post.queue(f"recommendation-flags:{period}", to, context))
