"""Reading a table from a CSV file or a workbook, as people save them from Excel.

A workbook is a zip of XML parts, and a hostile one unpacks or expands without end, so its
zip and its XML are measured with bounds before openpyxl reads it, and rows and columns are
bounded again while its first sheet is read.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.parsers import expat

from defusedxml.common import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from models.core.i18n import N_

# Excel writes about ten parts, three more per sheet and one per picture: a hundred sheets
# with their pictures stay well below
MOST_PARTS = 1_000
# the largest file Concord takes, 5,000 recommendations of 17 columns with their long texts,
# unpacks to about 20 MB of XML (a HelpLine year of 20,000 lines to about 4 MB): three times it
MOST_UNPACKED_MB = 64
# spreadsheet XML deflates 5 to 30 times, a sheet of repeated figures up to about 100; a zip
# bomb about 1,000; a small part's ratio says nothing, so only parts over 1 MB are judged
MOST_RATIO = 200
RATIO_FROM_BYTES = 1_000_000
# the recommendations above are 260,000 XML elements with their shared strings, a HelpLine
# year 220,000: about four times it, which also bounds the time the parts take to read
# (expat calls Concord once per element, about 1.5 seconds for a million)
MOST_ELEMENTS = 1_000_000
# styles and the workbook's other parts: Excel itself stops at 64,000 cell formats of two or
# three elements each; openpyxl builds an object of each, so they have their own bound
MOST_ELEMENTS_IN_OTHER_PART = 200_000
# openpyxl builds a sheet's row whole in memory: Excel keeps styled empty cells, a few hundred
# in a formatted row, while Concord's widest table has 17 columns
MOST_CELLS_IN_ROW = 1_000
# the columns read: the widest table has 17, and a column Concord does not know is refused
MOST_COLUMNS = 64
# Excel's own limit of a sheet; blank lines between rows count too
MOST_LINES = 1_048_576
SHEET_ROOTS = frozenset({"worksheet", "sst"})  # a sheet and its shared strings
CHUNK = 1 << 16

UNREADABLE = N_("The file could not be read as CSV or XLSX: %(reason)s.")
TOO_MANY_PARTS = N_("The workbook holds more than %(most)s parts; no spreadsheet needs as many.")
TOO_LARGE_UNPACKED = N_("The workbook unpacks to more than %(most)s MB; send it in parts.")
TOO_PACKED = N_(
    "The workbook is packed more than %(most)s times tighter than a spreadsheet is; "
    "Concord refuses it."
)
ENTITIES = N_("The workbook declares XML entities (a DOCTYPE), which Concord refuses.")
TOO_MANY_ELEMENTS = N_("The workbook holds more than %(most)s XML elements; send it in parts.")
TOO_WIDE = N_("A row of the file has more than %(most)s cells; no table Concord reads is as wide.")
TOO_MANY_LINES = N_("The file has more than %(most)s lines.")
TOO_MUCH_MEMORY = N_("Reading the file needed more memory than Concord allows; send it in parts.")


class UnreadableFile(ValueError):
    """A file that is neither a readable CSV nor a readable workbook; `message` says why."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message, self.params = message, params
        super().__init__(message % params)


def unreadable(reason: str) -> UnreadableFile:
    """The file could not be read, for a reason in the parser's own words."""
    return UnreadableFile(UNREADABLE, reason=reason)


def plain(text: str) -> str:
    """'Grup țintă' -> 'grup_tinta': no diacritics, no case, underscores."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_")


def _csv_rows(content: bytes) -> Iterable[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1250")  # what Romanian Excel writes when asked for CSV
    # the header names the columns and quotes nothing, so its commonest separator is the one;
    # sniffing the rows guessed wrong when a quoted cell held commas
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    return csv.reader(io.StringIO(text), delimiter=delimiter)


class _XmlCount:
    """Counts a workbook's XML elements and each row's cells as expat reads them."""

    def __init__(self) -> None:
        self.elements = 0
        self.in_part = 0
        self.root = ""
        self.cells: int | None = None  # inside a row: its cells so far

    def start(self, name: str, attributes: Any) -> None:
        """One more element: bounded in the workbook, in its part and in its row."""
        local = name.rpartition(":")[2]
        self.elements, self.in_part = self.elements + 1, self.in_part + 1
        self.root = self.root or local
        if self.elements > MOST_ELEMENTS:
            raise UnreadableFile(TOO_MANY_ELEMENTS, most=MOST_ELEMENTS)
        if self.in_part > MOST_ELEMENTS_IN_OTHER_PART and self.root not in SHEET_ROOTS:
            raise UnreadableFile(TOO_MANY_ELEMENTS, most=MOST_ELEMENTS_IN_OTHER_PART)
        if local == "row":
            self.cells = 0
        elif local == "c" and self.cells is not None:
            self.cells += 1
            if self.cells > MOST_CELLS_IN_ROW:
                raise UnreadableFile(TOO_WIDE, most=MOST_CELLS_IN_ROW)

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] == "row":
            self.cells = None

    def parser(self) -> Any:
        """An expat parser for the next part; no part of a workbook has a DOCTYPE."""
        self.in_part, self.root, self.cells = 0, "", None
        parser = expat.ParserCreate()
        parser.ordered_attributes = True  # a list is cheaper to build than a dict
        parser.StartDoctypeDeclHandler = _refuse_entities
        parser.EntityDeclHandler = _refuse_entities
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        return parser


def _refuse_entities(*_: Any) -> None:
    raise UnreadableFile(ENTITIES)


def _looks_like_xml(start: bytes) -> bool:
    """Whether a part begins as XML does (after a byte order mark, spaces or UTF-16 zeros)."""
    return start.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1] == b"<"


def _check_declared(parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip whose directory already declares too many parts, bytes or packing."""
    if len(parts) > MOST_PARTS:
        raise UnreadableFile(TOO_MANY_PARTS, most=MOST_PARTS)
    if sum(part.file_size for part in parts) > MOST_UNPACKED_MB * 1_000_000:
        raise UnreadableFile(TOO_LARGE_UNPACKED, most=MOST_UNPACKED_MB)
    for part in parts:
        if part.file_size > max(RATIO_FROM_BYTES, MOST_RATIO * part.compress_size):
            raise UnreadableFile(TOO_PACKED, most=MOST_RATIO)


