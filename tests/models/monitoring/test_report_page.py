"""A report over thousands of institutions and measures stays a page worth reading."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models.lifecycle.rates import Rate
from models.monitoring.report import MeasureLine, RoundReport
from models.monitoring.report_files import tables
from models.monitoring.report_page import render_report
from tests.support.report_page import Tables

DUE = datetime(2027, 1, 29, tzinfo=UTC)


def a_measure(number: int) -> MeasureLine:
    """Every seventh measure is blocked, every eleventh has no report."""
    progress = "blocked" if number % 7 == 0 else "no report" if number % 11 == 0 else "done"
    return MeasureLine(
        code=f"M{number}",
        title=f"Măsura {number}",
        pillar="prevention",
        objective="OS1",
        deadline="annual",
        responsible=3,
        reported=0 if progress == "no report" else 3,
        progress=progress,
        indicators=(),
        past_deadline=False,
    )


def a_large_report() -> RoundReport:
    """1,200 institutions (I0007 reports least) and 1,000 measures."""
    institutions = [
        Rate(label=f"I{n:04}", expected=1000, answered=400 if n == 7 else 900 + n % 100)
        for n in range(1200)
    ]
    measures = [a_measure(n) for n in range(1, 1001)]
    return RoundReport(
        strategy_code="BIG",
        strategy_name="Strategia mare",
        period="2026-S2",
        due_at=DUE,
        lock_at=DUE,
        status="open",
        total=Rate(label="all", expected=1_200_000, answered=1_150_000, on_time=1_000_000),
        by_institution=institutions,
        by_pillar=[Rate(label="prevention", expected=1_200_000, answered=1_150_000)],
        measures=measures,
        progress_by_pillar={"prevention": Counter(done=750, blocked=142, **{"no report": 78})},
        progress_by_objective={"OS1": Counter(done=750)},
    )


def test_a_large_report_shows_what_needs_attention_and_points_to_the_full_lists() -> None:
    report = a_large_report()
    page = render_report(
        report, None, zone=ZoneInfo("Europe/Bucharest"), generated=DUE, language="ro"
    )
    parsed = Tables()
    parsed.feed(page)
    assert parsed.kpis["kpi-expected"] == "1.200.000" and parsed.kpis["kpi-answered"] == "1.150.000"
    institutions = parsed.tables["by-institution"][1:]
    assert len(institutions) == 40 and institutions[0][0] == "I0007"
    assert (
        "Instituțiile care au raportat cel mai puțin (40 din 1.200)"
        in parsed.notes["institutions-cut"]
    )
    measures = parsed.tables["measures"][1:]
    assert len(measures) == 100
    assert [row[5] for row in measures[:78]] == ["fără raport"] * 78  # no report comes first
    assert {row[5] for row in measures[78:]} == {"blocat"}
    assert "(100 din 1.000)" in parsed.notes["measures-cut"]
    assert "M693, M700 și încă 42" in page  # 142 blocked: the first 100 codes are named
    assert len(tables(report)["measures"][1]) == 1000  # the CSVs and the workbook keep every row


def test_a_national_report_lists_everything_with_no_excerpt_note() -> None:
    report = a_large_report()
    report.by_institution = report.by_institution[:40]
    report.measures = report.measures[:100]
    page = render_report(
        report, None, zone=ZoneInfo("Europe/Bucharest"), generated=DUE, language="ro"
    )
    parsed = Tables()
    parsed.feed(page)
    assert [row[0] for row in parsed.tables["by-institution"][1:]] == [
        f"I{n:04}" for n in range(40)
    ]
    assert [row[0] for row in parsed.tables["measures"][1:]][:2] == ["M1 Măsura 1", "M2 Măsura 2"]
    assert "institutions-cut" not in parsed.notes and "measures-cut" not in parsed.notes
