import pytest
from pydantic import BaseModel, ValidationError

from models.core.privacy import personal_data_in, valid_cnp
from models.lifecycle.forms import RequiredText


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Victima poate fi contactată la ana.pop@mail.example", "email"),
        ("CNP 1800101420010 verificat", "cnp"),
        ("telefon 0722 123 456", "phone"),
        ("sunați la +40 721 234 567", "phone"),
        ("tel. 021-312.34.56", "phone"),
        ("pașaport RO1234567", "passport"),
    ],
)
def test_personal_data_is_found_in_free_text(text: str, kind: str) -> None:
    assert personal_data_in(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Referința RC-2026-0042, măsura 1.1.2, strategia SNITP-2024-2028",
        "HelpLine 0800 800 678 a primit 120 de apeluri",  # the public helpline
        "1800101420011 nu este un CNP: cifra de control este greșită",
        "Au participat 1250 de elevi în 2026; buget 1500000 lei",
    ],
)
def test_ordinary_text_passes(text: str) -> None:
    assert personal_data_in(text) is None


def test_a_cnp_needs_a_valid_check_digit_date_and_county() -> None:
    assert valid_cnp("1800101420010") and valid_cnp("2961231123459")
    assert not valid_cnp("1801301420010")  # month 13
    assert not valid_cnp("0800101420010")


class Note(BaseModel):
    narrative: RequiredText


def test_a_form_field_with_personal_data_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        Note(narrative="Victima, CNP 2961231123459, a fost preluată.")
    error = refused.value.errors()[0]
    assert error["loc"] == ("narrative",) and error["type"] == "personal_data"
    assert error["ctx"] == {"what": "a personal numeric code (CNP)"}
