"""Workbooks a ministry can filter and print: one formatted sheet per table."""

import math
import re
import textwrap
from datetime import date, datetime
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from models.core.cells import TEXT, neutralised_row
from models.core.i18n import N_, translate

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
# thousands grouped with the separator of whoever opens the workbook
COUNT, PERCENT, DAY = "#,##0", "0%", "DD.MM.YYYY"
MAX_WIDTH = 60  # wider text wraps, so a sheet with several long columns still prints legibly
MIN_TEXT_WIDTH = 12  # narrower than this, words break in the middle
LINE_HEIGHT = 14.5  # points a line of wrapped 11 pt text takes
# in characters: a cell's margins, and the indent that keeps text off a number beside it
PADDING, INDENT = 2, 2
TEXT_PER_DIGIT = 1.25  # text averages narrower than the digit a column's width counts in
BOLD = 1.25  # a header's bold letters are wider than the digit widths count in
# A4 landscape inside half-inch margins is 27.2 cm; LibreOffice prints a column of width 1
# (a '0' of Calibri 11 and its share of the margins) about 0.2 cm wide at 100 %
PRINTABLE_WIDTH = 134
LEAST_SCALE = 0.8  # 11 pt printed at 80 % is about 9 pt
PAGE = N_("Page %(page)s of %(pages)s")
_CHUNKS = re.compile(r" +|[^ ]+")
_NOT_PLAIN = re.compile(r"[-\t\r\x0b\x0c]")  # where textwrap breaks otherwise than at spaces

Column = tuple[str, str | None]  # (message id of the header, number format)


def new_book(title: str) -> Workbook:
    """An empty workbook, written row by row, whose title every printed page shows."""
    book = Workbook(write_only=True)
    book.properties.title = title
    return book


def add_table(
    book: Workbook, title: str, columns: list[Column], rows: list[list[Any]], language: str
) -> Worksheet:
    """One sheet: bold frozen header, filters, widths fitted to the content, A4 landscape."""
    # a write-only sheet has a worksheet's settings, though the type stubs list only its methods
    sheet = cast(Worksheet, book.create_sheet(translate(language, title)[:31]))
    header = neutralised_row(translate(language, header) for header, _ in columns)
    body = [neutralised_row(row) for row in rows]
    values = [[row[index] for row in body] for index in range(len(columns))]
    numeric = [_holds_numbers(column) for column in values]
    widths = fitted_widths([[h, *v] for h, v in zip(header, values, strict=True)], numeric)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(body) + 1}"
    _print_layout(sheet, book.properties.title, language)
    cells = _ColumnCells(sheet, columns, numeric)
    _write_rows(
        sheet, header, body, cells, [_room(w, n) for w, n in zip(widths, numeric, strict=True)]
    )
    return sheet


def add_summary(book: Workbook, rows: list[list[Any]], language: str) -> Worksheet:
    """The first sheet: what and value, rates as percentages and dates as days."""
    return add_table(book, N_("Summary"), [(N_("What"), None), (N_("Value"), None)], rows, language)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | date) and not isinstance(value, bool)


def _holds_numbers(values: list[Any]) -> bool:
    """Whether a column's values, empty cells aside, are all numbers (and there is one)."""
    present = [value for value in values if value is not None]
    return bool(present) and all(_is_number(value) for value in present)


def _number_format(value: Any, column_format: str | None) -> str | None:
    """Text as text; else the column's format, or a count's, a rate's or a day's as it is."""
    if isinstance(value, str):
        return TEXT
    if not _is_number(value):
        return None
    if column_format:
        return column_format
    if isinstance(value, int):
        return COUNT
    return PERCENT if isinstance(value, float) else DAY


class _ColumnCells:
    """One styled cell per column and number format, given each row's values in turn."""

    # a write-only sheet writes a row as it is appended, so its cells can carry the next row
    def __init__(self, sheet: Worksheet, columns: list[Column], numeric: list[bool]):
        self.sheet, self.formats, self.numeric = sheet, [fmt for _, fmt in columns], numeric
        # numbers to the right, text to the left one space in, so neighbours never touch
        self.aligned = [
            Alignment(horizontal="right", vertical="top", wrap_text=True)
            if is_number
            else Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
            for is_number in numeric
        ]
        self.cells: dict[tuple[int, str | None], Cell] = {}

    def header(self, values: list[Any]) -> list[Cell]:
        """The header row: bold white on blue, aligned like its column."""
        row = [WriteOnlyCell(self.sheet, value) for value in values]
        for cell, aligned in zip(row, self.aligned, strict=True):
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, aligned
            cell.data_type = "s"
        return row

    def row(self, values: list[Any]) -> list[Cell]:
        """A body row's cells; text always as text, never a formula or an error code ("#N/A")."""
        return [self._cell(index, value) for index, value in enumerate(values)]

    def _cell(self, index: int, value: Any) -> Cell:
        """The column's cell for this value's format, holding the value."""
        # an empty cell is written too, aligned like its column, for whoever fills it in
        number_format = _number_format(value, self.formats[index])
        cell = self.cells.get((index, number_format))
        if cell is None:
            cell = WriteOnlyCell(self.sheet)
            cell.alignment = self.aligned[index]
            if number_format:
                cell.number_format = number_format
            self.cells[(index, number_format)] = cell
        cell.value = value
        if number_format == TEXT:
            cell.data_type = "s"
        return cell


