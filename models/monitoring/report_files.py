"""Writing a round's consolidated report: HTML with inline SVG charts, CSV tables, XLSX."""

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from openpyxl import Workbook

from models.lifecycle.rates import Rate
from models.messaging.render import TEMPLATES_DIR
from models.monitoring.report import PROGRESS, PlanEvaluation, RoundReport

REPORTS = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR.parent / "reports"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
RATE_COLUMNS = ["group", "expected", "received", "on_time", "reporting_rate", "on_time_rate"]


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    xlsx: Path
    csv: dict[str, Path]


def pct(value: float) -> str:
    """0.756 -> '76 %'."""
    return f"{value * 100:.0f} %"


def bar_chart(rates: list[Rate]) -> Markup:
    """A horizontal bar chart of reporting rates as inline SVG."""
    row, width, label_width = 22, 640, 260
    height = row * len(rates) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="reporting rate">'
    ]
    for index, rate in enumerate(rates):
        y = 5 + index * row
        length = int((width - label_width - 60) * rate.reporting_rate)
        colour = (
            "#166534"
            if rate.reporting_rate >= 0.8
            else "#b45309"
            if rate.reporting_rate >= 0.5
            else "#b91c1c"
        )
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(rate.label[:40])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="16" fill="{colour}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 13}" font-size="12">'
            f"{pct(rate.reporting_rate)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


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
            "; ".join(m.indicators),
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


def write_report(
    report: RoundReport,
    evaluation: PlanEvaluation | None,
    folder: Path,
    zone: ZoneInfo,
    generated: datetime,
) -> ReportFiles:
    """Write report.html, one CSV per table and report.xlsx into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / "report.html"
    local = "%Y-%m-%d %H:%M"
    html.write_text(
        REPORTS.get_template("round.html").render(
            r=report,
            evaluation=evaluation,
            pct=pct,
            bars=bar_chart,
            progress_words=PROGRESS,
            due=report.due_at.astimezone(zone).strftime(local),
            lock=report.lock_at.astimezone(zone).strftime(local),
            generated=generated.astimezone(zone).strftime(local),
        ),
        encoding="utf-8",
    )
    csv_files = {}
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, (columns, rows) in tables(report).items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
        csv_files[name] = path
        sheet = workbook.create_sheet(name)
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
    xlsx = folder / "report.xlsx"
    workbook.save(xlsx)
    return ReportFiles(folder=folder, html=html, xlsx=xlsx, csv=csv_files)


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
