"""The drafted reply's workbook holds no live formula, whatever the institutions answered."""

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.recommendations.reply import build_reply
from models.recommendations.reply_files import write_reply
from models.recommendations.tables import Evidence, Recommendation, RecommendationSource
from models.reference.institutions import Institution
from tests.models.recommendations.test_recommendations import loaded  # noqa: F401
from tests.support.formulas import HOSTILE, QUOTED, column, safe_workbook

NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)
DONE_ON = date(2026, 11, 30)


def give_hostile_evidence(engine: Engine) -> None:
    """ANITP answers each US TIP recommendation with a text and document a spreadsheet would run."""
    with Session(engine) as session:
        anitp = session.exec(select(Institution).where(Institution.code == "ANITP")).one()
        recommendations = session.exec(
            select(Recommendation)
            .join(RecommendationSource)
            .where(RecommendationSource.code == "US-TIP-2026")
        ).all()
        for recommendation, text in zip(recommendations, HOSTILE, strict=False):
            given = Evidence(
                recommendation_id=recommendation.id or 0,
                institution_id=anitp.id or 0,
                status="partial",
                done_on=DONE_ON,
                text=text,
                document=HOSTILE[0],
                given_at=NOW,
            )
            session.add(given)
        session.commit()


def test_the_reply_workbook_quotes_what_institutions_answered(
    loaded: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    give_hostile_evidence(loaded)
    with Session(loaded) as session:
        reply = build_reply(session, "us-tip-2026")
    book = safe_workbook(write_reply(reply, tmp_path, NOW).xlsx)
    given = len(reply.items)
    assert column(book, "Evidence", "What was done") == QUOTED[:given]
    assert column(book, "Evidence", "Document") == [QUOTED[0]] * given
    assert column(book, "Evidence", "Done on") == [datetime(2026, 11, 30)] * given
    assert column(book, "Recommendations", "Evidence given") == [1] * given
