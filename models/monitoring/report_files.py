"""Writing a round's consolidated report: the page, its PDF, the workbook and CSV tables."""

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from models.core.cells import neutralised_row
from models.core.documents import PdfPrinter
from models.core.i18n import percent
from models.lifecycle.rates import Rate
from models.monitoring.report import PROGRESS, PlanEvaluation, RoundReport
from models.monitoring.report_page import indicator_values, render_report
from models.monitoring.report_workbook import write_workbook

RATE_COLUMNS = ["group", "expected", "received", "on_time", "reporting_rate", "on_time_rate"]


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    pdf: Path | None
    xlsx: Path
    csv: dict[str, Path]


def pct(value: float) -> str:
    """0.756 -> '76 %'."""
    return percent(value, "ro")


def rate_rows(rates: list[Rate]) -> list[list[Any]]:
    """Rates as table rows (fractions rounded to 4 places)."""
    return [
        [
            r.label,
            r.expected,
            r.answered,
            r.on_time,
            round(r.reporting_rate, 4),
            round(r.on_time_rate, 4),
        ]
        for r in rates
    ]


def measure_rows(report: RoundReport) -> list[list[Any]]:
    """One row per measure."""
    return [
        [
            m.code,
            m.title,
            m.pillar,
            m.objective,
            m.deadline,
            m.responsible,
            m.reported,
            m.progress,
            indicator_values(m, "en"),
            m.past_deadline,
        ]
        for m in report.measures
    ]


MEASURE_COLUMNS = [
    "measure",
    "title",
    "pillar",
    "objective",
    "deadline",
    "responsible",
    "reported",
    "progress",
    "indicator_values",
    "past_deadline",
]


def tables(report: RoundReport) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every table of the report, by file/sheet name."""
    return {
        "by_institution": (RATE_COLUMNS, rate_rows(report.by_institution)),
        "by_pillar": (RATE_COLUMNS, rate_rows(report.by_pillar)),
        "measures": (MEASURE_COLUMNS, measure_rows(report)),
        "progress_by_pillar": (
            ["pillar", *PROGRESS],
            [[p, *(c[w] for w in PROGRESS)] for p, c in report.progress_by_pillar.items()],
        ),
    }


def write_tables(report: RoundReport, folder: Path) -> dict[str, Path]:
    """One CSV per table, with stable machine-readable headers and codes."""
    files = {}
    for name, (columns, rows) in tables(report).items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(neutralised_row(row) for row in rows)
        files[name] = path
    return files


def write_report(
    report: RoundReport,
    evaluation: PlanEvaluation | None,
    folder: Path,
    zone: ZoneInfo,
    generated: datetime,
    language: str = "ro",
) -> ReportFiles:
    """Write report.html, report.pdf (when WeasyPrint can run), report.xlsx and the CSVs."""
    folder.mkdir(parents=True, exist_ok=True)
    html, xlsx = folder / "report.html", folder / "report.xlsx"
    with PdfPrinter(html, folder / "report.pdf") as printer:
        page = render_report(report, evaluation, zone=zone, generated=generated, language=language)
        html.write_text(page, encoding="utf-8")
        printer.print()
        write_workbook(report, str(xlsx), zone, language)
        csv_files = write_tables(report, folder)
        pdf = printer.wait()
    return ReportFiles(folder, html, pdf, xlsx, csv_files)


def markdown_summary(report: RoundReport, files: ReportFiles) -> str:
    """The report's headline figures as Markdown, for a Prefect artifact."""
    lines = [
        f"# Consolidated report {report.period} ({report.strategy_code})",
        "",
        f"- expected {report.total.expected}, received {report.total.answered} "
        f"({pct(report.total.reporting_rate)}), on time {pct(report.total.on_time_rate)}",
        f"- measures without report {len(report.without_report)}, blocked "
        f"{len(report.blocked)}, past deadline {len(report.past_deadline)}",
    ]
    if report.previous_period and report.rate_change is not None:
        lines.append(
            f"- reporting rate {report.rate_change * 100:+.0f} points since "
            f"{report.previous_period}"
        )
    lines += [
        "",
        "| pillar | expected | received | reporting rate | on-time rate |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.label} | {r.expected} | {r.answered} | {pct(r.reporting_rate)} | "
        f"{pct(r.on_time_rate)} |"
        for r in report.by_pillar
    ]
    lines += ["", f"Files: `{files.folder}`"]
    return "\n".join(lines)
