"""The consolidated report's figures, from a hand-made set of submissions."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.monitoring.report import build_round_report, measure_progress
from models.monitoring.report_files import write_report
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.institutions import Institution
from models.reference.strategy import Measure
from tests.support.rounds import opened_round

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Bucharest")
ON_TIME, LATE = datetime(2027, 1, 10, tzinfo=UTC), datetime(2027, 2, 20, tzinfo=UTC)


def a_round(engine: Engine, session: Session) -> MonitoringRound:
    """Round 2026-S2 of PLAN: 1.1.1 by ANITP; 1.1.2 by ANITP and COORD."""
    return opened_round(engine, session, NOW)


def fill(session: Session, measure: str, institution: str, **values: object) -> None:
    submission = session.exec(
        select(Submission)
        .join(Measure, Measure.id == Submission.measure_id)  # type: ignore[arg-type]
        .join(Institution, Institution.id == Submission.institution_id)  # type: ignore[arg-type]
        .where(Measure.code == measure, Institution.code == institution)
    ).one()
    for name, value in values.items():
        setattr(submission, name, value)
    session.add(submission)
    session.commit()


def test_the_report_counts_what_was_sent_on_time_late_and_never(
    engine: Engine, session: Session
) -> None:
    round_ = a_round(engine, session)
    done = {"progress": "done", "indicator_value": "4", "submitted_at": ON_TIME, "on_time": True}
    fill(session, "1.1.1", "ANITP", **done)
    fill(session, "1.1.2", "ANITP", progress="blocked", submitted_at=LATE, on_time=False)
    report = build_round_report(session=session, round_=round_)
    total = report.total
    assert (total.expected, total.answered, total.on_time) == (3, 2, 1)
    assert [(r.label, r.expected, r.answered) for r in report.by_pillar] == [("prevention", 3, 2)]
    assert [(r.label, r.title) for r in report.by_institution] == [
        ("COORD", "Coordonator"),
        ("ANITP", "Agenția"),
    ]
    assert report.by_institution[0].missing == ["1.1.2"]
    lines = {m.code: m for m in report.measures}
    assert (lines["1.1.1"].progress, lines["1.1.1"].indicators) == ("done", (("ANITP", "4"),))
    assert (lines["1.1.2"].progress, lines["1.1.2"].reported, lines["1.1.2"].responsible) == (
        "blocked",
        1,
        2,
    )
    assert [m.code for m in report.blocked] == ["1.1.2"] == [m.code for m in report.past_deadline]
    assert report.without_report == []


def test_one_word_sums_up_a_measure_reported_by_several_institutions() -> None:
    assert measure_progress([None, None]) == "no report"
    assert measure_progress(["done", None]) == "done"
    assert measure_progress(["done", "not-started"]) == "in-progress"
    assert measure_progress(["done", "blocked"]) == "blocked"


def test_the_report_files_read_as_a_ministry_expects(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    round_ = a_round(engine, session)
    fill(session, "1.1.2", "ANITP", progress="blocked", submitted_at=LATE, on_time=False)
    report = build_round_report(session=session, round_=round_)
    files = write_report(report, None, tmp_path, ZONE, NOW, "ro")
    book = load_workbook(files.xlsx)
    assert book.sheetnames == ["Sumar", "Pe instituții", "Pe piloni", "Măsuri", "Stadiul pe piloni"]
    sheet = book["Pe instituții"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Instituția", "Denumire completă", "Așteptate"]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.column_dimensions["B"].width >= len("Coordonator")
    rate = sheet.cell(row=2, column=header.index("Rata de raportare") + 1)
    assert isinstance(rate.value, int | float) and rate.number_format == "0%"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1"  # the header row repeats on every page
    summary = {row[0]: row[1] for row in book["Sumar"].iter_rows(min_row=2, values_only=True)}
    assert summary["Termenul rapoartelor"] == datetime(2027, 1, 29)  # a real date cell
    assert files.pdf is not None
    text = " ".join(page.extract_text() for page in PdfReader(files.pdf).pages)
    assert "Raport consolidat 2026-S2" in text and "Rata de raportare pe piloni" in text
    assert "blocat" in text and "blocked" not in text
