"""The base of every answer form, and the text fields forms are built from."""

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from models.core.privacy import no_personal_data

CLEAN = AfterValidator(no_personal_data)
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), CLEAN]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), CLEAN]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), CLEAN
]


class Progress(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"


class AnswerForm(BaseModel):
    """What an institution answers to one kind of assignment; `kind` tells the forms apart."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str
