from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import SecretStr

from models.core.tokens import TokenError, sign_token, verify_token

KEY = SecretStr("test-signing-key-with-enough-entropy")
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def token(**changes: object) -> str:
    values: dict[str, object] = {
        "assignment_id": 42,
        "institution_id": 7,
        "expires_at": NOW + timedelta(days=30),
        "key": KEY,
    }
    values.update(changes)
    return sign_token(**values)  # type: ignore[arg-type]


def test_a_signed_token_names_its_assignment_and_institution() -> None:
    claims = verify_token(token(), key=KEY, now=NOW)
    assert (claims.assignment_id, claims.institution_id) == (42, 7)
    assert claims.expires_at == NOW + timedelta(days=30)


def test_an_expired_token_is_refused() -> None:
    with pytest.raises(TokenError, match="expired"):
        verify_token(token(expires_at=NOW - timedelta(seconds=1)), key=KEY, now=NOW)


def test_a_token_signed_with_another_key_is_refused() -> None:
    with pytest.raises(TokenError, match="bad signature"):
        verify_token(token(key=SecretStr("another-key")), key=KEY, now=NOW)


def test_changing_the_assignment_in_a_token_breaks_its_signature() -> None:
    other = token(assignment_id=43)
    forged = other.split(".")[0] + "." + token().split(".")[1]
    with pytest.raises(TokenError):
        verify_token(forged, key=KEY, now=NOW)


@given(st.text(max_size=120))
@example("\x00")
@example("a\x00.b\x00")
@example("\x1b[2J.\x85")
@example("\u202eabcd.efgh\u200b")
@example("\ud800.\udfff")  # lone surrogates, as a mangled link may arrive
def test_any_other_text_is_refused_without_a_crash(text: str) -> None:
    with pytest.raises(TokenError):
        verify_token(text, key=KEY, now=NOW)