def check_workbook(content: bytes) -> None:
    """Refuse a workbook built to exhaust its reader, unpacking every part within bounds."""
    count, unpacked = _XmlCount(), 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
        _check_declared(parts)
        for part in parts:
            with archive.open(part) as stream:
                chunk = stream.read(CHUNK)
                # a picture is only counted: the XML parts are known by how they begin
                parser = count.parser() if _looks_like_xml(chunk) else None
                while chunk:  # the bytes really unpacked, whatever the directory declared
                    unpacked += len(chunk)
                    if unpacked > MOST_UNPACKED_MB * 1_000_000:
                        raise UnreadableFile(TOO_LARGE_UNPACKED, most=MOST_UNPACKED_MB)
                    if parser is not None:
                        parser.Parse(chunk, False)
                    chunk = stream.read(CHUNK)
            if parser is not None:
                parser.Parse(b"", True)


def _xlsx_table(content: bytes, most_rows: int) -> list[list[Any]]:
    """The first sheet's rows, read only, once the workbook passed its checks."""
    check_workbook(content)
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        # one column and one line past the bounds, to tell a file that goes beyond them
        rows = sheet.iter_rows(max_col=MOST_COLUMNS + 1, max_row=MOST_LINES + 1, values_only=True)
        return _bounded(rows, most_rows)
    finally:
        book.close()


def _filled(values: Sequence[Any]) -> bool:
    return any(value is not None and str(value).strip() != "" for value in values)


def _bounded(rows: Iterable[Sequence[Any]], most_rows: int) -> list[list[Any]]:
    """The rows up to one past `most_rows` filled ones after the header, columns bounded."""
    table: list[list[Any]] = []
    blank: list[Any] = []  # one shared empty row: a sheet may hold a million blank lines
    filled = 0
    for line, row in enumerate(rows, start=1):
        if line > MOST_LINES:
            raise UnreadableFile(TOO_MANY_LINES, most=MOST_LINES)
        if len(row) > MOST_COLUMNS and _filled(row[MOST_COLUMNS:]):
            raise UnreadableFile(TOO_WIDE, most=MOST_COLUMNS)
        if not _filled(row):
            table.append(blank)
            continue
        values = list(row[:MOST_COLUMNS])
        while values[-1] is None or str(values[-1]).strip() == "":  # padding to the bound
            values.pop()
        table.append(values)
        filled += 1
        if filled > most_rows + 1:  # the header and one row too many: the caller says so
            break
    return table


def read_table(content: bytes, most_rows: int) -> list[list[Any]]:
    """The cells of a CSV file or of a workbook's first sheet, row by row, within bounds."""
    try:
        if content[:4] == b"PK\x03\x04":
            return _xlsx_table(content, most_rows)
        return _bounded(_csv_rows(content), most_rows)
    except UnreadableFile:
        raise
    except MemoryError:  # the portal reads files in a child with little memory
        raise UnreadableFile(TOO_MUCH_MEMORY) from None
    except Exception as exc:
        if _caused_by_entities(exc):  # openpyxl reads through defusedxml, which refuses them
            raise UnreadableFile(ENTITIES) from None
        # openpyxl raises whatever its descriptors raise on a malformed part (KeyError,
        # TypeError, IndexError, an XML SyntaxError...) and zipfile a RuntimeError when a
        # part is encrypted: each means the file cannot be read
        raise unreadable(_reason(exc)) from None


def _caused_by_entities(exc: BaseException | None) -> bool:
    """Whether defusedxml refused entities, however openpyxl wrapped its error."""
    for _ in range(10):  # a chain of causes may loop back on itself
        if exc is None or isinstance(exc, DefusedXmlException):
            return exc is not None
        exc = exc.__cause__ or exc.__context__
    return False


def _reason(exc: Exception) -> str:
    """Why a parser failed, in its words when they cannot quote the file's text."""
    worded = (zipfile.BadZipFile, InvalidFileException, csv.Error, UnicodeError, expat.ExpatError)
    if isinstance(exc, worded) and str(exc):
        return str(exc).splitlines()[0][:200]
    if isinstance(exc, SyntaxError):  # ElementTree's and lxml's errors may quote the text
        return "not well-formed XML"
    return f"a part of the workbook is malformed ({type(exc).__name__})"


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
        raise file_problem(exc.message, **exc.params) from None
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
