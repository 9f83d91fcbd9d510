"""The campaign report's workbook holds no live formula, whatever the plan or the names say."""

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from models.campaigns.report import CampaignReport, Figures, MissingReport
from models.campaigns.report_files import write_campaign_workbook
from tests.support.formulas import HOSTILE, QUOTED, column, safe_workbook

DUE = datetime(2026, 11, 6, 10, tzinfo=UTC)


def test_the_campaign_workbook_quotes_hostile_names_and_keeps_its_figures(
    tmp_path: Path,
) -> None:
    report = CampaignReport(
        code="CAMP-2026-X",
        title=HOSTILE[0],
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        status="active",
        sample=False,
        counties=["CJ"],
        targets={"reach": 1000},
        total=Figures(activities=2, participants=60, reach=500, materials=10),
        by_county={"CJ": Figures(activities=2, participants=60, reach=500, materials=10)},
        missing=[
            MissingReport(f"I{n}", text, "2026-10", DUE, "overdue")
            for n, text in enumerate(HOSTILE)
        ],
    )
    path = tmp_path / "report.xlsx"
    write_campaign_workbook(report, path, ZoneInfo("Europe/Bucharest"), "ro")
    book = safe_workbook(path)
    assert column(book, "Sumar", "Valoare")[:3] == [
        f"{QUOTED[0]} (CAMP-2026-X)",
        datetime(2026, 10, 1),
        datetime(2026, 12, 31),
    ]
    assert column(book, "Rapoarte neprimite", "Instituția") == QUOTED
    assert column(book, "Pe județe", "Persoane atinse") == [500]