def _write_rows(
    sheet: Worksheet,
    header: list[Any],
    body: list[list[Any]],
    cells: _ColumnCells,
    rooms: list[float],
) -> None:
    """Append the header and the body, each row tall enough for its wrapped text."""
    texts = [index for index, is_number in enumerate(cells.numeric) if not is_number]
    _set_height(
        sheet, 1, max(_lines(value, room) for value, room in zip(header, rooms, strict=True))
    )
    sheet.append(cells.header(header))
    for number, row in enumerate(body, start=2):
        lines = max((_lines(row[i], rooms[i] * TEXT_PER_DIGIT) for i in texts), default=1)
        _set_height(sheet, number, lines)
        sheet.append(cells.row(row))


def _set_height(sheet: Worksheet, number: int, lines: int) -> None:
    """Make a row as tall as its wrapped lines need; one line keeps the default height."""
    if lines > 1:
        sheet.row_dimensions[number].height = LINE_HEIGHT * lines + 2


def printed_text(value: Any) -> str:
    """About how a cell reads once formatted (a count, a rate, a date or text)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return "100 %"
    return "00.00.0000" if isinstance(value, date | datetime) else str(value)


def print_scale(widths: list[float]) -> float:
    """The scale a sheet of these column widths prints at, fitted to one page's width."""
    return min(1.0, PRINTABLE_WIDTH / sum(widths)) if widths else 1.0


def _room(width: float, is_number: bool) -> float:
    """The characters of '0' that fit in a column once its padding and a text's indent are off."""
    return width - PADDING - (0 if is_number else INDENT)


def fitted_widths(columns: list[list[Any]], numeric: list[bool]) -> list[float]:
    """Each column (its header, then its values) as wide as its content, the widest text
    narrowed until the sheet prints large."""
    widths: list[float] = []
    for values, is_number in zip(columns, numeric, strict=True):
        # a header wraps between its words; a number must show whole
        words = str(values[0] or "").split() or [""]
        longest = max(len(word) for word in words) * BOLD
        body = max((len(printed_text(value)) for value in values[1:]), default=0)
        room = max(longest, body if is_number else body / TEXT_PER_DIGIT)
        widest = max(math.ceil(room) + PADDING + (0 if is_number else INDENT), 8)
        widths.append(min(widest, MAX_WIDTH))
    while print_scale(widths) < LEAST_SCALE:
        narrowable = [i for i, n in enumerate(numeric) if not n and widths[i] > MIN_TEXT_WIDTH]
        if not narrowable:
            break
        widest_text = max(narrowable, key=lambda i: widths[i])
        widths[widest_text] -= 1
    return widths


def _lines(value: Any, characters: float) -> int:
    """How many lines a cell's text takes wrapped at this many characters."""
    text = printed_text(value)
    if len(text) <= characters:
        return 1
    wrap = max(int(characters), 1)
    return sum(_wrapped_lines(part, wrap) for part in text.split("\n"))


def _wrapped_lines(part: str, width: int) -> int:
    """The lines of textwrap.wrap(part, width), at least one."""
    chunks = _CHUNKS.findall(part)
    if _NOT_PLAIN.search(part) or any(len(chunk) > width for chunk in chunks):
        return len(textwrap.wrap(part, width)) or 1
    # plain words and spaces, none too long: textwrap's own loop, counting instead of joining
    lines, at = 0, 0
    while at < len(chunks):
        if lines and chunks[at][0] == " ":
            at += 1  # a line after the first drops its leading spaces
        first, used = at, 0
        while at < len(chunks) and used + len(chunks[at]) <= width:
            used += len(chunks[at])
            at += 1
        if at - first > 1 or (at > first and chunks[first][0] != " "):
            lines += 1  # a line of spaces alone is dropped
    return lines or 1


def _header_text(text: str) -> str:
    """Text shown as is in a printed header, where '&' starts a code."""
    shown = text if len(text) <= 150 else text[:149] + "…"
    return shown.replace("&", "&&")


def _print_layout(sheet: Worksheet, title: str | None, language: str) -> None:
    """A4 landscape, one page wide, the header row on each page, title and page numbers."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.print_title_rows = "1:1"
    header, footer = sheet.oddHeader, sheet.oddFooter
    assert header is not None and footer is not None  # openpyxl gives every sheet both
    header.left.text = _header_text(title) if title else None
    header.right.text = "&A"  # the sheet's name
    footer.center.text = translate(language, PAGE) % {"page": "&P", "pages": "&N"}
