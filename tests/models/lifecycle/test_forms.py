"""The choices a form offers, read from its fields' annotations."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from models.lifecycle.forms import AnswerForm, Progress, ShortText, choices, form_choices


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


class Row(BaseModel):
    colour: Colour
    size: Annotated[int, Field(ge=0)] = 0


class Sample(AnswerForm):
    kind: Literal["sample"] = "sample"
    progress: Progress
    answer: Literal["yes", "no"]
    maybe: Colour | None = None
    only: Literal[Colour.GREEN]
    note: ShortText = ""
    rows: list[Row] = Field(default_factory=list)


def test_choices_come_from_a_literal_an_enum_or_an_optional_one_in_order() -> None:
    assert choices(Sample, "progress") == ("not-started", "in-progress", "done", "blocked")
    assert choices(Sample, "answer") == ("yes", "no")
    assert choices(Sample, "maybe") == ("red", "green")
    assert choices(Sample, "only") == ("green",)


def test_a_free_field_offers_no_choices() -> None:
    assert choices(Sample, "note") == () and choices(Sample, "rows") == ()
    assert choices(Row, "size") == ()


def test_a_forms_choices_include_its_rows_and_leave_out_its_kind() -> None:
    assert form_choices(Sample) == {
        "progress": ("not-started", "in-progress", "done", "blocked"),
        "answer": ("yes", "no"),
        "maybe": ("red", "green"),
        "only": ("green",),
        "colour": ("red", "green"),
    }
