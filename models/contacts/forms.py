"""What a focal point answers: the institution's addresses, confirmed or corrected; its words."""

import re
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BeforeValidator, EmailStr, model_validator

from models.contacts.rules import FIELD_ROLES, ROLE_WORDS
from models.core.i18n import N_
from models.core.privacy import personal_data_in
from models.lifecycle.forms import AnswerForm

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "contacts"
WORDS: dict[str, str] = {
    **ROLE_WORDS,
    # the form's fields
    "focal_point": N_("E-mail address of the focal point"),
    "deputy": N_("E-mail address of the deputy focal point (empty if there is none)"),
    "head": N_("E-mail address of the head of the institution"),
    # the rows above the form, one per field: what the field holds now
    "current_focal_point": N_("Focal point now"),
    "current_deputy": N_("Deputy focal point now"),
    "current_head": N_("Head of the institution now"),
}
PRIVATE = N_(
    "This address seems to hold a person's private data (a phone or identity number, a birth "
    "date): give the official's work address."
)
# an official's address may carry the official's own name; a victim's data it may not
OFFICIALS = frozenset({"email", "name"})


def _empty_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _lower_domain(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


Address = Annotated[EmailStr, AfterValidator(_lower_domain)]


def private_data_in(address: str) -> bool:
    """Whether an address's name part holds personal data beyond an official's name."""
    local = re.sub(r"[._+-]+", " ", address.partition("@")[0]).title()
    return personal_data_in(local, ignore=OFFICIALS) is not None


class ContactsAnswer(AnswerForm):
    kind: Literal["contacts-confirmation"] = "contacts-confirmation"
    focal_point: Address
    deputy: Annotated[Address | None, BeforeValidator(_empty_is_none)] = None
    head: Address

    @model_validator(mode="after")
    def _official_addresses(self) -> Self:
        for field in FIELD_ROLES:
            address = getattr(self, field)
            if address is not None and private_data_in(address):
                raise ValueError(f"{field}: {PRIVATE}")
        return self

    def addresses(self) -> dict[str, str | None]:
        """The address given for each role (None: the role has no one)."""
        return {role: getattr(self, field) for field, role in FIELD_ROLES.items()}
