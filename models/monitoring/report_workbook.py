"""The consolidated report as a workbook a ministry can filter and print."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from models.core.i18n import N_, translate
from models.core.workbooks import DAY, PERCENT, Column, add_summary, add_table, new_book
from models.lifecycle.rates import Rate
from models.monitoring.report import PROGRESS, RoundReport
from models.monitoring.report_page import WORDS, heading, indicator_values, word

RATE_COLUMNS: list[Column] = [
    (N_("Expected"), None),
    (N_("Received"), None),
    (N_("On time"), None),
    (N_("Reporting rate"), PERCENT),
    (N_("On-time rate"), PERCENT),
]


def _rate_cells(rate: Rate) -> list[Any]:
    return [rate.expected, rate.answered, rate.on_time, rate.reporting_rate, rate.on_time_rate]


def _summary(book: Workbook, report: RoundReport, zone: ZoneInfo, language: str) -> None:
    """The first sheet: what the round is and its headline figures."""

    def t(message: str) -> str:
        return translate(language, message)

    rows: list[list[Any]] = [
        [t(N_("Strategy")), f"{report.strategy_name} ({report.strategy_code})"],
        [t(N_("Period")), report.period],
        [t(N_("Reports due")), report.due_at.astimezone(zone).date()],
        [t(N_("Round locked")), report.lock_at.astimezone(zone).date()],
        [t(N_("Reports expected")), report.total.expected],
        [t(N_("Reports received")), report.total.answered],
        [t(N_("Reporting rate")), report.total.reporting_rate],
        [t(N_("On-time rate")), report.total.on_time_rate],
        [t(N_("Measures without any report")), len(report.without_report)],
        [t(N_("Measures blocked")), len(report.blocked)],
        [t(N_("Measures past their deadline")), len(report.past_deadline)],
    ]
    add_summary(book, rows, language)


def _measure_row(line: Any, language: str) -> list[Any]:
    deadline: Any = date.fromisoformat(line.deadline) if line.deadline[:1].isdigit() else None
    return [
        line.code,
        line.title,
        heading(line.pillar, language),
        line.objective,
        deadline if deadline else word(line.deadline, language),
        line.responsible,
        line.reported,
        word(line.progress, language),
        indicator_values(line, language),
        translate(language, N_("yes") if line.past_deadline else N_("no")),
    ]


def write_workbook(report: RoundReport, path: str, zone: ZoneInfo, language: str) -> None:
    """Write the summary, the rates by institution and pillar, the measures and progress."""
    book = new_book(f"{report.strategy_name} ({report.strategy_code}), {report.period}")
    _summary(book, report, zone, language)
    institutions = [
        [r.label, r.title, *_rate_cells(r), ", ".join(r.missing)] for r in report.by_institution
    ]
    columns = [(N_("Institution"), None), (N_("Full name"), None), *RATE_COLUMNS]
    add_table(
        book, N_("By institution"), [*columns, (N_("Never answered"), None)], institutions, language
    )
    pillars = [[heading(r.label, language), *_rate_cells(r)] for r in report.by_pillar]
    add_table(book, N_("By pillar"), [(N_("Pillar"), None), *RATE_COLUMNS], pillars, language)
    measure_columns: list[Column] = [
        (N_("Measure"), None),
        (N_("Title"), None),
        (N_("Pillar"), None),
        (N_("Objective"), None),
        (N_("Deadline"), DAY),
        (N_("Responsible"), None),
        (N_("Reported"), None),
        (N_("Progress"), None),
        (N_("Indicator values"), None),
        (N_("Past its deadline"), None),
    ]
    measures = [_measure_row(line, language) for line in report.measures]
    add_table(book, N_("Measures"), measure_columns, measures, language)
    progress = [
        [heading(p, language), *(c[w] for w in PROGRESS)]
        for p, c in report.progress_by_pillar.items()
    ]
    progress_columns: list[Column] = [(N_("Pillar"), None), *((WORDS[w], None) for w in PROGRESS)]
    add_table(book, N_("Progress by pillar"), progress_columns, progress, language)
    book.save(path)
