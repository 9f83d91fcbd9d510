"""Concord's mailbox: the raw replies waiting, from IMAP or the LMTP listener's maildir."""

import imaplib
import io
import mailbox
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxLoginError
from imap_tools.utils import encode_folder

from models.core.settings import Settings

IMAP_TIMEOUT_SECONDS = 60.0
HEADER_MAX_BYTES = 256 * 1024  # what is kept of a message too large to read whole
DONE_MAILDIR = "done"
SIZE = re.compile(rb"UID (\d+) RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+) UID (\d+)")
KEY_TIME = re.compile(r"^(\d+)(?:\.M(\d+))?")


class MailboxError(Exception):
    """The mailbox could not be read or changed; the message names the server, never a secret."""


@dataclass(frozen=True)
class RawMail:
    """One message as the mailbox holds it."""

    source: str  # "imap" or "maildir"
    ref: str  # IMAP UID or maildir key
    data: bytes  # the exact bytes; only the header when `oversized`
    oversized: bool = False  # larger than inbound_max_bytes: refuse it, do not read it whole


def fetch_waiting(settings: Settings, limit: int = 200) -> list[RawMail]:
    """The messages waiting, oldest first, up to `limit`, left unread on the server."""
    if settings.imap_host:
        with _imap(settings) as client:
            return _fetch_imap(client, settings, limit)
    return _fetch_maildir(settings, limit)


def mark_done(settings: Settings, mails: list[RawMail]) -> None:
    """Move messages out of the waiting ones, into `imap_done_folder` or the `done` maildir.

    Call it only once what was read from them is committed: a crash in between brings the
    same messages again, and the reader de-duplicates them by Message-ID.
    """
    if not mails:
        return
    if settings.imap_host:
        with _imap(settings) as client:
            _move_imap(client, settings, [mail.ref for mail in mails if mail.source == "imap"])
    else:
        _move_maildir(settings, [mail.ref for mail in mails if mail.source == "maildir"])


def _where(settings: Settings) -> str:
    return f"IMAP server {settings.imap_host}:{settings.imap_port}"


def _client(settings: Settings) -> BaseMailBox:
    host, port = settings.imap_host or "", settings.imap_port
    if settings.imap_security == "ssl":
        context = ssl.create_default_context()
        return MailBox(host, port, timeout=IMAP_TIMEOUT_SECONDS, ssl_context=context)
    if settings.imap_security == "starttls":
        context = ssl.create_default_context()
        return MailBoxStartTls(host, port, timeout=IMAP_TIMEOUT_SECONDS, ssl_context=context)
    return MailBoxUnencrypted(host, port, timeout=IMAP_TIMEOUT_SECONDS)


def _scrubbed(text: str, settings: Settings) -> str:
    secret = settings.imap_password.get_secret_value() if settings.imap_password else ""
    return text.replace(secret, "***") if secret else text


@contextmanager
def _imap(settings: Settings) -> Iterator[BaseMailBox]:
    """A logged-in IMAP session; every failure becomes a MailboxError naming the server."""
    password = settings.imap_password.get_secret_value() if settings.imap_password else ""
    try:
        client = _client(settings)
    except (OSError, ValueError, ImapToolsError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"cannot connect to {_where(settings)}: {exc}") from None
    try:
        client.login(settings.imap_user or "", password, initial_folder=None)
        yield client
    except MailboxLoginError:
        raise MailboxError(
            f"{_where(settings)} refused the login of {settings.imap_user!r}"
        ) from None
    except (OSError, ImapToolsError, imaplib.IMAP4.error) as exc:
        reason = _scrubbed(str(exc), settings)
        raise MailboxError(f"{_where(settings)} failed: {reason}") from None
    finally:
        # a connection already gone has nothing left to close
        with suppress(OSError, ImapToolsError, imaplib.IMAP4.error):
            client.logout()


def _fetch_imap(client: BaseMailBox, settings: Settings, limit: int) -> list[RawMail]:
    """Read the oldest messages of `imap_folder` by UID, with BODY.PEEK: none is marked seen."""
    client.folder.set(settings.imap_folder)
    # a message flagged deleted by another client is on its way out
    uids = sorted(client.uids("UNDELETED"), key=int)[:limit]
    sizes = _sizes(client, uids)
    mails = []
    for uid in uids:
        oversized = sizes.get(uid, 0) > settings.inbound_max_bytes
        data = _fetch_part(client, uid, "HEADER" if oversized else "")
        if data is not None:
            mails.append(RawMail("imap", uid, data, oversized))
    return mails


