"""Loading recommendations as they are published: from a workbook, a CSV file or the YAML sample."""

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError, model_validator

from models.core.i18n import N_
from models.core.spreadsheets import CellProblem, SpreadsheetError, file_problem, read_records
from models.core.text import NO_PERSONAL_DATA_IN_REFERENCE, Code
from models.lifecycle.answers import ERROR_MESSAGES
from models.lifecycle.forms import RequiredText, ShortText
from models.recommendations.rules import Body, RecommendationStatus, Strength, Theme
from models.reference.document import ReferenceDataError, Strict, read_yaml
from models.reference.enums import Pillar

DETAIL = "%(detail)s"  # the problem is already in words: pydantic's, or the loader's
SAMPLE_FILE = Path(__file__).resolve().parents[2] / "data" / "recommendations.yaml"
MAX_ROWS = 5_000
COLUMNS = {
    "source": ("source", "sursa"),
    "body": ("body", "organism"),
    "cycle": ("cycle", "ciclu", "runda"),
    "document": ("document",),
    "published_on": ("published_on", "data_publicarii", "publicat"),
    "reporting_on": ("reporting_on", "termen_raportare"),
    "language": ("language", "limba"),
    "ref": ("ref", "nr", "numar", "paragraf"),
    "text": ("text", "recommendation", "recomandare"),
    "summary_ro": ("summary_ro", "rezumat", "rezumat_ro"),
    "strength": ("strength", "grad", "formulare"),
    "theme": ("theme", "tema"),
    "pillar": ("pillar", "pilon"),
    "status": ("status", "stare"),
    "lead": ("lead", "responsabil", "institutie_responsabila"),
    "contributors": ("contributors", "contributori", "institutii_contributoare"),
    "measures": ("measures", "masuri"),
}
REQUIRED = ("source", "body", "cycle", "published_on", "ref", "text", "summary_ro", "lead")
ROMANIAN_COLUMN = {
    "source": "sursa", "body": "organismul", "cycle": "ciclul", "document": "documentul",
    "published_on": "data publicării", "reporting_on": "termenul de raportare",
    "language": "limba", "ref": "numărul", "text": "recomandarea", "summary_ro": "rezumatul",
    "strength": "formularea", "theme": "tema", "pillar": "pilonul", "status": "starea",
    "lead": "instituția responsabilă", "contributors": "instituțiile contributoare",
    "measures": "măsurile",
}  # fmt: skip


def _listed(value: Any) -> Any:
    """'A, B; C' as ['A', 'B', 'C']: a cell holds several codes."""
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;\n]", value) if part.strip()]
    return value


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


MeasureRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,40}/[A-Za-z0-9.-]{1,20}$")]
Listed = Annotated[list[MeasureRef], BeforeValidator(_listed)]


class RecommendationRow(Strict):
    """One recommendation as published, with its source and who answers for it."""

    source: Code
    body: Body
    cycle: Annotated[
        str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$"), NO_PERSONAL_DATA_IN_REFERENCE
    ]
    document: ShortText = ""
    published_on: date
    reporting_on: Annotated[date | None, BeforeValidator(_blank_is_none)] = None
    language: Literal["en", "fr", "ro"] = "en"
    ref: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.()-]{0,19}$")]
    text: RequiredText
    summary_ro: Annotated[RequiredText, Field(max_length=1000)]
    strength: Strength = Strength.RECOMMENDS
    theme: Theme
    pillar: Pillar
    status: RecommendationStatus = RecommendationStatus.ACCEPTED
    lead: Code
    contributors: Annotated[list[Code], BeforeValidator(_listed)] = Field(default_factory=list)
    measures: Listed = Field(default_factory=list, max_length=20)
    sample: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> "RecommendationRow":
        if self.reporting_on is not None and self.reporting_on < self.published_on:
            raise ValueError("reporting_on: the reporting date comes before publication")
        return self

    @property
    def code(self) -> str:
        """SOURCE/REF, the recommendation's code across sources."""
        return f"{self.source}/{self.ref}"


TWICE = N_("%(code)s is already on line %(first)s.")
CELL_MESSAGES = {
    "enum": N_("%(value)s is not one of: %(expected)s."),
    "literal_error": N_("%(value)s is not one of: %(expected)s."),
    "missing": N_("This column is empty; it is required."),
    "date_from_datetime_parsing": N_("%(value)s is not a date written as YYYY-MM-DD."),
    "date_parsing": N_("%(value)s is not a date written as YYYY-MM-DD."),
    "date_type": N_("%(value)s is not a date written as YYYY-MM-DD."),
    "string_too_long": N_("At most %(max_length)s characters."),
    "string_pattern_mismatch": N_("%(value)s is not a valid code (letters, digits, '-')."),
    "personal_data": ERROR_MESSAGES["personal_data"],
}


def _cell_problem(line: int, error: Any) -> CellProblem:
    """One pydantic error as a translatable problem of one cell, with the value it refused."""
    column = str(error["loc"][0]) if error["loc"] else ""
    message = error["msg"].removeprefix("Value error, ")
    if column == "" and ": " in message:  # a row's own check names its column first
        column, message = message.split(": ", 1)
    value = error.get("input")
    params = {**(error.get("ctx") or {}), "value": repr(str(value)[:60])}
    if "expected" in params:  # pydantic writes "'a', 'b' or 'c'": no English in the list
        params["expected"] = str(params["expected"]).replace(" or ", ", ")
    if error["type"] in CELL_MESSAGES:
        return CellProblem(line, column, CELL_MESSAGES[error["type"]], params)
    return CellProblem(line, column, DETAIL, {"detail": f"{message} ({params['value']})"})


def _cell_problems(line: int, exc: ValidationError) -> list[CellProblem]:
    return [_cell_problem(line, error) for error in exc.errors(include_url=False)]


def rows_from(records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, RecommendationRow]]:
    """Each record checked; SpreadsheetError names every wrong line and column."""
    rows, problems = [], []
    seen: dict[str, int] = {}
    for line, record in records:
        record = {name: value for name, value in record.items() if value != ""}  # blank: default
        try:
            row = RecommendationRow.model_validate(record)
        except ValidationError as exc:
            problems += _cell_problems(line, exc)
            continue
        if row.code in seen:
            twice = {"code": row.code, "first": seen[row.code]}
            problems.append(CellProblem(line, "ref", TWICE, twice))
        seen.setdefault(row.code, line)
        rows.append((line, row))
    if problems:
        raise SpreadsheetError(problems)
    return rows


def _yaml_records(raw: Any) -> list[tuple[int, dict[str, Any]]]:
    """Each recommendation of the YAML document, with its source's fields filled in."""
    items = raw.get("recommendations") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise file_problem(DETAIL, detail="expected a 'recommendations' list of mappings")
    sources = {s.get("source"): s for s in raw.get("sources") or [] if isinstance(s, dict)}
    return [
        (index + 1, {**sources.get(item.get("source"), {}), **item})
        for index, item in enumerate(items)
    ]


def read_recommendation_file(name: str, content: bytes) -> list[tuple[int, RecommendationRow]]:
    """The recommendations of a CSV, XLSX or YAML file, each with its line."""
    if name.endswith((".yaml", ".yml")):
        try:
            raw = read_yaml(content.decode("utf-8"))
        except (ReferenceDataError, UnicodeDecodeError) as exc:
            reason = exc.problems[0] if isinstance(exc, ReferenceDataError) else str(exc)
            raise file_problem(DETAIL, detail=reason) from None
        return rows_from(_yaml_records(raw))
    return rows_from(read_records(content, COLUMNS, REQUIRED, MAX_ROWS))
