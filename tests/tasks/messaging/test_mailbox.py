"""Reading Concord's mailbox from a real Dovecot and from a maildir, and marking replies done."""

import mailbox
from pathlib import Path

import pytest

from models.core.settings import get_settings
from tasks.messaging.mailbox import MailboxError, RawMail, fetch_waiting, mark_done
from tests.support.dovecot import ImapServer, imap_server, read_from

__all__ = ["imap_server"]


def reply(number: int, body: str = "Am primit, mulțumim.") -> bytes:
    """A reply as an institution's server would send it: CRLF lines, 8-bit UTF-8 text."""
    lines = [
        "From: Inspectoratul <ij@politia.example>",
        "To: answers+tok{n}@concord.example",
        "Subject: Re: Raport lunar {n}",
        "Message-ID: <reply-{n}@politia.example>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        "X-Odd:   spacing\tkept  ",
        "",
        body,
        "--",
        "",
    ]
    return "\r\n".join(lines).format(n=number).encode()


def test_fetch_returns_the_exact_bytes_oldest_first_and_mark_done_moves_them(
    imap_server: ImapServer,
) -> None:
    sent = [reply(n) for n in (1, 2, 3)]
    for raw in sent:
        imap_server.deliver(raw)
    settings = get_settings()

    waiting = fetch_waiting(settings)

    assert [mail.data for mail in waiting] == sent
    assert {mail.source for mail in waiting} == {"imap"}
    assert not any(mail.oversized for mail in waiting)
    assert fetch_waiting(settings) == waiting  # nothing was marked seen or moved
    mark_done(settings, waiting)
    assert imap_server.messages("INBOX") == []
    assert imap_server.messages("Concord/Processed") == sent
    assert fetch_waiting(settings) == []


def test_fetch_stops_at_the_limit_and_mark_done_leaves_the_rest(
    imap_server: ImapServer,
) -> None:
    for n in (1, 2, 3):
        imap_server.deliver(reply(n))
    settings = get_settings()

    first = fetch_waiting(settings, limit=2)
    mark_done(settings, first)

    assert [mail.data for mail in first] == [reply(1), reply(2)]
    assert [mail.data for mail in fetch_waiting(settings)] == [reply(3)]
    assert "Concord/Processed" in imap_server.folders()


@pytest.mark.parametrize(
    ("offered", "left"),
    [("IMAP4rev1 LITERAL+ UIDPLUS", [3, 4]), ("IMAP4rev1 LITERAL+", [3])],
    ids=["uid-expunge", "expunge"],
)
def test_without_move_done_ones_are_copied_deleted_and_expunged(
    offered: str, left: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with ImapServer(capabilities=offered) as server:
        read_from(server, monkeypatch)
        for n in (1, 2, 3):
            server.deliver(reply(n))
        server.deliver(reply(4), flags=(r"\Deleted",))  # another client is removing it
        settings = get_settings()

        waiting = fetch_waiting(settings, limit=2)
        mark_done(settings, waiting)

        assert [mail.data for mail in waiting] == [reply(1), reply(2)]
        # with UIDPLUS only the UIDs done are expunged; without it, EXPUNGE takes all deleted
        assert server.messages("INBOX") == [reply(n) for n in left]
        assert server.messages("Concord/Processed") == [reply(1), reply(2)]
        server.wait_for_log("deleted=2 ")


def test_the_done_folder_follows_the_server_separator(monkeypatch: pytest.MonkeyPatch) -> None:
    with ImapServer(separator=".") as server:
        read_from(server, monkeypatch)
        server.deliver(reply(1))
        settings = get_settings()

        mark_done(settings, fetch_waiting(settings))

        assert "Concord.Processed" in server.folders()
        assert server.messages("Concord.Processed") == [reply(1)]


def test_an_oversized_message_comes_as_its_header_only(
    imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_INBOUND_MAX_BYTES", "2048")
    get_settings.cache_clear()
    big, small = reply(1, "x" * 4000), reply(2)
    imap_server.deliver(big)
    imap_server.deliver(small)

    waiting = fetch_waiting(get_settings())

    assert [mail.oversized for mail in waiting] == [True, False]
    assert big.startswith(waiting[0].data) and b"Message-ID: <reply-1@" in waiting[0].data
    assert b"xxxx" not in waiting[0].data
    assert waiting[1].data == small


def test_a_wrong_password_names_the_server_and_not_the_password(
    imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONCORD_IMAP_PASSWORD", "not-the-Secret-42")
    get_settings.cache_clear()

    with pytest.raises(MailboxError) as refused:
        fetch_waiting(get_settings())

    message = str(refused.value)
    assert f"127.0.0.1:{imap_server.port}" in message
    assert "not-the-Secret-42" not in message and imap_server.password not in message


def test_a_server_that_does_not_answer_names_host_and_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.servers import free_port

    port = free_port()
    monkeypatch.setenv("CONCORD_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONCORD_IMAP_PORT", str(port))
    monkeypatch.setenv("CONCORD_IMAP_PASSWORD", "hidden-Secret-7")
    get_settings.cache_clear()

    with pytest.raises(MailboxError) as failed:
        fetch_waiting(get_settings())
    assert f"127.0.0.1:{port}" in str(failed.value)
    assert "hidden-Secret-7" not in str(failed.value)


def test_starttls_on_the_implicit_tls_port_names_host_and_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONCORD_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONCORD_IMAP_SECURITY", "starttls")
    get_settings.cache_clear()

    with pytest.raises(MailboxError) as failed:
        fetch_waiting(get_settings())
    assert "127.0.0.1:993" in str(failed.value)


def test_the_maildir_is_read_oldest_first_and_done_ones_move_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbound"
    monkeypatch.setenv("CONCORD_INBOUND_MAILDIR", str(folder))
    get_settings.cache_clear()
    box = mailbox.Maildir(folder, factory=None, create=True)
    keys = [box.add(reply(n)) for n in (1, 2, 3)]
    seen = box.get_message(keys[1])
    seen.set_subdir("cur")
    seen.add_flag("S")
    box[keys[1]] = seen  # a message another reader moved to cur comes too
    settings = get_settings()

    waiting = fetch_waiting(settings)

    assert [mail.source for mail in waiting] == ["maildir"] * 3
    assert [mail.data for mail in waiting] == [reply(1), box.get_bytes(keys[1]), reply(3)]
    assert [mail.data for mail in fetch_waiting(settings, limit=1)] == [reply(1)]
    mark_done(settings, waiting)
    assert fetch_waiting(settings) == []
    done = box.get_folder("done")
    assert sorted(done.get_bytes(key) for key in done.iterkeys()) == sorted(
        mail.data for mail in waiting
    )


def test_mark_done_with_nothing_changes_nothing(tmp_path: Path) -> None:
    mark_done(get_settings(), [])
    mark_done(get_settings(), [RawMail("maildir", "gone", b"")])
    assert fetch_waiting(get_settings()) == []