def _sizes(client: BaseMailBox, uids: list[str]) -> dict[str, int]:
    """The size on the server of each message, asked before any is fetched."""
    if not uids:
        return {}
    status, data = client.client.uid("FETCH", ",".join(uids), "(UID RFC822.SIZE)")
    _check(status, data)
    sizes = {}
    for line in data:
        found = SIZE.search(line if isinstance(line, bytes) else b"")
        if found:
            uid, size = (found[1], found[2]) if found[1] else (found[4], found[3])
            sizes[uid.decode()] = int(size)
    return sizes


def _fetch_part(client: BaseMailBox, uid: str, section: str) -> bytes | None:
    """The exact bytes the server holds (imap-tools' parsed message re-encodes them)."""
    status, data = client.client.uid("FETCH", uid, f"(BODY.PEEK[{section}])")
    _check(status, data)
    for part in data:
        if isinstance(part, tuple):
            return bytes(part[1])
    return None  # expunged by another client meanwhile


def _check(status: str, data: list[object]) -> None:
    if status != "OK":
        raise imaplib.IMAP4.error(f"the server answered {status}: {data!r}")


def _move_imap(client: BaseMailBox, settings: Settings, uids: list[str]) -> None:
    """UID MOVE when offered; otherwise copy, flag deleted and expunge only those UIDs."""
    client.folder.set(settings.imap_folder)
    # quoted, modified UTF-7: what imap-tools sends for a folder name
    done = encode_folder(_done_folder(client, settings.imap_done_folder)).decode("ascii")
    if not uids:
        return
    imap, listed, offered = client.client, ",".join(uids), _capabilities(client)
    if "MOVE" in offered:
        _check(*imap.uid("MOVE", listed, done))
        return
    _check(*imap.uid("COPY", listed, done))
    _check(*imap.uid("STORE", listed, "+FLAGS.SILENT", r"(\Deleted)"))
    if "UIDPLUS" in offered:
        _check(*imap.uid("EXPUNGE", listed))
    else:
        _check(*imap.expunge())


def _capabilities(client: BaseMailBox) -> set[str]:
    """What the server offers once logged in (imaplib keeps only the list it got before)."""
    status, data = client.client.capability()
    _check(status, data)
    return {
        word.upper() for line in data if isinstance(line, bytes) for word in line.decode().split()
    }


def _done_folder(client: BaseMailBox, name: str) -> str:
    """The done folder in the server's own hierarchy separator, created when missing."""
    listed = client.folder.list("", "")
    delimiter = listed[0].delim if listed and listed[0].delim else "/"
    folder = name.replace("/", delimiter)
    if not client.folder.exists(folder):
        client.folder.create(folder)
    return folder


def _maildir(settings: Settings) -> mailbox.Maildir:
    return open_maildir(settings.resolved_inbound_maildir())


def open_maildir(path: Path) -> mailbox.Maildir:
    """The maildir at `path`, created with its parent folders if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)  # Maildir creates only its own folder
    return mailbox.Maildir(path, factory=None, create=True)


def _key_order(key: str) -> tuple[int, int, str]:
    """Delivery order from the key's leading seconds and microseconds (unknown keys last)."""
    found = KEY_TIME.match(key)
    if found is None:
        return (2**63, 0, key)
    return (int(found[1]), int(found[2] or 0), key)


def _fetch_maildir(settings: Settings, limit: int) -> list[RawMail]:
    """Read the oldest messages of the inbound maildir's `new` and `cur`."""
    box = _maildir(settings)
    mails = []
    for key in sorted(box.iterkeys(), key=_key_order)[:limit]:
        try:
            mails.append(_read_maildir(box, key, settings.inbound_max_bytes))
        except KeyError:
            continue  # moved by another reader meanwhile
    return mails


def _read_maildir(box: mailbox.Maildir, key: str, max_bytes: int) -> RawMail:
    """One message whole, or only its header when it is larger than `max_bytes`."""
    with box.get_file(key) as handle:
        handle.seek(0, io.SEEK_END)
        oversized = handle.tell() > max_bytes
        handle.seek(0)
        if not oversized:
            return RawMail("maildir", key, handle.read())
        return RawMail("maildir", key, _header_of(handle.read(HEADER_MAX_BYTES)), oversized=True)


def _header_of(data: bytes) -> bytes:
    """The header section of a message, up to the blank line that ends it."""
    ends = [at for at in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if at >= 0]
    end = min(ends) if ends else len(data)
    return data[: min(end, HEADER_MAX_BYTES)]


def _move_maildir(settings: Settings, keys: list[str]) -> None:
    """Copy each message into the `done` sub-maildir, then remove it from the waiting ones."""
    box = _maildir(settings)
    done = box.add_folder(DONE_MAILDIR)
    for key in keys:
        try:
            data = box.get_bytes(key)
        except KeyError:
            continue  # already moved
        done.add(data)
        box.remove(key)
