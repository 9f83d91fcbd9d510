"""The email written directly is byte for byte what the MIME generator writes."""

from datetime import UTC, datetime

import pytest

from models.messaging import mime
from models.messaging.outbox import OutboxMessage

NOW = datetime(2027, 1, 4, 6, tzinfo=UTC)
LONG_TEXT = ("Stimați colegi, termenul raportului semestrial se împlinește. " * 9 + "\n") * 5


def _message(**changes: object) -> OutboxMessage:
    fields: dict[str, object] = {
        "key": "round-opened:BENCH:2026-S1:I00001",
        "channel": "email",
        "kind": "round-opened",
        "recipient": "fp@i00001.example",
        "language": "ro",
        "subject": "Runda de monitorizare 2026-S1: 5 rapoarte — termen 29 ianuarie 2027",
        "body_text": LONG_TEXT,
        "body_html": "<p>" + LONG_TEXT + "</p>",
    }
    return OutboxMessage(**(fields | changes))


CASES = {
    "text and html, non-ASCII subject": _message(),
    "text alone": _message(body_html=None),
    "ASCII subject": _message(subject="Round 2026-S1"),
    "two recipients": _message(recipient="fp@i00001.example, deputy@i00001.example"),
    "a long ASCII recipient list": _message(recipient=", ".join(f"p{n}@x.ro" for n in range(9))),
    "a non-ASCII address": _message(recipient="Ștefan <ștefan@exemplu.ro>"),
    "an empty html": _message(body_html=""),
}


def _wire(message: OutboxMessage) -> bytes:
    return mime.wire_bytes(message, sender="concord@c.example", message_id="<a@c>", now=NOW)


@pytest.mark.parametrize("name", CASES)
def test_the_direct_path_writes_what_the_generator_writes(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mime.secrets, "token_hex", lambda _: "0" * 24)
    direct = _wire(CASES[name])
    monkeypatch.setattr(mime, "_plain_wire", lambda *_: None)
    assert direct == _wire(CASES[name])
