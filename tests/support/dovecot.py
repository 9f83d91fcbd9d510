"""A private Dovecot IMAP server on loopback for tests, with all its state in a temporary folder."""

import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pytest
from imap_tools import BaseMailBox, MailBoxUnencrypted

from models.core.settings import get_settings
from tests.support.servers import free_port

USER = "concord"
START_TIMEOUT_SECONDS = 30.0

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
auth_failure_delay = 0
disable_plaintext_auth = no
auth_mechanisms = plain login
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
namespace inbox {{
  inbox = yes
  separator = {separator}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service auth-worker {{
  user = $default_internal_user
}}
"""
# chroot needs root; without it these services work the same for a test
UNCHROOTED = ("anvil", "ipc", "aggregator", "old-stats", "imap-urlauth-login")
CONFIG += "".join(f"service {name} {{{{\n  chroot =\n}}}}\n" for name in UNCHROOTED)


@dataclass(frozen=True)
class Accounts:
    """Who Dovecot's processes and the mail user run as."""

    internal_user: str
    internal_group: str
    login_user: str
    uid: int
    gid: int


def accounts() -> Accounts:
    """As root, the users Debian's package creates; otherwise the current user for everything."""
    if os.geteuid() == 0:
        dovecot = pwd.getpwnam("dovecot")
        return Accounts("dovecot", "dovecot", "dovenull", dovecot.pw_uid, dovecot.pw_gid)
    me = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(os.getegid()).gr_name
    return Accounts(me.pw_name, group, me.pw_name, me.pw_uid, os.getegid())


@dataclass
class ImapServer:
    """A Dovecot run in the foreground as a child process, with one user `concord`."""

    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    capabilities: str | None = None  # what it offers once logged in, instead of all it can
    separator: str = "/"  # between a folder and its subfolders
    root: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "ImapServer":
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def log(self) -> str:
        """What Dovecot logged so far."""
        if self.root is None or not (self.root / "dovecot.log").exists():
            return ""
        return (self.root / "dovecot.log").read_text(errors="replace")

    def _write_config(self) -> Path:
        # a folder of its own, not pytest's: as root the mail user must reach it
        self.root = root = Path(tempfile.mkdtemp(prefix="concord-dovecot-"))
        who = accounts()
        for name in ("run", "state", "mail", "home"):
            (root / name).mkdir()
        (root / "passwd").write_text(
            f"{USER}:{{PLAIN}}{self.password}:{who.uid}:{who.gid}::{root}/home::\n"
        )
        config = root / "dovecot.conf"
        text = CONFIG.format(root=root, port=self.port, separator=self.separator, **who.__dict__)
        if self.capabilities is not None:
            text += f"imap_capability = {self.capabilities}\n"
        config.write_text(text)
        for path in (root, root / "mail", root / "home"):
            os.chown(path, who.uid, who.gid)
        return config

    def start(self) -> None:
        """Start Dovecot and wait until it greets on its port."""
        dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(dovecot).exists():
            raise RuntimeError("dovecot is not installed: run scripts/dovecot.sh")
        config = self._write_config()
        self.process = subprocess.Popen(
            [dovecot, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._wait_until_ready()

    def _greets(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as probe:
                return probe.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self._greets():
                return
            time.sleep(0.05)
        stderr = b""
        if self.process.poll() is not None and self.process.stderr is not None:
            stderr = self.process.stderr.read()
        self.stop()
        raise RuntimeError(
            f"Dovecot did not answer on 127.0.0.1:{self.port} within {START_TIMEOUT_SECONDS:.0f}s"
            f"\n{stderr.decode(errors='replace')}\n{self.log}"
        )

    def stop(self) -> None:
        """Stop Dovecot and its processes, and remove its folder."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def connect(self) -> BaseMailBox:
        """A logged-in client, no folder selected."""
        return MailBoxUnencrypted("127.0.0.1", self.port, timeout=10).login(
            USER, self.password, initial_folder=None
        )

    def deliver(self, raw: bytes, folder: str = "INBOX", flags: tuple[str, ...] = ()) -> None:
        """Append a message, as the server got it, to a folder (created when missing)."""
        with self.connect() as client:
            if not client.folder.exists(folder):
                client.folder.create(folder)
            client.append(raw, folder, flag_set=flags)

    def wait_for_log(self, text: str, timeout: float = 10.0) -> None:
        """Wait until Dovecot's log holds `text` (its log process writes a moment later)."""
        deadline = time.monotonic() + timeout
        while text not in self.log:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} is not in Dovecot's log:\n{self.log}")
            time.sleep(0.05)

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """The exact bytes of each message in a folder, in the order they arrived."""
        with self.connect() as client:
            client.folder.set(folder, readonly=True)
            replies = []
            for uid in client.uids():
                status, data = client.client.uid("FETCH", uid, "(BODY.PEEK[])")
                assert status == "OK", data
                replies.append(next(part[1] for part in data if isinstance(part, tuple)))
            return replies

    def folders(self) -> list[str]:
        """The names of every folder."""
        with self.connect() as client:
            return [info.name for info in client.folder.list()]


def read_from(server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the settings at a running server: Concord's mailbox is its user's."""
    monkeypatch.setenv("CONCORD_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("CONCORD_IMAP_PORT", str(server.port))
    monkeypatch.setenv("CONCORD_IMAP_USER", USER)
    monkeypatch.setenv("CONCORD_IMAP_PASSWORD", server.password)
    monkeypatch.setenv("CONCORD_IMAP_SECURITY", "none")
    get_settings.cache_clear()


@pytest.fixture
def imap_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImapServer]:
    """A real Dovecot on loopback; the settings read Concord's mailbox from it."""
    with ImapServer() as server:
        read_from(server, monkeypatch)
        yield server
    get_settings.cache_clear()
