"""Writing a campaign's report: the page, its PDF, the workbook, and a Markdown summary."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session

from models.campaigns.launch import find_campaign
from models.campaigns.report import CampaignReport, Figures, build_campaign_report
from models.campaigns.report_page import render_campaign_report, word
from models.core.documents import html_to_pdf
from models.core.i18n import N_, month_name, translate
from models.core.settings import Settings
from models.core.workbooks import COUNT, DAY, Column, add_summary, add_table, new_book
from models.reference.counties import load_counties

FIGURE_COLUMNS: list[Column] = [
    (N_("Activities"), COUNT),
    (N_("Participants"), COUNT),
    (N_("People reached"), COUNT),
    (N_("Materials distributed"), COUNT),
]
TARGET, ACHIEVED = N_("target"), N_("achieved")


@dataclass(frozen=True)
class CampaignFiles:
    folder: Path
    html: Path
    pdf: Path | None
    xlsx: Path


def capitalised(text: str) -> str:
    """'elevi' -> 'Elevi', as a table's first column reads."""
    return text[:1].upper() + text[1:]


def _figures(f: Figures) -> list[int]:
    return [f.activities, f.participants, f.reach, f.materials]


def _summary_rows(report: CampaignReport, language: str) -> list[list[Any]]:
    def t(message: str) -> str:
        return translate(language, message)

    rows: list[list[Any]] = [
        [t(N_("Campaign")), f"{report.title} ({report.code})"],
        [t(N_("Starts")), report.starts_on],
        [t(N_("Ends")), report.ends_on],
        [t(N_("Status")), word(report.status, language)],
    ]
    for indicator in ("participants", "reach", "materials"):
        name = capitalised(word(indicator, language))
        rows.append([name, getattr(report.total, indicator)])
        if report.targets.get(indicator):
            rows.append([f"{name}: {t(TARGET)}", report.targets[indicator]])
            rows.append([f"{name}: {t(ACHIEVED)}", report.achieved(indicator)])
    rows.append([t(N_("Reports not received")), len(report.missing)])
    return rows


def _summary_sheet(book: Workbook, report: CampaignReport, language: str) -> None:
    """The first sheet: the campaign and its figures against its targets."""
    add_summary(book, _summary_rows(report, language), language)


def _county_sheet(book: Workbook, report: CampaignReport, language: str) -> None:
    """The figures by county, with the county's name and code."""
    names = load_counties()
    counties = [[names[code].name, code, *_figures(f)] for code, f in report.by_county.items()]
    add_table(
        book,
        N_("By county"),
        [(N_("County"), None), (N_("Code"), None), *FIGURE_COLUMNS],
        counties,
        language,
    )


def _institution_sheet(book: Workbook, report: CampaignReport, language: str) -> None:
    """The figures by institution that reported, with its name and code."""
    rows = [
        [report.names.get(code, code), code, *_figures(f)]
        for code, f in report.by_institution.items()
    ]
    columns: list[Column] = [(N_("Institution"), None), (N_("Code"), None), *FIGURE_COLUMNS]
    add_table(book, N_("By institution"), columns, rows, language)


def _grouped_sheets(book: Workbook, report: CampaignReport, language: str) -> None:
    """The figures by target group, by channel and by form of exploitation."""
    for title, header, groups in (
        (N_("By target group"), N_("Target group"), report.by_target_group),
        (N_("By channel"), N_("Channel"), report.by_channel),
        (N_("By form of exploitation"), N_("Form of exploitation"), report.by_form),
    ):
        rows = [[capitalised(word(code, language)), *_figures(f)] for code, f in groups.items()]
        add_table(book, title, [(header, None), *FIGURE_COLUMNS], rows, language)


def _month_sheet(book: Workbook, report: CampaignReport, language: str) -> None:
    """The figures by month, beside the HelpLine's calls that month."""
    months = [
        [month_name(month, language), *_figures(f), sum(report.helpline.get(month, {}).values())]
        for month, f in report.by_month.items()
    ]
    add_table(
        book,
        N_("By month"),
        [(N_("Month"), None), *FIGURE_COLUMNS, (N_("HelpLine calls"), COUNT)],
        months,
        language,
    )


def _missing_sheet(book: Workbook, report: CampaignReport, zone: ZoneInfo, language: str) -> None:
    """The monthly reports not received, with their due day and status."""
    missing = [
        [
            m.name,
            m.institution,
            month_name(m.month, language),
            m.due_at.astimezone(zone).date(),
            word(m.status, language),
        ]
        for m in report.missing
    ]
    columns: list[Column] = [
        (N_("Institution"), None),
        (N_("Code"), None),
        (N_("Month"), None),
        (N_("Due"), DAY),
        (N_("Status"), None),
    ]
    add_table(book, N_("Reports not received"), columns, missing, language)


def write_campaign_workbook(
    report: CampaignReport, path: Path, zone: ZoneInfo, language: str
) -> None:
    """The summary; figures by county, institution, group, channel, form, month; reports missing."""
    book = new_book(f"{report.title} ({report.code})")
    _summary_sheet(book, report, language)
    _county_sheet(book, report, language)
    _institution_sheet(book, report, language)
    _grouped_sheets(book, report, language)
    _month_sheet(book, report, language)
    _missing_sheet(book, report, zone, language)
    book.save(path)


def write_campaign_report(
    report: CampaignReport, folder: Path, zone: ZoneInfo, generated: datetime, language: str
) -> CampaignFiles:
    """Write report.html, report.pdf (when WeasyPrint can run) and report.xlsx to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    page = render_campaign_report(report, zone=zone, generated=generated, language=language)
    html = folder / "report.html"
    html.write_text(page, encoding="utf-8")
    pdf_bytes = html_to_pdf(page)
    pdf = folder / "report.pdf"
    if pdf_bytes is not None:
        pdf.write_bytes(pdf_bytes)
    xlsx = folder / "report.xlsx"
    write_campaign_workbook(report, xlsx, zone, language)
    return CampaignFiles(folder, html, pdf if pdf_bytes is not None else None, xlsx)


def publish_campaign_report(
    engine: Engine, code: str, settings: Settings, now: datetime, language: str
) -> tuple[CampaignReport, CampaignFiles]:
    """Build the campaign's report as it stands and write it under var/reports/campaigns/."""
    with Session(engine) as session:
        report = build_campaign_report(session, find_campaign(session, code), now, language)
    folder = settings.var_dir / "reports" / "campaigns" / report.code
    return report, write_campaign_report(report, folder, settings.zone, now, language)


def campaign_markdown(report: CampaignReport, files: CampaignFiles) -> str:
    """The campaign's headline figures as Markdown, for a Prefect artifact."""
    lines = [f"# Campaign {report.code}: {report.title}", ""]
    for indicator in ("participants", "reach", "materials"):
        target = report.targets.get(indicator)
        of_target = f" of {target:,} ({report.achieved(indicator):.0%})" if target else ""
        lines.append(f"- {indicator}: {getattr(report.total, indicator):,}{of_target}")
    lines.append(f"- reports not received: {len(report.missing)}")
    lines += ["", "| county | activities | reach |", "|---|---:|---:|"]
    lines += [f"| {code} | {f.activities} | {f.reach:,} |" for code, f in report.by_county.items()]
    lines += ["", f"Files: `{files.folder}`"]
    return "\n".join(lines)
