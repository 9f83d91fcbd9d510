"""A centre's file names its columns as the form does, in either language, or as it did before."""

import pytest

from models.campaigns.forms import WORDS
from models.campaigns.upload import COLUMNS, activities_from_file, header_names
from models.core.i18n import LANGUAGES, translate
from models.core.spreadsheets import plain
from models.lifecycle.answers import AnswerInvalid


def test_every_short_spelling_taken_before_still_names_its_column() -> None:
    names = header_names()
    for field, aliases in COLUMNS.items():
        assert all(names[alias] == field for alias in aliases)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_s_headings_in_each_language_name_their_columns(language: str) -> None:
    names = header_names()
    for field in COLUMNS:
        assert names[plain(translate(language, WORDS[field]))] == field


def refusal(content: bytes) -> str:
    with pytest.raises(AnswerInvalid) as raised:
        activities_from_file("a.csv", content)
    return raised.value.english["attachment"]


def test_unknown_columns_are_quoted_as_written_and_the_headings_listed() -> None:
    said = refusal(b"Date;County;Channel;Grupa;Form;Status\n")
    assert said.startswith('Columns the report does not know: "Grupa", "Status". ')
    assert said.endswith(
        "as this form names them: Date, County, Channel, Target group, Form of exploitation, "
        "Participants, People reached, Materials distributed, Partner."
    )


def test_missing_columns_are_named_with_the_columns_the_file_has() -> None:
    said = refusal(b"judet;data;reach\n")
    assert said.startswith(
        "Columns missing from the file: Channel, Target group, Form of exploitation. "
        "The file has: County, Date, People reached. "
    )


def test_a_long_header_is_quoted_shortened() -> None:
    said = refusal(("x" * 500 + ";data\n").encode())
    assert f'"{"x" * 60}"' in said and "x" * 61 not in said
