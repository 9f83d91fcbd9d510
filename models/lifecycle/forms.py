"""The base of every answer form, the text fields forms are built from, and their choices."""

from dataclasses import dataclass
from enum import Enum, StrEnum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, StringConstraints

from models.core.text import NO_PERSONAL_DATA, NO_PERSONAL_DATA_IN_REFERENCE, PRINTABLE, UPPER

CLEAN = NO_PERSONAL_DATA
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), PRINTABLE, CLEAN
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=5000), PRINTABLE, CLEAN
]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), PRINTABLE, CLEAN
]
# a pseudonymous case reference (RO-EIO-2026-0042): never a name, so letters, digits, -/._
CaseReference = Annotated[
    str,
    UPPER,
    StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9/._-]{2,59}$"),
    NO_PERSONAL_DATA_IN_REFERENCE,
]


class Progress(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"


class AnswerForm(BaseModel):
    """What an institution answers to one kind of assignment; `kind` tells the forms apart."""

    # the values sent may be anything, personal data included: errors never repeat them
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    kind: str


@dataclass(frozen=True)
class FileRows:
    """The rows a spreadsheet holds for a form's table, with the file line each came from."""

    rows: list[dict[str, Any]]
    lines: list[int]


def choices(form: type[BaseModel], field: str) -> tuple[str, ...]:
    """The values a form's field offers, read from its Literal or Enum; () for a free field."""
    return _values(form.model_fields[field].annotation)


def form_choices(form: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Every field of the form, or of the rows of its list fields, that offers choices."""
    found: dict[str, tuple[str, ...]] = {}
    for name, info in form.model_fields.items():
        row = _row_model(info.annotation)
        found |= form_choices(row) if row else {name: choices(form, name)}
    return {name: values for name, values in found.items() if values and name != "kind"}


def _values(annotation: Any) -> tuple[str, ...]:
    """The values of a Literal or an Enum, or of the members of a union of them."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(member.value) for member in annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return tuple(str(arg.value if isinstance(arg, Enum) else arg) for arg in args)
    if origin is Annotated:
        return _values(args[0])
    if origin in (Union, UnionType):
        return tuple(value for arg in args for value in _values(arg))
    return ()


def _row_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a list field's rows (`list[ActivityRow]`), or None for any other field."""
    args = get_args(annotation)
    if get_origin(annotation) is list and args and isinstance(args[0], type):
        return args[0] if issubclass(args[0], BaseModel) else None
    return None
