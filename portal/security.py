"""Link tokens, CSRF tokens, body limits and access logs that never show a token."""

import hashlib
import hmac
import logging
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import SecretStr
from sqlmodel import Session

from models.core.tokens import TokenClaims, TokenError, verify_token
from models.lifecycle.tables import Assignment, AssignmentStatus

logger = logging.getLogger("concord.portal")
BAD_TOKENS: Counter[str] = Counter()
CSRF_VALID_SECONDS = 4 * 3600
TOKEN_IN_PATH = re.compile(r"/(a|api/v1/assignments)/[^/?#]+")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LinkError(Exception):
    """A link that opens nothing: `status` is 404 (unknown) or 410 (expired or withdrawn)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def redact(path: str) -> str:
    """The path with any link token replaced, fit for a log line."""
    return TOKEN_IN_PATH.sub(lambda m: f"/{m.group(1)}/***", path)


def count_bad_token(reason: str, client: str) -> None:
    """Count and log a refused link, without the token itself."""
    BAD_TOKENS[reason] += 1
    logger.warning("refused portal link from %s: %s", client, reason)


def verify_link(token: str, *, key: SecretStr, now: datetime) -> TokenClaims:
    """The claims of a link token; LinkError (404 or 410) when it is not a valid one."""
    try:
        return verify_token(token, key=key, now=now)
    except TokenError as exc:
        status = 410 if str(exc) == "expired" else 404
        raise LinkError(str(exc), status) from None


def linked_assignment(session: Session, claims: TokenClaims) -> Assignment:
    """The assignment the claims name, as it is now; LinkError once revoked or cancelled.

    Answering calls this again inside its write transaction, so that a link revoked a
    moment ago writes nothing.
    """
    assignment = session.get(Assignment, claims.assignment_id)
    if assignment is None or assignment.institution_id != claims.institution_id:
        raise LinkError("no such assignment for this institution", 404)
    if claims.version != assignment.link_version:
        raise LinkError("revoked", 410)
    if assignment.status == AssignmentStatus.CANCELLED:
        raise LinkError("cancelled", 410)
    return assignment


def csrf_token(link_token: str, key: SecretStr, now: float | None = None) -> str:
    """A form token bound to this link and a time, valid for a few hours."""
    issued = int(now if now is not None else time.time())
    mac = hmac.new(
        key.get_secret_value().encode(), f"csrf:{link_token}:{issued}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"{issued}.{mac}"


def csrf_valid(value: str, link_token: str, key: SecretStr, now: float | None = None) -> bool:
    """True when `value` was issued for this link within its validity."""
    issued_text, _, _ = value.partition(".")
    if not (issued_text.isascii() and issued_text.isdigit() and len(issued_text) <= 12):
        return False  # not a time we issued (and a huge number would overflow a float)
    moment = now if now is not None else time.time()
    if not 0 <= moment - int(issued_text) <= CSRF_VALID_SECONDS:
        return False
    expected = csrf_token(link_token, key, int(issued_text))
    # bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, not a no)
    return hmac.compare_digest(value.encode(), expected.encode())


@dataclass
class BodyLimit:
    """ASGI middleware: refuse request bodies over `max_bytes` with 413, streamed or declared."""

    app: ASGIApp
    max_bytes: int

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await _too_large(send)


class BodyTooLarge(Exception):
    """The streamed body passed the limit."""


async def _too_large(send: Send) -> None:
    body = b"request body too large"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass
class AccessLog:
    """ASGI middleware: one log line per request, with tokens redacted."""

    app: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            logger.info("%s %s %s", scope["method"], redact(scope["path"]), status)
