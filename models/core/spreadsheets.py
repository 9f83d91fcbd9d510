"""Reading a table from a CSV file or a workbook, as people save them from Excel."""

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from models.core.i18n import N_


def plain(text: str) -> str:
    """'Grup țintă' -> 'grup_tinta': no diacritics, no case, underscores."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_")


def _csv_table(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1250")  # what Romanian Excel writes when asked for CSV
    # the header names the columns and quotes nothing, so its commonest separator is the one;
    # sniffing the rows guessed wrong when a quoted cell held commas
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_table(content: bytes, most_rows: int) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = itertools.islice(sheet.iter_rows(values_only=True), most_rows + 2)
        return [list(row) for row in rows]
    finally:
        book.close()


class UnreadableFile(ValueError):
    """A file that is neither a readable CSV nor a readable workbook; the message says why."""


def read_table(content: bytes, most_rows: int) -> list[list[Any]]:
    """The cells of a CSV file or of a workbook's first sheet, row by row."""
    try:
        workbook = content[:4] == b"PK\x03\x04"
        return _xlsx_table(content, most_rows) if workbook else _csv_table(content)
    except (
        csv.Error,
        ValueError,
        KeyError,
        OSError,
        zipfile.BadZipFile,
        InvalidFileException,
    ) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise UnreadableFile(reason) from None


UNREADABLE = N_("The file could not be read as CSV or XLSX: %(reason)s.")
UNKNOWN_COLUMN = N_("The file has a column %(column)s; the columns are: %(columns)s.")
MISSING_COLUMN = N_("The file has no column %(column)s.")
TOO_LONG = N_("The file holds more than %(most)s rows; send it in parts.")


@dataclass(frozen=True)
class CellProblem:
    """What is wrong in one cell of a file: its line, its column ('' for the whole line)."""

    line: int
    column: str
    message: str  # an English message id
    params: dict[str, Any] = field(default_factory=dict)


class SpreadsheetError(ValueError):
    """A file that cannot be imported; `problems` names each line and column."""

    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


def file_problem(message: str, **params: Any) -> SpreadsheetError:
    """A problem with the file as a whole, placed on its first line."""
    return SpreadsheetError([CellProblem(1, "", message, params)])


def column_names(header: list[Any], columns: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Each header cell as the column it names, in any of its aliases, or SpreadsheetError."""
    known = {plain(alias): name for name, aliases in columns.items() for alias in aliases}
    names = []
    for cell in header:
        name = known.get(plain(str(cell or "")))
        if name is None:
            raise file_problem(UNKNOWN_COLUMN, column=str(cell), columns=", ".join(columns))
        names.append(name)
    return names


def read_records(
    content: bytes,
    columns: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    most_rows: int,
) -> list[tuple[int, dict[str, str]]]:
    """Every filled line of the file after its header, as (line, {column: text})."""
    try:
        table = read_table(content, most_rows)
    except UnreadableFile as exc:
        raise file_problem(UNREADABLE, reason=str(exc)) from None
    if not table:
        raise file_problem(UNREADABLE, reason="empty")
    names = column_names(table[0], columns)
    for name in required:
        if name not in names:
            raise file_problem(MISSING_COLUMN, column=name)
    records = []
    for line, values in enumerate(table[1:], start=2):
        cells = {
            name: "" if value is None else _text(value)
            for name, value in zip(names, values, strict=False)
        }
        if any(cells.values()):
            records.append((line, cells))
    if len(records) > most_rows:
        raise file_problem(TOO_LONG, most=most_rows)
    return records


def _text(value: Any) -> str:
    """A cell as text: dates as ISO dates, whole numbers without '.0'."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
