"""The LMTP listener: replies stored in the inbound maildir before each recipient's 250."""

import mailbox
import smtplib
from collections.abc import Iterator
from pathlib import Path

import pytest

from deployments.lmtp import LmtpListener
from models.core.settings import get_settings
from tasks.messaging.mailbox import fetch_waiting
from tests.support.servers import free_port

SENDER = "ij@politia.example"
FIRST, SECOND = "answers+tok1@concord.example", "answers+tok2@concord.example"


def reply(body: str = "Am primit raportul, mulțumim.") -> bytes:
    """A reply with CRLF lines and 8-bit UTF-8 text, a line starting with a dot among them."""
    lines = [
        f"From: Inspectoratul <{SENDER}>",
        f"To: {FIRST}",
        "Subject: Re: Raport lunar",
        "Message-ID: <lmtp-1@politia.example>",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        ".a line that starts with a dot",
        "",
    ]
    return "\r\n".join(lines).encode()


@pytest.fixture
def maildir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mail" / "inbound"
    monkeypatch.setenv("CONCORD_INBOUND_MAILDIR", str(folder))
    monkeypatch.setenv("CONCORD_REPLY_ADDRESS", "answers@concord.example")
    monkeypatch.setenv("CONCORD_INBOUND_MAX_BYTES", "4096")
    monkeypatch.delenv("CONCORD_IMAP_HOST", raising=False)
    get_settings.cache_clear()
    return folder


@pytest.fixture
def listener(maildir: Path) -> Iterator[LmtpListener]:
    with LmtpListener(get_settings(), port=free_port()) as running:
        yield running


def send(listener: LmtpListener, content: bytes, recipients: list[str]) -> list[tuple[int, bytes]]:
    """Send over LMTP; the reply to each RCPT, then one reply per accepted recipient after DATA."""
    with smtplib.LMTP("127.0.0.1", listener.port) as client:
        client.ehlo_or_helo_if_needed()
        client.mail(SENDER)
        replies = [client.rcpt(to) for to in recipients]
        accepted = sum(1 for code, _ in replies if code == 250)
        replies.append(client.data(content))
        replies.extend(client.getreply() for _ in range(accepted - 1))
    return replies


def stored(folder: Path) -> list[bytes]:
    box = mailbox.Maildir(folder, factory=None, create=False)
    return [box.get_bytes(key) for key in box.iterkeys()]


def test_a_reply_is_stored_then_accepted_for_each_recipient(
    listener: LmtpListener, maildir: Path
) -> None:
    replies = send(listener, reply(), [FIRST, SECOND])

    assert [code for code, _ in replies] == [250, 250, 250, 250]
    assert FIRST.encode() in replies[2][1] and SECOND.encode() in replies[3][1]
    [data] = stored(maildir)
    assert data == f"Delivered-To: {FIRST}\r\nDelivered-To: {SECOND}\r\n".encode() + reply()
    assert [mail.data for mail in fetch_waiting(get_settings())] == [data]


def test_an_address_that_is_not_the_reply_address_is_refused(
    listener: LmtpListener, maildir: Path
) -> None:
    replies = send(listener, reply(), ["someone@concord.example", FIRST])

    assert [code for code, _ in replies] == [550, 250, 250]
    assert stored(maildir) == [f"Delivered-To: {FIRST}\r\n".encode() + reply()]


def test_an_oversized_reply_is_refused_for_each_recipient_and_not_stored(
    listener: LmtpListener, maildir: Path
) -> None:
    replies = send(listener, reply(("x" * 70 + "\r\n") * 80), [FIRST, SECOND])

    assert [code for code, _ in replies] == [250, 250, 552, 552]
    assert stored(maildir) == []
    assert fetch_waiting(get_settings()) == []
    assert [code for code, _ in send(listener, reply(), [FIRST])] == [250, 250]


def test_an_announced_size_over_the_limit_is_refused_at_once(
    listener: LmtpListener, maildir: Path
) -> None:
    client = smtplib.LMTP("127.0.0.1", listener.port)
    with client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail(SENDER, [FIRST], reply(("x" * 70 + "\r\n") * 80))

    assert refused.value.smtp_code == 552
    assert stored(maildir) == []


def test_a_reply_that_cannot_be_written_gets_451_and_nothing_is_stored(
    listener: LmtpListener, maildir: Path
) -> None:
    (maildir / "tmp").rename(maildir / "tmp-away")  # the write fails as on a full disk

    replies = send(listener, reply(), [FIRST, SECOND])

    assert [code for code, _ in replies] == [250, 250, 451, 451]
    (maildir / "tmp-away").rename(maildir / "tmp")
    assert stored(maildir) == []


def test_the_listener_needs_a_port(maildir: Path) -> None:
    with pytest.raises(ValueError, match="CONCORD_LMTP_PORT"):
        LmtpListener(get_settings())
