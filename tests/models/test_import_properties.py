"""Hostile cells in every imported spreadsheet: a named problem or a clean row, never a crash."""

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.campaigns.helpline import COLUMNS as HELPLINE_COLUMNS
from models.campaigns.helpline import read_helpline_file, save_helpline
from models.campaigns.tables import HelplineMonth
from models.campaigns.upload import activities_from_file
from models.core.spreadsheets import SpreadsheetError
from models.lifecycle.answers import AnswerInvalid
from models.recommendations.importing import COLUMNS as RECOMMENDATION_COLUMNS
from models.recommendations.importing import read_recommendation_file
from models.recommendations.saving import save_recommendations
from models.recommendations.tables import Recommendation
from tests.support.personal_data import CORPUS

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "\u202e2026-01",
            "{{ 7*7 }}",
            "'; DROP TABLE recommendation; --",
            "<script>alert(1)</script>",
            "[bold red]x[/]",
            "9" * 400,
            "-1",
            "1e309",
            "2026-02-30",
            "0001-01-01",
            "9999-12-31",
            "2026-06-01T25:00:00+14:00",
            "x" * 6000,
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
TODAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 6, 8, tzinfo=UTC)
HELPLINE_ROW = ["2026-09", "work-abroad", "CJ", "12"]
RECOMMENDATION_ROW = {
    "source": "GRETA-9", "body": "greta", "cycle": "9", "document": "d",
    "published_on": "2026-06-01", "reporting_on": "", "language": "en", "ref": "1",
    "text": "Do it.", "summary_ro": "Fă-o.", "strength": "urges", "theme": "data",
    "pillar": "partnership", "status": "accepted", "lead": "ANITP", "contributors": "",
    "measures": "",
}  # fmt: skip


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def printable(value: Any) -> bool:
    """What a workbook cell can hold (openpyxl refuses control characters)."""
    return not (isinstance(value, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in value))


def named_cleanly(error: SpreadsheetError, columns: dict[str, tuple[str, ...]]) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.line >= 1 and (problem.column in columns or problem.column == "")
        assert problem.message % problem.params  # the message reads, whatever the value


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3), HOSTILE, st.booleans())
@example(1, "work\x00abroad", False)  # NUL, which PostgreSQL cannot store
@example(2, "C\x1bJ", False)  # a C0 control
@example(3, "1\x85", False)  # a C1 control
@example(0, "2026-09\u202e", True)  # a direction mark
@example(1, "\ud800", False)  # a lone surrogate: bytes that are not UTF-8
def test_a_hostile_helpline_cell_is_named_or_read(column: int, value: Any, workbook: bool) -> None:
    row: list[Any] = list(HELPLINE_ROW)
    row[column] = value
    rows = [list(HELPLINE_COLUMNS), row]
    content = as_xlsx(rows) if workbook and printable(value) else as_csv(rows)
    try:
        read = read_helpline_file(content, TODAY)
    except SpreadsheetError as exc:
        named_cleanly(exc, HELPLINE_COLUMNS)
        return
    assert all(0 <= r.calls <= 1_000_000 and r.month < "2026-12" for r in read)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(RECOMMENDATION_ROW)), HOSTILE)
@example("text", "Do\x00it.")
@example("ref", "1\x00")
@example("summary_ro", "F\x1b[2Jă-o.")
@example("lead", "ANITP\x9b")
@example("source", "GRETA-\u202e9")
@example("text", "\udc80")
def test_a_hostile_recommendation_cell_is_named_or_read(column: str, value: Any) -> None:
    record = {**RECOMMENDATION_ROW, column: value}
    content = as_csv([list(record), list(record.values())])
    try:
        rows = read_recommendation_file("r.csv", content)
    except SpreadsheetError as exc:
        named_cleanly(exc, RECOMMENDATION_COLUMNS)
        return
    assert [row.code for _, row in rows] == [f"{rows[0][1].source}/{rows[0][1].ref}"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_spreadsheet_are_refused_cleanly_or_read(content: bytes) -> None:
    for read in (
        lambda: read_helpline_file(content, TODAY),
        lambda: read_recommendation_file("r.xlsx", content),
    ):
        try:
            read()
        except SpreadsheetError as exc:
            assert exc.problems
    try:
        activities_from_file("a.csv", content)
    except AnswerInvalid as exc:
        assert exc.problems


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(["lead", "contributors", "measures"]), HOSTILE)
@example("lead", "AN\x00ITP")
@example("contributors", "IGPR\x00")
@example("measures", "M\x85 1")
@example("lead", "\ud800")
def test_a_hostile_owner_or_measure_writes_nothing(engine: Engine, column: str, value: Any) -> None:
    record = {**RECOMMENDATION_ROW, column: value}
    try:
        rows = read_recommendation_file("r.csv", as_csv([list(record), list(record.values())]))
    except SpreadsheetError:
        return
    with Session(engine) as session:
        try:
            save_recommendations(session, rows, NOW)  # no institution exists: always refused
        except SpreadsheetError as exc:
            named_cleanly(exc, RECOMMENDATION_COLUMNS)
        session.rollback()
        assert session.exec(select(func.count()).select_from(Recommendation)).one() == 0
        assert session.exec(select(func.count()).select_from(HelplineMonth)).one() == 0
        save_helpline(session, [])


@pytest.mark.parametrize("column", list(RECOMMENDATION_ROW))
def test_personal_data_in_any_recommendation_column_is_refused_naming_it(column: str) -> None:
    for kind, texts in CORPUS.items():
        record = {**RECOMMENDATION_ROW, column: texts[0]}
        with pytest.raises(SpreadsheetError) as refused:
            read_recommendation_file("r.csv", as_csv([list(record), list(record.values())]))
        assert {p.column for p in refused.value.problems} == {column}, kind
        assert texts[0] not in str(refused.value), kind


@pytest.mark.parametrize("column", range(len(HELPLINE_ROW)))
def test_personal_data_in_any_helpline_column_is_refused_naming_it(column: int) -> None:
    for kind, texts in CORPUS.items():
        row = list(HELPLINE_ROW)
        row[column] = texts[0]
        with pytest.raises(SpreadsheetError) as refused:
            read_helpline_file(as_csv([list(HELPLINE_COLUMNS), row]), TODAY)
        assert {p.column for p in refused.value.problems} == {list(HELPLINE_COLUMNS)[column]}
        assert texts[0] not in str(refused.value), kind
