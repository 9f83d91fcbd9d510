"""The round's report files hold no live formula, whatever institutions typed or imported."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.monitoring.report import build_round_report
from models.monitoring.report_files import write_report
from models.monitoring.tables import MonitoringRound, Submission
from models.reference.strategy import Measure
from tests.support.formulas import HOSTILE, QUOTED, column, safe_csv, safe_workbook
from tests.support.reference import small_document
from tests.support.rounds import opened_round

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
HYPERLINK, CMD, MINUS, SUM = HOSTILE[:4]


def hostile_round(engine: Engine, session: Session) -> MonitoringRound:
    """Round 2026-S2 of a plan whose imported measure titles and institution name are formulas."""
    document = small_document()
    document["institutions"][1]["name"] = SUM
    measures = document["strategies"][0]["objectives"][0]["specific"][0]["measures"]
    measures[0]["title"], measures[1]["title"] = HYPERLINK, MINUS
    return opened_round(engine, session, NOW, document=document)


def answer(session: Session, measure: str, indicator_value: str) -> None:
    """ANITP's answer on a measure, with the indicator value it typed."""
    submission = session.exec(
        select(Submission)
        .join(Measure, Measure.id == Submission.measure_id)  # type: ignore[arg-type]
        .where(Measure.code == measure)
    ).first()
    assert submission is not None
    submission.progress, submission.indicator_value = "done", indicator_value
    submission.submitted_at, submission.on_time = NOW, True
    session.add(submission)
    session.commit()


def test_the_round_report_csv_files_and_workbook_hold_no_live_formula(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    round_ = hostile_round(engine, session)
    answer(session, "1.1.1", CMD)
    report = build_round_report(session=session, round_=round_)
    files = write_report(report, None, tmp_path, ZoneInfo("Europe/Bucharest"), NOW, "ro")
    measures = safe_csv(files.csv["measures"].read_text(encoding="utf-8"))
    assert [(m["title"], m["indicator_values"]) for m in measures] == [
        (QUOTED[0], f"ANITP: {HOSTILE[1]}"),  # named by who typed it, no longer a formula
        (QUOTED[2], ""),
    ]
    by_institution = safe_csv(files.csv["by_institution"].read_text(encoding="utf-8"))
    assert {float(row["reporting_rate"]) for row in by_institution} == {0.0, 0.5}
    for name in ("by_pillar", "progress_by_pillar"):
        safe_csv(files.csv[name].read_text(encoding="utf-8"))
    book = safe_workbook(files.xlsx)
    assert column(book, "Măsuri", "Titlu") == [QUOTED[0], QUOTED[2]]
    assert column(book, "Măsuri", "Valorile indicatorului") == [f"ANITP: {HOSTILE[1]}", None]
    assert "'" + SUM in column(book, "Pe instituții", "Denumire completă")
    assert column(book, "Măsuri", "Termen")[1] == datetime(2026, 12, 31)
    assert set(column(book, "Pe instituții", "Rata de raportare")) == {0.0, 0.5}
