"""Finding personal data in free text: e-mail addresses, phone numbers, CNPs, passport numbers.

Concord keeps no identity data about victims; every free-text field is checked before it is
stored or sent, and refused naming the field and what it seems to contain.
"""

import re

from pydantic_core import PydanticCustomError

from models.core.i18n import N_

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2,3}[\s./-]?\d(?:[\s./-]?\d){6,11}"
    r"|0[237](?:[\s./-]?\d){8})(?!\w)"
)
THIRTEEN_DIGITS = re.compile(r"(?<!\d)\d{13}(?!\d)")
PASSPORT = re.compile(r"\b[A-Z]{1,2}\d{6,9}\b")
CNP_WEIGHTS = "279146358279"

KINDS = {
    "email": N_("an e-mail address"),
    "phone": N_("a phone number"),
    "cnp": N_("a personal numeric code (CNP)"),
    "passport": N_("an identity document number"),
}


def valid_cnp(digits: str) -> bool:
    """True for a Romanian personal numeric code: plausible date and county, right check digit."""
    if len(digits) != 13 or not digits.isdigit() or digits[0] == "0":
        return False
    total = sum(int(d) * int(w) for d, w in zip(digits[:12], CNP_WEIGHTS, strict=True))
    check = total % 11
    month, day, county = int(digits[3:5]), int(digits[5:7]), int(digits[7:9])
    return (
        (1 if check == 10 else check) == int(digits[12])
        and 1 <= month <= 12
        and 1 <= day <= 31
        and 1 <= county <= 52
    )


def personal_data_in(text: str) -> str | None:
    """The first kind of personal data found in `text` (email, phone, cnp, passport), or None."""
    if EMAIL.search(text):
        return "email"
    if any(valid_cnp(match) for match in THIRTEEN_DIGITS.findall(text)):
        return "cnp"
    if PHONE.search(text):
        return "phone"
    if PASSPORT.search(text):
        return "passport"
    return None


def no_personal_data(text: str) -> str:
    """A pydantic validator: the text unchanged, or an error naming what it seems to contain."""
    kind = personal_data_in(text)
    if kind is not None:
        raise PydanticCustomError("personal_data", "contains {what}", {"what": KINDS[kind]})
    return text
