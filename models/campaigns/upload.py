"""Reading a centre's activities from the spreadsheet it keeps: CSV or XLSX, Romanian or English."""

import re
from datetime import date, datetime
from functools import cache
from typing import Any

from models.campaigns.forms import MAX_ACTIVITIES
from models.campaigns.forms import WORDS as FORM_WORDS
from models.campaigns.rules import WORDS
from models.core.i18n import LANGUAGES, N_, translate
from models.core.spreadsheets import UnreadableFile, plain, read_table
from models.lifecycle.answers import AnswerInvalid
from models.lifecycle.forms import FileRows

# the short spellings a centre's own sheet may use; the table's headings, in either
# language, are taken too (see header_names)
COLUMNS = {
    "held_on": ("held_on", "date", "data", "data_activitatii"),
    "county": ("county", "judet", "judetul", "cod_judet"),
    "channel": ("channel", "canal", "canalul"),
    "target_group": ("target_group", "grup_tinta", "grupul_tinta"),
    "form": ("form", "forma", "forma_de_exploatare"),
    "participants": ("participants", "participanti"),
    "reach": ("reach", "persoane_atinse", "acoperire"),
    "materials": ("materials", "materiale", "materiale_distribuite"),
    "partner": ("partner", "partener"),
}
REQUIRED = ("held_on", "county", "channel", "target_group", "form")
UNREADABLE = N_("The file could not be read as CSV or XLSX: %(reason)s.")
# columns are named as the form's table names them, in the reader's language: each is a
# message id the page translates (a file's own header is quoted, so it stays as written)
UNKNOWN_COLUMNS = N_(
    "Columns the report does not know: %(found)s. "
    "Name the file's columns as this form names them: %(columns)s."
)
MISSING_COLUMNS = N_(
    "Columns missing from the file: %(missing)s. The file has: %(found)s. "
    "Name the file's columns as this form names them: %(columns)s."
)
TOO_LONG = N_("The file holds more than %(most)s activities; send it in parts.")
MOST_HEADER = 60  # characters of a file's own header an error quotes
THOUSANDS = re.compile(r"^\d{1,3}([. ]\d{3})+$")


@cache
def header_names() -> dict[str, str]:
    """Every header the reader takes, plain, to its field: short spellings and headings."""
    names = {plain(alias): field for field, aliases in COLUMNS.items() for alias in aliases}
    for field in COLUMNS:
        for language in LANGUAGES:
            names[plain(translate(language, FORM_WORDS[field]))] = field
    return names


def _quoted(header: Any) -> str:
    """A file's own header as written, quoted: no page takes it for a message id."""
    return f'"{"" if header is None else str(header).strip()[:MOST_HEADER]}"'


def _fields(header: list[Any]) -> list[str]:
    """The field each header cell names; AnswerInvalid names unknown and missing columns."""
    known = header_names()
    fields = [known.get(plain(str(cell or "")), "") for cell in header]
    headings = [FORM_WORDS[field] for field in COLUMNS]
    unknown = [_quoted(cell) for cell, field in zip(header, fields, strict=True) if not field]
    if unknown:
        params = {"found": unknown, "columns": headings}
        raise AnswerInvalid({"attachment": (UNKNOWN_COLUMNS, params)})
    missing = [FORM_WORDS[field] for field in REQUIRED if field not in fields]
    if missing:
        found = [FORM_WORDS[field] for field in dict.fromkeys(fields)] or ["-"]
        params = {"missing": missing, "found": found, "columns": headings}
        raise AnswerInvalid({"attachment": (MISSING_COLUMNS, params)})
    return fields


@cache
def choice_names() -> dict[str, str]:
    """Every code and its Romanian and English names, plain, to the code."""
    names = {}
    for code, message in WORDS.items():
        for text in (code, translate("ro", message), translate("en", message)):
            names[plain(text)] = str(code)
    return names


def _cell(field: str, value: Any) -> Any:
    """A cell as the form reads it: dates as dates, '1.200' as 1200, names as codes."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, str):
        return value
    text = value.strip()
    if field == "held_on" and re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$", text):
        day, month, year = (int(part) for part in text.split("."))
        return date(year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else text
    if field in ("participants", "reach", "materials") and THOUSANDS.match(text):
        return int(re.sub(r"[. ]", "", text))
    if field in ("channel", "target_group", "form"):
        return choice_names().get(plain(text), text)
    return text


def _rows(table: list[list[Any]]) -> FileRows:
    """The activities of a table whose first row names the columns."""
    if not table:
        raise AnswerInvalid({"attachment": (UNREADABLE, {"reason": "empty"})})
    fields = _fields(table[0])
    rows, lines = [], []
    for line, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        given = {
            f: _cell(f, v) for f, v in zip(fields, values, strict=False) if v not in (None, "")
        }
        rows.append(given)
        lines.append(line)
    if len(rows) > MAX_ACTIVITIES:
        raise AnswerInvalid({"attachment": (TOO_LONG, {"most": MAX_ACTIVITIES})})
    return FileRows(rows, lines)


def activities_from_file(name: str, content: bytes) -> FileRows:
    """The activities in an uploaded CSV or XLSX file; AnswerInvalid says why it cannot be read."""
    try:
        table = read_table(content, MAX_ACTIVITIES)
    except UnreadableFile as exc:
        raise AnswerInvalid({"attachment": (exc.message, exc.params)}) from None
    return _rows(table)
