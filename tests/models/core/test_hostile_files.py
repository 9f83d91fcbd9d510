"""Files built to exhaust their reader are refused quickly, cheaply and with a clear reason."""

import resource
import time

import pytest

from models.campaigns.upload import activities_from_file
from models.core import spreadsheets
from models.core.spreadsheets import SpreadsheetError, UnreadableFile, read_records, read_table
from models.lifecycle.answers import AnswerInvalid
from models.recommendations.importing import read_recommendation_file
from models.reference.document import ReferenceDataError, read_yaml
from tests.support import hostile_files as hostile

COLUMNS = {"name": ("name",), "calls": ("calls",)}


def refusal(content: bytes) -> str:
    """What read_table says of a file it refuses, checking it took little time and memory."""
    before, started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.monotonic()
    with pytest.raises(UnreadableFile) as raised:
        read_table(content, 500)
    assert time.monotonic() - started < 5
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100_000
    return str(raised.value)


def test_a_zip_bomb_is_refused_before_it_unpacks() -> None:
    bomb = hostile.zip_bomb(500)
    assert len(bomb) < 2_000_000
    assert refusal(bomb) == "The workbook unpacks to more than 64 MB; send it in parts."


def test_a_part_packed_tighter_than_any_spreadsheet_is_refused() -> None:
    assert "packed more than 200 times tighter" in refusal(hostile.zip_bomb(50))


def test_a_zip_that_declares_less_than_it_unpacks_is_refused_by_what_it_unpacks() -> None:
    said = refusal(hostile.lying_zip_bomb(500))
    assert "more than 1000000 XML elements" in said or "could not be read" in said


@pytest.mark.parametrize("bomb", [hostile.entity_bomb, lambda: hostile.external_entity("/etc")])
def test_xml_entities_in_a_workbook_are_refused(bomb: object) -> None:
    assert refusal(bomb()) == (  # type: ignore[operator]
        "The workbook declares XML entities (a DOCTYPE), which Concord refuses."
    )


def test_defusedxml_refuses_entities_openpyxl_would_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets, "check_workbook", lambda content: None)
    assert "XML entities" in refusal(hostile.entity_bomb())


def test_a_local_file_named_by_an_external_entity_is_not_read(tmp_path: object) -> None:
    secret = hostile.external_entity("/etc/hostname")
    with pytest.raises(SpreadsheetError) as raised:
        read_records(secret, COLUMNS, ("name",), 10)
    [problem] = raised.value.problems
    assert problem.message == spreadsheets.ENTITIES and problem.params == {}


def test_a_row_wider_than_any_table_is_refused_before_openpyxl_builds_it() -> None:
    assert "more than 1000 cells" in refusal(hostile.wide_row(5_000))


def test_a_value_just_beyond_the_columns_read_is_refused_not_dropped() -> None:
    row: list[object] = ["name", "calls", *([None] * 62), "hidden"]
    assert "more than 64 cells" in refusal(hostile.workbook([row, ["a", 1]]))


@pytest.mark.parametrize(
    "sheet",
    [b"<row><c>", b'<row><c t="s"><v>99</v></c></row>', b'<row r="abc"><c><v>1</v></c></row>'],
    ids=["unclosed tag", "missing shared string", "row that is no number"],
)
def test_a_malformed_sheet_is_unreadable_not_a_crash(sheet: bytes) -> None:
    said = refusal(hostile.with_sheet(hostile.HEAD + sheet + hostile.TAIL))
    assert said.startswith("The file could not be read as CSV or XLSX: ")
    assert "abc" not in said  # the file's own text is not echoed


def test_rows_after_many_blank_lines_are_still_read() -> None:
    rows: list[list[object]] = [["name", "calls"], *([[]] * 600), ["after the gap", 3]]
    records = read_records(hostile.workbook(rows), COLUMNS, ("name",), 500)
    assert records == [(602, {"name": "after the gap", "calls": "3"})]


def test_a_campaign_file_bomb_is_a_field_error_on_the_attachment() -> None:
    with pytest.raises(AnswerInvalid) as raised:
        activities_from_file("a.xlsx", hostile.zip_bomb(500))
    assert "unpacks to more than 64 MB" in raised.value.english["attachment"]


def test_a_recommendations_workbook_with_entities_is_a_file_problem() -> None:
    with pytest.raises(SpreadsheetError) as raised:
        read_recommendation_file("greta.xlsx", hostile.entity_bomb())
    assert raised.value.problems[0].message == spreadsheets.ENTITIES


def test_a_yaml_alias_bomb_is_refused_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(ReferenceDataError) as raised:
        read_yaml(hostile.yaml_bomb(7))
    assert time.monotonic() - started < 1
    assert raised.value.problems == [
        "(document): its aliases expand to more than 1,000,000 values; "
        "Concord refuses such a document"
    ]
    assert len(read_yaml(hostile.yaml_bomb(4))["a3"]) == 10  # a few aliases are still read


def test_an_alias_inside_itself_is_refused() -> None:
    with pytest.raises(ReferenceDataError, match="nested more than 12 levels"):
        read_yaml("a: &a [x, *a]\n")


def test_a_picture_in_a_workbook_is_counted_not_parsed_as_xml() -> None:
    first_chunk = b"\x89PNG" + bytes(range(256)) * 255 + bytes(252)
    assert len(first_chunk) == spreadsheets.CHUNK  # the next one begins as XML would
    picture = first_chunk + b"<not xml" + bytes(1000)
    parts = {"xl/media/image1.png": picture}
    records = read_records(hostile.workbook([["name"], ["x"]], parts), COLUMNS, ("name",), 10)
    assert records == [(2, {"name": "x"})]
