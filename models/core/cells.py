"""Cells safe to open in a spreadsheet: text that would run as a formula is written as text."""

from collections.abc import Iterable
from typing import Any, TypeVar

# OWASP's CSV-injection list; the full-width forms too, as some spreadsheets read them as formulas
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TEXT = "@"  # a workbook's number format for text
T = TypeVar("T")


def neutralised(value: T) -> T | str:
    """A text a spreadsheet would run as a formula, with a leading quote; any other value as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(row: Iterable[Any]) -> list[Any]:
    """A row of cells, each text that would run as a formula quoted."""
    return [neutralised(value) for value in row]
