"""The SMTP client's own commands: what the server takes in is exactly what was composed."""

import pytest

from models.core.settings import get_settings
from tasks.messaging.transports import SmtpTransport
from tests.support.servers import SmtpServer

SENDER = "concord@coordination.example"
HEAD = b"From: concord@coordination.example\r\nTo: fp@anitp.example\r\nSubject: x\r\n\r\n"


def send(data: bytes, recipients: list[str]) -> list[str]:
    with SmtpTransport(get_settings()) as smtp:
        return smtp.send(data, SENDER, recipients)


def test_a_composed_message_arrives_byte_for_byte_with_its_envelope_and_size(
    smtp_server: SmtpServer,
) -> None:
    data = HEAD + b"T25lIGxpbmUgb2YgYmFzZTY0\r\nYW5kIGFub3RoZXI=\r\n"
    assert send(data, ["fp@anitp.example", "deputy@anitp.example"]) == []
    assert smtp_server.handler.contents == [data]
    assert smtp_server.handler.envelopes == [(SENDER, ["fp@anitp.example", "deputy@anitp.example"])]
    assert smtp_server.handler.mail_options == [[f"SIZE={len(data)}"]]


@pytest.mark.parametrize(
    "body",
    [
        b"first\r\n.hidden\r\n..two dots\r\n.\r\nlast\r\n",
        b".at the very start\r\nsecond\r\n",
        b"no line end at the close\r\n.last",
    ],
    ids=["dots inside", "dot first", "no final line end"],
)
def test_lines_starting_with_a_dot_arrive_as_written(smtp_server: SmtpServer, body: bytes) -> None:
    data = body if body.startswith(b".") else HEAD + body
    send(data, ["fp@anitp.example"])
    [received] = smtp_server.handler.contents
    assert received.rstrip(b"\r\n") == data.rstrip(b"\r\n"), "a doubled dot was not undone"


@pytest.mark.parametrize("smtp_server", [{"enable_SMTPUTF8": True}], indirect=True)
def test_an_international_address_switches_the_commands_to_utf8(
    smtp_server: SmtpServer,
) -> None:
    data = HEAD + b"body\r\n"
    assert send(data, ["ioana@institu\u021bie.example"]) == []
    [(sender, recipients)] = smtp_server.handler.envelopes
    assert (sender, recipients) == (SENDER, ["ioana@institu\u021bie.example"])
    assert "SMTPUTF8" in smtp_server.handler.mail_options[0]
