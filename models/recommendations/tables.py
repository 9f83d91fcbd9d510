"""Where recommendations come from, the recommendations, who owns them, and the evidence."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime
from models.recommendations.rules import RecommendationStatus


class RecommendationSource(SQLModel, table=True):
    """One document of an outside body: a GRETA round's report, a year's TIP report."""

    __tablename__ = "recommendation_source"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    body: str = Field(max_length=10)
    cycle: str = Field(max_length=20)
    document: str = Field(max_length=300)
    published_on: date
    reporting_on: date | None = None  # when the state next reports to the body on it
    language: str = Field(default="en", max_length=2)  # the language the body reads
    sample: bool = False


class Recommendation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("source_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="recommendation_source.id", index=True)
    ref: str = Field(max_length=20)  # the body's own number: a paragraph, a bullet
    code: str = Field(max_length=61, unique=True)  # SOURCE/REF
    text: str = Field(max_length=5000)
    summary_ro: str = Field(max_length=1000)
    strength: str = Field(max_length=12)
    theme: str = Field(max_length=20)
    pillar: str = Field(max_length=12)
    status: str = Field(default=RecommendationStatus.ACCEPTED, max_length=16)
    lead_institution_id: int = Field(foreign_key="institution.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RecommendationMeasure(SQLModel, table=True):
    """A strategy measure that answers the recommendation."""

    __tablename__ = "recommendation_measure"

    recommendation_id: int = Field(foreign_key="recommendation.id", primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", primary_key=True, index=True)


class RecommendationContributor(SQLModel, table=True):
    """An institution that contributes to a recommendation its lead institution owns."""

    __tablename__ = "recommendation_contributor"

    recommendation_id: int = Field(foreign_key="recommendation.id", primary_key=True)
    institution_id: int = Field(foreign_key="institution.id", primary_key=True)


class Evidence(SQLModel, table=True):
    """What an institution did about a recommendation, when, with a document to show for it."""

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    institution_id: int = Field(foreign_key="institution.id")
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", unique=True)
    answer_id: int | None = Field(default=None, foreign_key="answer.id")
    status: str = Field(max_length=16)
    done_on: date | None = None
    text: str = Field(max_length=5000)
    document: str = Field(default="", max_length=300)
    given_at: datetime = Field(sa_type=UTCDateTime)
