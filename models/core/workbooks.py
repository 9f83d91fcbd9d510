"""Workbooks a ministry can filter and print: one formatted sheet per table."""

from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from models.core.cells import TEXT, neutralised_row
from models.core.i18n import N_, translate

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
PERCENT, DAY = "0%", "DD.MM.YYYY"
MAX_WIDTH = 60  # wider text wraps, so a sheet with several long columns still prints legibly
LINE_HEIGHT = 15

Column = tuple[str, str | None]  # (message id of the header, number format)


def add_table(
    book: Workbook, title: str, columns: list[Column], rows: list[list[Any]], language: str
) -> Worksheet:
    """One sheet: bold frozen header, filters, widths fitted to the content, A4 landscape."""
    sheet: Worksheet = book.create_sheet(translate(language, title)[:31])
    sheet.append(neutralised_row(translate(language, header) for header, _ in columns))
    for row in rows:
        sheet.append(neutralised_row(row))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, (_, number_format) in enumerate(columns, start=1):
        _fit_column(sheet, get_column_letter(index), number_format)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _print_layout(sheet)
    return sheet


def add_summary(book: Workbook, rows: list[list[Any]], language: str) -> Worksheet:
    """The first sheet: what and value, rates as percentages and dates as days."""
    sheet = add_table(
        book, N_("Summary"), [(N_("What"), None), (N_("Value"), None)], rows, language
    )
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell = row[0]
        if isinstance(cell.value, float):
            cell.number_format = PERCENT
        elif isinstance(cell.value, date | datetime):
            cell.number_format = DAY
        cell.alignment = Alignment(horizontal="left")
    return sheet


def _printed_length(value: Any) -> int:
    """About how many characters a cell takes once formatted (a rate, a date or text)."""
    if isinstance(value, float):
        return len("100 %")
    if isinstance(value, date):
        return len("00.00.0000")
    return len(str(value)) if value is not None else 0


def _fit_column(sheet: Worksheet, letter: str, number_format: str | None) -> None:
    """Format a column's cells, fit its width, and wrap text too long for the widest column."""
    cells = list(sheet[letter])
    lengths = [_printed_length(cell.value) for cell in cells]
    sheet.column_dimensions[letter].width = min(max(max(lengths) + 2, 8), MAX_WIDTH)
    for cell, length in zip(cells[1:], lengths[1:], strict=True):
        if isinstance(cell.value, str):
            # text, never a formula or an error code ("#N/A"), however it reads
            cell.data_type, cell.number_format = "s", TEXT
        elif number_format:
            cell.number_format = number_format
        cell.alignment = Alignment(wrap_text=length > MAX_WIDTH, vertical="top")
        if length > MAX_WIDTH:
            lines = -(-length // MAX_WIDTH)
            current = sheet.row_dimensions[cell.row].height or LINE_HEIGHT
            sheet.row_dimensions[cell.row].height = max(current, LINE_HEIGHT * lines)


def _print_layout(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
