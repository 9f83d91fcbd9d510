"""Reading written CSV files and workbooks back as a spreadsheet would, to find live formulas."""

import csv
import io
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1"]
QUOTED = ["'" + text for text in HOSTILE]
RUNS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula
NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a negative number is a number, not a formula


def safe_workbook(path: Path) -> Workbook:
    """The saved workbook, after checking no cell is a formula or text a spreadsheet would run."""
    book = load_workbook(path)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    formulas = [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    assert formulas == [], f"formula cells: {formulas}"
    live = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(RUNS)]
    assert live == [], f"text a spreadsheet would run: {live}"
    return book


def column(book: Workbook, sheet: str, header: str) -> list[Any]:
    """The values under a header of a sheet, below the header row."""
    rows = list(book[sheet].iter_rows(values_only=True))
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def safe_csv(text: str) -> list[dict[str, str]]:
    """The CSV's rows by header, after checking no cell starts as a formula would."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row if not NUMBER.fullmatch(cell)]
    live = [cell for cell in cells if cell.startswith(RUNS)]
    assert live == [], f"text a spreadsheet would run: {live}"
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
