"""The loader refuses what it would otherwise take silently or crash on."""

import pytest

from models.reference.document import MAX_BYTES, ReferenceDataError, parse_reference_document
from tests.support.reference import dump, small_document


def problems_of(text: str) -> list[str]:
    with pytest.raises(ReferenceDataError) as refused:
        parse_reference_document(text)
    return refused.value.problems


def test_a_key_given_twice_in_one_mapping_is_refused_with_its_line() -> None:
    text = dump(small_document()).replace("name: Agenția\n", "name: Agenția\n  name: Alta\n", 1)
    [problem] = problems_of(text)
    assert "the key 'name' is given twice" in problem and problem.startswith("line ")


@pytest.mark.parametrize("depth", [20, 5000])
def test_absurd_nesting_is_refused_without_a_traceback(depth: int) -> None:
    text = "version: 1\ninstitutions: " + "[" * depth + "]" * depth
    assert problems_of(text) == ["(document): nested more than 12 levels deep"]


def test_an_oversized_file_is_refused_before_parsing() -> None:
    text = "# " + "x" * MAX_BYTES
    assert problems_of(text) == ["(document): larger than 5 MB"]


@pytest.mark.parametrize("bad", ["Agenția\x1b[2J", "Agenția\u202enoitanretni", "Ag\x00enția"])
def test_control_characters_in_names_are_refused(bad: str) -> None:
    document = small_document()
    document["institutions"][1]["name"] = bad
    [problem] = problems_of(dump(document))
    assert "institutions[1].name" in problem and "control character U+" in problem


@pytest.mark.parametrize(
    ("field", "bad"),
    [("name", "Centrul regional, tel. 0721 234 567"), ("name_en", "Office of ion.pop@gmail.com")],
)
def test_personal_data_in_an_institution_name_is_refused_without_echoing_it(
    field: str, bad: str
) -> None:
    document = small_document()
    document["institutions"][1][field] = bad
    [problem] = problems_of(dump(document))
    assert problem.startswith(f"institutions[1].{field}: contains ")
    assert "0721" not in problem and "gmail" not in problem
