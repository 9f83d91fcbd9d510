"""Text a spreadsheet would run as a formula is written as quoted text; numbers stay numbers."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models.core.calendar import WorkingCalendar
from models.core.cells import neutralised
from models.core.workbooks import COUNT, DAY, PERCENT, add_summary, add_table, new_book
from models.lifecycle.assignments import AssignmentRow, rows_as_csv
from tests.support.formulas import HOSTILE, QUOTED, column, safe_csv, safe_workbook

DUE = date(2027, 1, 29)


@pytest.mark.parametrize("text", [*HOSTILE, "\uff1dSUM(1)", "\uff20SUM(1)"])
def test_a_text_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-2, -0.25, 0, DUE, datetime(2027, 1, 29, 9), None, True, "Măsura"]
)
def test_numbers_dates_and_plain_text_are_left_as_they_are(value: object) -> None:
    assert neutralised(value) == value and type(neutralised(value)) is type(value)


def test_a_shared_sheet_writes_hostile_text_as_text_and_numbers_as_numbers(
    tmp_path: Path,
) -> None:
    book = new_book("Hostile")
    summary = add_summary(book, [*([text, -0.5] for text in HOSTILE), ["#N/A", DUE]], "ro").title
    rows = [[text, -3, -0.25, DUE] for text in HOSTILE]
    columns = [("Title", None), ("Count", None), ("Rate", PERCENT), ("Due", DAY)]
    measures = add_table(book, "Measures", columns, rows, "ro").title
    book.save(tmp_path / "book.xlsx")
    saved = safe_workbook(tmp_path / "book.xlsx")
    assert column(saved, measures, "Titlu") == QUOTED
    assert column(saved, summary, "Indicator") == [*QUOTED, "#N/A"]
    texts = [saved[measures]["A2"], saved[summary]["A2"], saved[summary]["A8"]]
    assert [(cell.data_type, cell.number_format) for cell in texts] == [("s", "@")] * 3
    assert column(saved, measures, "Count") == [-3] * len(HOSTILE)
    assert column(saved, measures, "Rate") == [-0.25] * len(HOSTILE)
    assert column(saved, measures, "Termen") == [datetime(2027, 1, 29)] * len(HOSTILE)
    assert [saved[measures][c].number_format for c in ("B2", "C2", "D2")] == [
        COUNT,
        PERCENT,
        DAY,
    ]
    assert column(saved, summary, "Valoare") == [-0.5] * len(HOSTILE) + [datetime(2027, 1, 29)]


def test_the_assignments_csv_quotes_a_hostile_title_and_keeps_its_numbers() -> None:
    due = datetime(2027, 1, 29, 9, tzinfo=UTC)
    rows = [
        AssignmentRow(f"K{n}", "ANITP", "report", text, due, "open", -1, None)
        for n, text in enumerate(HOSTILE)
    ]
    lines = safe_csv(rows_as_csv(rows, WorkingCalendar()))
    assert [line["title"] for line in lines] == QUOTED
    assert {line["escalation_level"] for line in lines} == {"-1"}
