"""Coverage: which recommendations each measure answers, which none does, progress by body."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.core.i18n import N_, translate
from models.lifecycle.duty import Panel
from models.messaging.vocabulary import VOCABULARY, name_in
from models.recommendations.rules import WORDS, RecommendationStatus
from models.recommendations.tables import (
    Recommendation,
    RecommendationMeasure,
    RecommendationSource,
)
from models.reference.strategy import Measure, Strategy

STATUS_ORDER = tuple(RecommendationStatus)


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


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tally_rows(tally: dict[str, Counter[str]], language: str) -> list[list[str]]:
    names = {**VOCABULARY, **WORDS}
    return [
        [_capitalised(name_in(names, group, language)), str(sum(counts.values()))]
        + [str(counts.get(status, 0)) for status in STATUS_ORDER]
        for group, counts in sorted(tally.items())
    ]


def coverage_panels(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """The coverage tables of the coordinator's view, in the reader's language."""
    coverage = build_coverage(session)
    if not coverage.by_body:
        return []

    def t(message: str) -> str:
        return translate(language, message)

    status_headers = [name_in(WORDS, status, language) for status in STATUS_ORDER]
    progress = Panel(
        t(N_("Recommendations of outside evaluators, by body, pillar and theme")),
        [t(N_("Body, pillar or theme")), t(N_("Recommendations")), *status_headers],
        _tally_rows(coverage.by_body, language)
        + _tally_rows(coverage.by_pillar, language)
        + _tally_rows(coverage.by_theme, language),
    )
    answered = Panel(
        t(N_("Which recommendations each measure answers")),
        [t(N_("Measure")), t(N_("Recommendations"))],
        [
            [f"{ref} {coverage.measure_titles[ref]}", ", ".join(codes)]
            for ref, codes in coverage.by_measure.items()
        ],
        note=t(N_("No measure answers: %(codes)s")) % {"codes": ", ".join(coverage.unanswered)}
        if coverage.unanswered
        else "",
    )
    return [progress, answered]


def coverage_sections(session: Session, language: str) -> list[Panel]:
    """The same coverage tables for a monitoring round's consolidated report."""
    return coverage_panels(session, datetime.min, language, ZoneInfo("UTC"))
