"""Every workbook Concord writes prints on A4 at a readable size, with a header and page numbers."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.campaigns.report import CampaignReport, Figures, MissingReport
from models.campaigns.report_files import write_campaign_workbook
from models.core.calendar import WorkingCalendar
from models.monitoring.report import build_round_report
from models.monitoring.report_files import write_report
from models.monitoring.rounds import create_round_assignments, open_round
from models.monitoring.tables import MonitoringRound, Submission
from models.recommendations.reply import build_reply
from models.recommendations.reply_files import write_reply
from models.recommendations.tables import Evidence, Recommendation
from models.reference.document import parse_reference_document
from models.reference.institutions import Institution
from models.reference.loader import load_reference
from tests.models.recommendations.test_recommendations import loaded  # noqa: F401
from tests.support.formulas import column

NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Bucharest")
ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
A4 = 9  # the paper size code of A4 in a workbook's page setup
CM_PER_WIDTH = 0.2  # how wide LibreOffice prints a column of width 1 (a '0' of Calibri 11)
INDICATOR = (
    "Campania națională de informare a fost difuzată în 41 de județe și în municipiul București; "
    "1.500.000 de persoane au văzut materialele, iar 12.400 de elevi au participat la sesiuni."
)


def round_workbook(engine: Engine, tmp_path: Path) -> Path:
    """The report of round 2026-S2 of Romania's strategy, half of it answered at length."""
    with Session(engine) as session:
        doc = parse_reference_document(ROMANIA.read_text(encoding="utf-8"))
        load_reference(session=session, doc=doc, source="romania.yaml", now=NOW)
        session.commit()
    calendar = WorkingCalendar()
    round_id = open_round(
        engine=engine,
        strategy_code="SNITP-2024-2028",
        period_label="2026-S2",
        due_date=date(2027, 1, 29),
        working_days_after_end=20,
        lock_after_days=10,
        calendar=calendar,
        now=NOW,
    )
    create_round_assignments(engine=engine, round_id=round_id, calendar=calendar, now=NOW)
    with Session(engine) as session:
        for submission in session.exec(select(Submission)).all()[::2]:
            submission.progress, submission.indicator_value = "in-progress", INDICATOR
            submission.submitted_at, submission.on_time = NOW, True
            session.add(submission)
        session.commit()
        report = build_round_report(session=session, round_=session.get(MonitoringRound, round_id))
    return write_report(report, None, tmp_path, ZONE, NOW, "ro").xlsx


def campaign_workbook(tmp_path: Path, language: str = "ro") -> Path:
    """The workbook of a national campaign with a million and a half people reached."""
    big = Figures(activities=1250, participants=48200, reach=1_500_000, materials=250_000)
    due = datetime(2026, 11, 6, 10, tzinfo=UTC)
    report = CampaignReport(
        code="CAMP-2026-10",
        title="Campania națională „Nu ești de vânzare”",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        status="active",
        sample=False,
        counties=["CJ", "IS"],
        targets={"reach": 2_000_000},
        total=big,
        by_county={"CJ": big, "IS": Figures(3, 90, 1200, 400)},
        by_month={"2026-10": big, "2026-11": Figures(3, 90, 1200, 400)},
        by_institution={"ANITP": big, "CR-IS": Figures(3, 90, 1200, 400)},
        names={"ANITP": "Agenția Națională împotriva Traficului de Persoane"},
        missing=[MissingReport("CR-CJ", "Centrul regional Cluj", "2026-11", due, "overdue")],
    )
    path = tmp_path / f"campaign-{language}.xlsx"
    write_campaign_workbook(report, path, ZONE, language)
    return path


def reply_workbook(engine: Engine, tmp_path: Path) -> Path:
    """The reply to the US TIP report, every recommendation answered, half with the day of it."""
    with Session(engine) as session:
        anitp = session.exec(select(Institution).where(Institution.code == "ANITP")).one()
        for index, recommendation in enumerate(session.exec(select(Recommendation)).all()):
            evidence = Evidence(
                recommendation_id=recommendation.id or 0,
                institution_id=anitp.id or 0,
                status="partial",
                done_on=date(2026, 11, 30) if index % 2 else None,
                text=INDICATOR,
                document="Raportul ANITP (exemplu)",
                given_at=NOW - timedelta(days=index),
            )
            session.add(evidence)
        session.commit()
        reply = build_reply(session, "us-tip-2026")
    return write_reply(reply, tmp_path, NOW).xlsx


def printed_scale(sheet: Worksheet) -> float:
    """The scale the sheet prints at one page wide, from its column widths and margins."""
    margins = sheet.page_margins
    printable = 29.7 - (margins.left + margins.right) * 2.54
    widths = [
        sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)
    ]
    printed = sum(widths) * CM_PER_WIDTH
    return min(1.0, printable / printed)


def check_printable(path: Path) -> None:
    """Every sheet: A4 landscape one page wide, large enough, with a header and page numbers."""
    book = load_workbook(path)
    for sheet in book:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (A4, "landscape"), sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert printed_scale(sheet) >= 0.8, (sheet.title, printed_scale(sheet))
        header = [
            sheet.oddHeader.left.text,
            sheet.oddHeader.center.text,
            sheet.oddHeader.right.text,
        ]
        assert any(header), sheet.title
        assert "&P" in (sheet.oddFooter.center.text or ""), sheet.title
        assert "&N" in (sheet.oddFooter.center.text or ""), sheet.title
        for cells in sheet.iter_cols():
            values = [cell for cell in cells[1:] if cell.value is not None]
            if not values:
                continue
            aligned = {cell.alignment.horizontal for cell in cells}
            assert len(aligned) == 1, (sheet.title, cells[0].value, aligned)
            for cell in values:
                if isinstance(cell.value, int | float):
                    # a count groups its thousands; a rate (at most 1) may be a percentage
                    shown = ("#,##0",) if cell.value > 1 else ("#,##0", "0%")
                    assert cell.number_format in shown, (sheet.title, cell.coordinate)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_round_report_workbook_prints_readably(engine: Engine, tmp_path: Path) -> None:
    path = round_workbook(engine, tmp_path)
    check_printable(path)
    book = load_workbook(path)
    assert book["Sumar"].oddHeader.left.text.startswith("Strategia națională")
    assert book["Măsuri"].column_dimensions["A"].width >= 8


def test_the_campaign_workbook_prints_readably_with_months_in_words(tmp_path: Path) -> None:
    check_printable(campaign_workbook(tmp_path))
    book = load_workbook(campaign_workbook(tmp_path))
    assert column(book, "Pe luni", "Luna") == ["octombrie 2026", "noiembrie 2026"]
    assert column(book, "Rapoarte neprimite", "Luna") == ["noiembrie 2026"]
    assert column(book, "Pe instituții", "Instituția") == [
        "Agenția Națională împotriva Traficului de Persoane",
        "CR-IS",
    ]
    assert column(book, "Pe instituții", "Persoane atinse") == [1_500_000, 1200]
    english = load_workbook(campaign_workbook(tmp_path, "en"))
    assert column(english, "By month", "Month") == ["October 2026", "November 2026"]
    assert english["By month"].oddFooter.center.text == "Page &P of &N"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_reply_workbook_prints_readably_with_the_day_each_answer_came(
    loaded: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = reply_workbook(loaded, tmp_path)
    check_printable(path)
    book = load_workbook(path)
    received = column(book, "Evidence", "Received at")
    assert received and all(isinstance(day, datetime) for day in received)
    done = column(book, "Evidence", "Done on")
    assert datetime(2026, 11, 30) in done and None in done
