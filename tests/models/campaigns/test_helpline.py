"""The HelpLine's monthly figures: read from the operator's file, checked cell by cell, saved."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.campaigns.helpline import HelplineRow, read_helpline_file, save_helpline
from models.campaigns.tables import HelplineMonth
from models.core.spreadsheets import SpreadsheetError

TODAY = date(2026, 12, 6)
SAMPLE = Path(__file__).resolve().parents[3] / "data" / "helpline-sample.csv"


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_of(content: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(SpreadsheetError) as caught:
        read_helpline_file(content, TODAY)
    return [(p.line, p.column, p.message % p.params) for p in caught.value.problems]


def test_a_romanian_csv_with_names_sectors_and_thousands_is_read() -> None:
    content = (
        "Luna;Tema;Judet;Apeluri\n"
        "2026-09;Muncă în străinătate;CJ;120\n"
        "2026-09;work-abroad;;1.340\n"
        "\n"
        "2026-10;semnalarea unui posibil caz;b3;4\n"
    ).encode("cp1250", errors="replace")
    assert read_helpline_file(content, TODAY) == [
        HelplineRow("2026-09", "work-abroad", "CJ", 120),
        HelplineRow("2026-09", "work-abroad", "", 1340),
        HelplineRow("2026-10", "case-report", "B", 4),
    ]


def test_every_wrong_cell_is_named_by_its_line_and_column() -> None:
    content = xlsx(
        [
            ["month", "topic", "county", "calls"],
            ["2026-13", "work-abroad", "CJ", 12],
            ["2026-09", "weather", "XX", -3],
            ["2026-09", "other", "IS", 5],
            ["2026-09", "other", "IS", 6],
            ["2026-12", "other", None, 1],
            ["2026-11", "<script>", "'; DROP TABLE x; --", "1e9"],
        ]
    )
    found = problems_of(content)
    assert [(line, column) for line, column, _ in found] == [
        (2, "month"),
        (3, "topic"),
        (3, "county"),
        (3, "calls"),
        (5, ""),
        (6, "month"),
        (7, "topic"),
        (7, "county"),
        (7, "calls"),
    ]
    assert "2026-13 is not a month written as YYYY-MM" in found[0][2]
    assert "already on line 4" in found[4][2]
    assert "2026-12 has not ended yet" in found[5][2]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"month,topic,calls,colour\n2026-01,other,1,red\n", "has a column colour"),
        (b"month,county,calls\n2026-01,CJ,1\n", "has no column topic"),
        (b"PK\x03\x04broken", "could not be read"),
        (b"", "could not be read"),
    ],
)
def test_a_file_that_cannot_be_taken_says_why(content: bytes, expected: str) -> None:
    [(line, _, message)] = problems_of(content)
    assert line == 1 and expected in message


def test_saving_adds_corrects_and_never_duplicates_figures(engine: Engine) -> None:
    rows = read_helpline_file(SAMPLE.read_bytes(), TODAY)
    with Session(engine) as session:
        first = save_helpline(session, rows)
        session.commit()
        again = save_helpline(session, rows)
        corrected = save_helpline(session, [HelplineRow("2026-01", "other", "", 999)])
        session.commit()
        stored = session.exec(select(HelplineMonth)).all()
    assert (first.added, first.corrected, first.unchanged) == (len(rows), 0, 0)
    assert (again.added, again.corrected, again.unchanged) == (0, 0, len(rows))
    assert (corrected.added, corrected.corrected) == (0, 1)
    assert len(stored) == len(rows) and len(rows) > 150
    assert first.months == [f"2026-{m:02d}" for m in range(1, 11)]
    national = next(f for f in stored if (f.month, f.topic, f.county) == ("2026-01", "other", ""))
    assert national.calls == 999


@pytest.mark.parametrize("calls", ["²", "١٢", "9" * 5000, "1.٣٤٠"])
def test_a_count_of_calls_that_is_no_ascii_number_is_named_not_crashed_on(calls: str) -> None:
    content = f"month,topic,calls\n2026-09,work-abroad,{calls}\n".encode()
    [(line, column, message)] = problems_of(content)
    assert (line, column) == (2, "calls") and "is not a count of calls" in message
