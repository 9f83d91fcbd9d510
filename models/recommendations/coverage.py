"""Coverage: which recommendations each measure answers, which none does, progress by body."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models.recommendations.tables import (
    Recommendation,
    RecommendationMeasure,
    RecommendationSource,
)
from models.reference.strategy import Measure, Strategy


@dataclass
class Coverage:
    """The recommendations by measure, those no measure answers, and counts by status."""

    by_measure: dict[str, list[str]] = field(default_factory=dict)  # 'STRATEGY/CODE' -> codes
    measure_titles: dict[str, str] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)
    by_body: dict[str, Counter[str]] = field(default_factory=dict)
    by_pillar: dict[str, Counter[str]] = field(default_factory=dict)
    by_theme: dict[str, Counter[str]] = field(default_factory=dict)


def build_coverage(session: Session) -> Coverage:
    """Every recommendation's links to measures, and the tally of statuses by body and pillar."""
    coverage = Coverage()
    links = session.exec(
        select(RecommendationMeasure.recommendation_id, Strategy.code, Measure.code, Measure.title)
        .join(Measure, col(Measure.id) == col(RecommendationMeasure.measure_id))
        .join(Strategy, col(Strategy.id) == col(Measure.strategy_id))
    ).all()
    measures_of: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, strategy, code, title in links:
        measures_of[recommendation_id].append(f"{strategy}/{code}")
        coverage.measure_titles[f"{strategy}/{code}"] = title
    by_body: dict[str, Counter[str]] = defaultdict(Counter)
    by_pillar: dict[str, Counter[str]] = defaultdict(Counter)
    by_theme: dict[str, Counter[str]] = defaultdict(Counter)
    rows = session.exec(
        select(Recommendation, RecommendationSource.body)
        .join(RecommendationSource, col(RecommendationSource.id) == col(Recommendation.source_id))
        .order_by(col(Recommendation.code))
    ).all()
    for recommendation, body in rows:
        by_body[body][recommendation.status] += 1
        by_pillar[recommendation.pillar][recommendation.status] += 1
        by_theme[recommendation.theme][recommendation.status] += 1
        refs = measures_of.get(recommendation.id or 0, [])
        for ref in refs:
            coverage.by_measure.setdefault(ref, []).append(recommendation.code)
        if not refs:
            coverage.unanswered.append(recommendation.code)
    coverage.by_measure = dict(sorted(coverage.by_measure.items()))
    coverage.by_body, coverage.by_pillar = dict(by_body), dict(by_pillar)
    coverage.by_theme = dict(by_theme)
    return coverage
