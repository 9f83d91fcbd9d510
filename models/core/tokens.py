"""Signed portal links: an HMAC over the assignment, the institution and an expiry."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr


class TokenError(ValueError):
    """The token is malformed, tampered with or expired."""


@dataclass(frozen=True)
class TokenClaims:
    assignment_id: int
    institution_id: int
    expires_at: datetime
    version: int = 0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str, key: SecretStr) -> str:
    digest = hmac.new(key.get_secret_value().encode(), payload.encode(), hashlib.sha256).digest()
    return _b64(digest)


def sign_token(
    *,
    assignment_id: int,
    institution_id: int,
    expires_at: datetime,
    key: SecretStr,
    version: int = 0,
) -> str:
    """A URL-safe token granting access to one assignment of one institution until expiry.

    `version` is the assignment's link version: raising it revokes every earlier link.
    """
    payload = f"{assignment_id}.{institution_id}.{int(expires_at.timestamp())}.{version}"
    return f"{_b64(payload.encode())}.{_mac(payload, key)}"


def verify_token(token: str, *, key: SecretStr, now: datetime) -> TokenClaims:
    """The claims of a valid token; TokenError when malformed, tampered with or expired."""
    try:
        encoded, mac = token.split(".")
        payload = _unb64(encoded).decode("ascii")
        assignment, institution, expiry, version = (int(part) for part in payload.split("."))
    except (ValueError, UnicodeDecodeError):
        raise TokenError("malformed token") from None
    # bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, not a no)
    if not hmac.compare_digest(mac.encode(), _mac(payload, key).encode()):
        raise TokenError("bad signature")
    expires_at = datetime.fromtimestamp(expiry, UTC)
    if expires_at <= now:
        raise TokenError("expired")
    return TokenClaims(assignment, institution, expires_at, version)


def webhook_signature(body: bytes, secret: SecretStr) -> str:
    """The X-Concord-Signature header value: sha256=<hex HMAC of the body>."""
    mac = hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def webhook_secret(institution_code: str, key: SecretStr) -> SecretStr:
    """The per-institution webhook secret, derived from the signing key."""
    mac = hmac.new(
        key.get_secret_value().encode(), f"webhook:{institution_code}".encode(), hashlib.sha256
    )
    return SecretStr(mac.hexdigest())


def reply_token(assignment_id: int, key: SecretStr) -> str:
    """The token of an assignment's reply address: short, lower-case, for a mailbox's local part.

    Mail servers may change the case of a local part, and it holds 64 characters at most.
    """
    return f"{assignment_id}-{_reply_mac(assignment_id, key)}"


def verify_reply_token(token: str, *, key: SecretStr) -> int:
    """The assignment a reply token names; TokenError when malformed or tampered with."""
    number, _, mac = token.lower().partition("-")
    if not number.isdigit() or not mac:
        raise TokenError("malformed reply token")
    if not hmac.compare_digest(mac.encode(), _reply_mac(int(number), key).encode()):
        raise TokenError("bad signature")
    return int(number)


def _reply_mac(assignment_id: int, key: SecretStr) -> str:
    payload = f"reply:{assignment_id}".encode()
    digest = hmac.new(key.get_secret_value().encode(), payload, hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii").lower()
