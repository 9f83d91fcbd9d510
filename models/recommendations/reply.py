"""The state's reply to one body and cycle, drafted from the evidence the owners gave."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from models.core.i18n import LANGUAGES, N_, translate
from models.core.text import shown
from models.lifecycle.tables import Assignment
from models.messaging.vocabulary import VOCABULARY, name_in
from models.recommendations.rules import WORDS
from models.recommendations.tables import (
    Evidence,
    Recommendation,
    RecommendationMeasure,
    RecommendationSource,
)
from models.reference.institutions import Institution
from models.reference.strategy import Measure, Strategy


class ReplyError(LookupError):
    """No source with the code asked for; the message names it."""


@dataclass(frozen=True)
class GivenEvidence:
    """What one institution reported it did."""

    institution: str
    status: str
    done_on: date | None
    text: str
    document: str
    given_at: datetime


@dataclass
class ReplyItem:
    """One recommendation as the reply shows it; a gap when no evidence was given."""

    code: str
    ref: str
    text: str
    summary_ro: str
    strength: str
    theme: str
    pillar: str
    status: str
    lead: str
    measures: list[str] = field(default_factory=list)
    evidence: list[GivenEvidence] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        """Nothing was reported on it: the reply has no evidence to give."""
        return not self.evidence


@dataclass
class Reply:
    source: str
    body: str
    cycle: str
    document: str
    published_on: date
    reporting_on: date | None
    language: str
    sample: bool
    items: list[ReplyItem] = field(default_factory=list)

    @property
    def gaps(self) -> list[ReplyItem]:
        """The recommendations with no evidence."""
        return [item for item in self.items if item.gap]


def find_source(session: Session, code: str) -> RecommendationSource:
    """The source with this code; ReplyError names the code and the known ones otherwise."""
    wanted = code.strip().upper()
    source = session.exec(
        select(RecommendationSource).where(RecommendationSource.code == wanted)
    ).first()
    if source is None:
        known = ", ".join(session.exec(select(RecommendationSource.code)).all()) or "none yet"
        raise ReplyError(f"source: no source {shown(code)}; the sources are: {known}")
    return source


def _measures(session: Session, ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(RecommendationMeasure.recommendation_id, Strategy.code, Measure.code, Measure.title)
        .join(Measure, col(Measure.id) == col(RecommendationMeasure.measure_id))
        .join(Strategy, col(Strategy.id) == col(Measure.strategy_id))
        .where(col(RecommendationMeasure.recommendation_id).in_(ids))
        .order_by(col(Measure.code))
    )
    found: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, strategy, code, title in rows:
        found[recommendation_id].append(f"{strategy}/{code} {title}")
    return found


def _evidence(session: Session, ids: list[int], language: str) -> dict[int, list[GivenEvidence]]:
    rows = session.exec(
        select(Evidence, Institution)
        .join(Institution, col(Institution.id) == col(Evidence.institution_id))
        .where(col(Evidence.recommendation_id).in_(ids))
        .order_by(col(Evidence.given_at))
    )
    found: dict[int, list[GivenEvidence]] = defaultdict(list)
    for given, institution in rows:
        found[given.recommendation_id].append(
            GivenEvidence(
                institution=institution.name_in(language),
                status=given.status,
                done_on=given.done_on,
                text=given.text,
                document=given.document,
                given_at=given.given_at,
            )
        )
    return found


def build_reply(session: Session, source_code: str, language: str | None = None) -> Reply:
    """Every recommendation of the source with its status, measures and evidence."""
    source = find_source(session, source_code)
    reader = language or (source.language if source.language in LANGUAGES else "en")
    reply = Reply(
        source=source.code,
        body=source.body,
        cycle=source.cycle,
        document=source.document,
        published_on=source.published_on,
        reporting_on=source.reporting_on,
        language=reader,
        sample=source.sample,
    )
    rows = session.exec(
        select(Recommendation, Institution)
        .join(Institution, col(Institution.id) == col(Recommendation.lead_institution_id))
        .where(Recommendation.source_id == source.id)
    ).all()
    rows = sorted(rows, key=lambda row: _ref_order(row[0].ref))
    ids = [r.id or 0 for r, _ in rows]
    measures, evidence = _measures(session, ids), _evidence(session, ids, reader)
    for recommendation, lead in rows:
        item = ReplyItem(
            code=recommendation.code,
            ref=recommendation.ref,
            text=recommendation.text,
            summary_ro=recommendation.summary_ro,
            strength=recommendation.strength,
            theme=recommendation.theme,
            pillar=recommendation.pillar,
            status=recommendation.status,
            lead=lead.name_in(reader),
            measures=measures.get(recommendation.id or 0, []),
            evidence=evidence.get(recommendation.id or 0, []),
        )
        reply.items.append(item)
    return reply


def _ref_order(ref: str) -> tuple[int, str]:
    """'2' before '10': numbers in the body's order, then the rest."""
    digits = "".join(ch for ch in ref if ch in "0123456789")[:6]
    return (int(digits) if digits else 10**6, ref)


def with_source(session: Session, code: str) -> tuple[Recommendation, RecommendationSource] | None:
    """The recommendation with this code and the document it comes from."""
    found = session.exec(
        select(Recommendation, RecommendationSource)
        .join(RecommendationSource, col(RecommendationSource.id) == col(Recommendation.source_id))
        .where(Recommendation.code == code)
    ).first()
    return None if found is None else (found[0], found[1])


def recommendation_details(
    session: Session, assignment: Assignment, language: str
) -> list[tuple[str, str]]:
    """What the owner reads above the form: the body's words, how it asks, the measures."""
    found = with_source(session, assignment.subject_ref)
    if found is None:
        return []
    recommendation, source = found
    measures = _measures(session, [recommendation.id or 0]).get(recommendation.id or 0, [])
    words = {**VOCABULARY, **WORDS}
    return [
        (translate(language, N_("Recommendation")), recommendation.text),
        (
            translate(language, N_("Source")),
            f"{name_in(words, source.body, language)}: {source.document}",
        ),
        (
            translate(language, N_("How the body asks")),
            name_in(words, recommendation.strength, language),
        ),
        (
            translate(language, N_("Strategy measures")),
            "; ".join(measures)
            or translate(language, N_("No measure of the strategy answers it.")),
        ),
    ]
