"""Recommendations: the import's checks, the follow-up's periods and digests, flags, replies."""

from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.core.calendar import WorkingCalendar
from models.core.settings import get_settings
from models.core.spreadsheets import SpreadsheetError
from models.lifecycle.desk import Desk
from models.lifecycle.tables import Assignment
from models.messaging.outbox import OutboxMessage
from models.recommendations.flags import find_flags
from models.recommendations.follow_up import follow_up_period, months_open, open_follow_ups
from models.recommendations.importing import SAMPLE_FILE, read_recommendation_file
from models.recommendations.panels import coverage_panels
from models.recommendations.reply import build_reply
from models.recommendations.reply_files import write_reply
from models.recommendations.rules import follow_up_due
from models.recommendations.saving import save_recommendations
from models.recommendations.tables import Recommendation, RecommendationSource
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference

ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)
CALENDAR = WorkingCalendar(zone=get_settings().zone)


def sample_rows() -> list:
    return read_recommendation_file(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes())


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """The Romanian reference data and the sample recommendations."""
    with Session(engine) as session:
        doc = parse_reference_document(ROMANIA.read_text(encoding="utf-8"))
        load_reference(session=session, doc=doc, source="romania.yaml", now=NOW)
        save_recommendations(session, sample_rows(), NOW)
        session.commit()
    return engine


def test_the_sample_set_is_valid_and_marked_as_a_sample() -> None:
    rows = [row for _, row in sample_rows()]
    assert len(rows) == 10 and all(row.sample for row in rows)
    assert {row.body for row in rows} == {"greta", "us-tip", "eu"}
    assert {row.strength for row in rows if row.body == "greta"} == {
        "urges",
        "considers",
        "invites",
    }


def test_every_wrong_cell_of_a_csv_is_named_by_line_and_column() -> None:
    content = (
        "source,body,cycle,published_on,ref,text,summary_ro,theme,pillar,lead,status\n"
        "GRETA-4,greta,4,2026-06-01,1,Pay compensation.,Despăgubiri,compensation,protection,MJ,\n"
        "GRETA-4,nato,4,2026-13-01,2,Text.,Rezumat,assistance,protection,ANITP,\n"
        "GRETA-4,greta,4,2026-06-01,1,Again.,Din nou,assistance,protection,ANITP,\n"
        "GRETA-4,greta,4,2026-06-01,3,<script>x</script>,Rezumat,data,heaven,ANITP,done\n"
    ).encode()
    with pytest.raises(SpreadsheetError) as caught:
        read_recommendation_file("r.csv", content)
    named = [(p.line, p.column) for p in caught.value.problems]
    assert named == [(3, "body"), (3, "published_on"), (4, "ref"), (5, "pillar"), (5, "status")]
    assert caught.value.problems[0].params["value"] == "'nato'"
    twice = caught.value.problems[2]
    assert twice.message % twice.params == "GRETA-4/1 is already on line 2."


def test_unknown_owners_and_measures_are_refused_and_nothing_is_written(loaded: Engine) -> None:
    content = (
        b"source,body,cycle,published_on,ref,text,summary_ro,theme,pillar,lead,contributors,measures\n"
        b"EU-2026,eu,2026,2026-06-01,1,Text.,Rezumat,data,partnership,XYZ,ANITP,SNITP-2024-2028/9.9.9\n"
    )
    rows = read_recommendation_file("r.csv", content)
    with Session(loaded) as session, pytest.raises(SpreadsheetError) as caught:
        save_recommendations(session, rows, NOW)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "lead"), (2, "measures")]
    with Session(loaded) as session:
        codes = session.exec(select(RecommendationSource.code)).all()
    assert sorted(codes) == ["EU-2025", "GRETA-3", "US-TIP-2026"]


def test_a_re_import_changes_nothing_and_keeps_the_progress_owners_reported(
    loaded: Engine,
) -> None:
    with Session(loaded) as session:
        recommendation = session.exec(
            select(Recommendation).where(Recommendation.code == "GRETA-3/1")
        ).one()
        recommendation.status = "partially"
        session.add(recommendation)
        again = save_recommendations(session, sample_rows(), NOW)
        session.commit()
        assert session.get(Recommendation, recommendation.id).status == "partially"
    assert (again.added, again.updated, again.unchanged, again.sources) == (0, 0, 10, 0)


