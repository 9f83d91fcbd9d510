"""The files a round's report email carries: named in words, described, within a size budget."""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal

from models.core.i18n import N_, locale_of, translate
from models.messaging.compose import FileAttachment
from models.monitoring.report import RoundReport
from models.monitoring.report_files import ReportFiles

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# Many mail servers refuse messages over 10 MB; base64 makes files a third larger.
ATTACHMENT_BUDGET = 5 * 1024 * 1024

# Each CSV table: its name in words (the workbook's sheet name) and what it holds.
CSV_TABLES: dict[str, tuple[str, str]] = {
    "by_institution": (
        N_("By institution"),
        N_("reports expected, received and on time, and both rates, for each institution"),
    ),
    "by_pillar": (N_("By pillar"), N_("the same figures for each pillar of the strategy")),
    "measures": (
        N_("Measures"),
        N_("one row per measure: pillar, objective, deadline, reports, progress, indicators"),
    ),
    "progress_by_pillar": (
        N_("Progress by pillar"),
        N_("the number of measures of each pillar by progress, and those without a report"),
    ),
}
PDF_HOLDS = N_("the consolidated report, to read and print")
XLSX_HOLDS = N_("every table of the report in one workbook, a sheet each")


@dataclass(frozen=True)
class ListedFile:
    """A file of the report as the email lists it; `holds` is an English message id."""

    name: str
    holds: str
    size: str
    attached: bool


def size_text(size: int, language: str) -> str:
    """1536 -> '2 kB'; 5 347 738 -> '5,1 MB' (ro) or '5.1 MB' (en)."""
    if size < 1024 * 1024:
        return f"{max(1, -(-size // 1024))} kB"
    mega = format_decimal(size / (1024 * 1024), "#,##0.#", locale=locale_of(language))
    return f"{mega} MB"


def in_words(text: str) -> str:
    """'Pe instituții' -> 'pe-institutii': a file name part any system keeps as it is."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def report_stem(report: RoundReport) -> str:
    """'raport-PLAN-2026-S2': the name the round's report has always been sent under."""
    return f"raport-{report.strategy_code}-{report.period}"


def _candidates(
    report: RoundReport, files: ReportFiles, language: str
) -> list[tuple[str, str, str, Path]]:
    """(name, content type, holds, path) of every file, in the order a reader wants them."""
    stem = report_stem(report)
    found = [(f"{stem}.pdf", PDF, PDF_HOLDS, files.pdf)] if files.pdf is not None else []
    found.append((f"{stem}.xlsx", XLSX, XLSX_HOLDS, files.xlsx))
    for table, path in files.csv.items():
        title, holds = CSV_TABLES[table]
        found.append((f"{stem}-{in_words(translate(language, title))}.csv", CSV, holds, path))
    return found


def report_mail_files(
    report: RoundReport, files: ReportFiles, language: str, budget: int = ATTACHMENT_BUDGET
) -> tuple[tuple[FileAttachment, ...], list[ListedFile]]:
    """The files to attach, in order while they fit the budget, and every file as listed."""
    attached: list[FileAttachment] = []
    listed: list[ListedFile] = []
    used = 0
    for name, content_type, holds, path in _candidates(report, files, language):
        content = path.read_bytes()
        fits = used + len(content) <= budget
        if fits:
            attached.append(FileAttachment(name, content_type, content))
            used += len(content)
        listed.append(ListedFile(name, holds, size_text(len(content), language), fits))
    return tuple(attached), listed
