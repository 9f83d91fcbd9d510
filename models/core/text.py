"""The shapes of text every door shares (a code, a line, a note), free of personal data."""

import re
from functools import partial
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from models.core.privacy import (
    KINDS,
    no_personal_data,
    no_personal_data_in_reference,
    personal_data_in,
)

# C0 and C1 controls, line and paragraph separators, zero-width and direction marks
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e]")
LINE_BREAKS = frozenset("\t\n\r")


def _without_controls(text: str, allowed: frozenset[str]) -> str:
    """The text, if it holds no control or direction character but those `allowed`."""
    for found in UNPRINTABLE.finditer(text):
        if found.group() not in allowed:
            raise ValueError(f"contains the control character U+{ord(found.group()):04X}")
    return text


def printable(text: str) -> str:
    """The text, if it holds no control or direction character beyond tabs and line breaks."""
    return _without_controls(text, LINE_BREAKS)


def one_line(text: str) -> str:
    """The text, if it holds no control character at all, line breaks included."""
    return _without_controls(text, frozenset())


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


PRINTABLE = AfterValidator(printable)
ONE_LINE = AfterValidator(one_line)
UPPER = BeforeValidator(_upper)
NO_PERSONAL_DATA = AfterValidator(no_personal_data)
NO_PERSONAL_DATA_IN_REFERENCE = AfterValidator(no_personal_data_in_reference)
# an official who acts for an institution (a delegate) is named; any other personal data is not
NO_PERSONAL_DATA_BUT_NAMES = AfterValidator(partial(no_personal_data, ignore={"name"}))
# institutions, bodies, strategies, campaigns, sources: CM-SNITP, SNITP-2024-2028, GRETA-3
CODE_PATTERN = r"^[A-Z][A-Z0-9-]{0,39}$"  # a letter first: a bare number is no code
Code = Annotated[
    str,
    UPPER,
    StringConstraints(pattern=CODE_PATTERN),
    NO_PERSONAL_DATA_IN_REFERENCE,  # 0721234567 has a code's shape, yet is a phone number
    # the upper-casing hides the pattern from the schema the Prefect server enforces on runs
    WithJsonSchema({"type": "string", "pattern": CODE_PATTERN}),
]
# free text a person types: checked for personal data as well as for its shape
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), ONE_LINE, NO_PERSONAL_DATA
]
Paragraphs = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=5000), PRINTABLE, NO_PERSONAL_DATA
]
WebLink = Annotated[str, StringConstraints(pattern=r"^(https?://\S{1,490})?$"), ONE_LINE]
# the largest id an INTEGER column holds on PostgreSQL: a larger one is refused by the server
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
# a reference, key or code a person gives to look a row up: one line, no longer than a key
LookupText = Annotated[str, StringConstraints(max_length=200), ONE_LINE]
RunId = Annotated[
    str, StringConstraints(pattern=r"^(flow-run/)?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
]


def functional(address: str) -> str:
    """The address, if its name part names a desk, not a person (eio@, not maria.popescu@)."""
    local = re.sub(r"[._+-]+", " ", address.partition("@")[0]).title()
    if personal_data_in(local, ignore={"email"}) is not None:
        raise ValueError("a functional mailbox is asked for; this one seems to name a person")
    return address


# an institution's or a partner's desk address, told of what concerns the case
FunctionalMailbox = Annotated[EmailStr, AfterValidator(functional)]


def shown(value: str) -> str:
    """`value` quoted for an error message, or only the kind of personal data it seems to hold."""
    if (kind := personal_data_in(value)) is not None:
        return f"(a value that seems to contain {KINDS[kind]})"
    return repr(value if len(value) <= 60 else value[:57] + "...")


def checked_note(
    field: str, text: str, *, error: type[ValueError] = ValueError, max_length: int = 500
) -> str:
    """A note or reason a person typed, stripped; `error` names the field, never the value."""
    cleaned = text.strip()
    if len(cleaned) > max_length:
        raise error(f"{field}: at most {max_length} characters, got {len(cleaned)}")
    try:
        printable(cleaned)
    except ValueError as exc:
        raise error(f"{field}: {exc}") from None
    if (kind := personal_data_in(cleaned)) is not None:
        raise error(f"{field}: the text seems to contain {KINDS[kind]}")
    return cleaned


def row_id(text: str) -> int | None:
    """The id `text` spells in ASCII digits, if it is one a table can hold (1 to MAX_ROW_ID)."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ROW_ID))):
        return None  # '²' and Arabic-Indic digits are digits to str.isdigit(), yet no id
    number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None


def checked_lookup(field: str, text: str, *, error: type[ValueError] = ValueError) -> str:
    """A reference or key to look a row up by; `error` names the field when it cannot be one.

    PostgreSQL refuses a NUL in any text it is sent, so a lookup must be refused first.
    """
    if len(text) > 200:
        raise error(f"{field}: at most 200 characters, got {len(text)}")
    try:
        return one_line(text)
    except ValueError as exc:
        raise error(f"{field}: {exc}") from None
