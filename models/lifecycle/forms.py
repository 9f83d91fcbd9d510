"""The base of every answer form, and the text fields forms are built from."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

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