def test_a_reporting_date_near_brings_its_own_period_and_an_earlier_due_date() -> None:
    source = RecommendationSource(
        code="S", body="greta", cycle="1", document="d", published_on=date(2026, 1, 1),
        reporting_on=date(2027, 2, 1),
    )  # fmt: skip
    assert follow_up_period(source, date(2027, 1, 4)) == "before-2027-02-01"
    assert follow_up_period(source, date(2026, 10, 1)) == "2026-Q4"
    assert follow_up_period(source, date(2027, 2, 1)) == "2027-Q1"
    plain = follow_up_due(NOW, None, CALENDAR).date()
    early = follow_up_due(NOW, date(2027, 2, 1), CALENDAR).date()
    assert plain == date(2027, 2, 3) and early == date(2027, 1, 18)  # 6 and 7 January are holidays
    assert months_open(date(2021, 6, 3), date(2027, 1, 4)) == 67


def test_an_owner_of_many_gets_one_digest_and_a_re_run_opens_nothing(loaded: Engine) -> None:
    settings = get_settings()
    with Session(loaded) as session:
        desk = Desk(session, settings, CALENDAR, NOW)
        first = open_follow_ups(desk)
        second = open_follow_ups(desk)
        session.commit()
        kinds = session.exec(select(OutboxMessage.kind, OutboxMessage.recipient)).all()
        periods = {a.key.rsplit(":", 1)[1] for a in session.exec(select(Assignment))}
    assert (len(first.opened), len(second.opened), second.queued) == (10, 0, 0)
    assert periods == {"2027-Q1", "before-2027-02-01"}  # the TIP submission is four weeks off
    digests = [to for kind, to in kinds if kind == "recommendation-follow-up"]
    assert len(digests) == 1 and "anitp" in digests[0].lower()  # ANITP leads three


def test_flags_name_the_unlinked_and_the_long_open(loaded: Engine) -> None:
    with Session(loaded) as session:
        flags = find_flags(session, get_settings(), date(2026, 12, 1))
    assert [f.code for f in flags.unlinked] == ["GRETA-3/6", "US-TIP-2026/3"]
    # the TIP report of June 2026 is not six months old yet
    assert [f.code for f in flags.long_open] == ["EU-2025/1"] + [
        f"GRETA-3/{n}" for n in range(1, 7)
    ]
    assert flags.long_open[1].open_months == 65 and flags.long_open[1].lead == "MJ"


def test_the_drafted_reply_marks_every_recommendation_without_evidence(
    loaded: Engine, tmp_path: Path
) -> None:
    with Session(loaded) as session:
        reply = build_reply(session, "us-tip-2026")
    files = write_reply(reply, tmp_path, NOW)
    document = docx.Document(str(files.docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"Recommendation {n} (recommends)" for n in (1, 2, 3)]
    gaps = [p for p in document.paragraphs if p.text.startswith("Gap: no evidence")]
    assert len(gaps) == 3 and gaps[0].runs[0].font.highlight_color is not None
    assert "Sample recommendations" in document.paragraphs[2].text
    assert files.html.read_text().count('class="has-gap"') == 3


def test_the_coverage_panels_tally_by_body_pillar_and_theme(loaded: Engine) -> None:
    with Session(loaded) as session:
        progress, answered = coverage_panels(session, NOW, "ro", CALENDAR.zone)
    rows = {row[0]: row[1:] for row in progress.rows}
    assert rows["GRETA (Consiliul Europei)"] == ["6", "6", "0", "0", "0", "0", "0"]
    assert rows["Protecție"][0] == "5" and rows["Copii victime"][0] == "2"
    assert progress.headers[2:4] == ["acceptată", "luată la cunoștință"]
    by_measure = {measure.split()[0]: codes for measure, codes in answered.rows}
    assert by_measure["SNITP-2024-2028/2.2.1"] == "GRETA-3/1, US-TIP-2026/1"
    assert answered.note == "Nicio măsură nu răspunde la: GRETA-3/6, US-TIP-2026/3"
