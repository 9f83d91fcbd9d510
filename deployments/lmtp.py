"""An LMTP listener on loopback that stores each reply in the inbound maildir, then accepts it."""

import asyncio
import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP

from models.core.settings import Settings
from tasks.messaging.mailbox import open_maildir

LOG = logging.getLogger(__name__)


class _Lmtp(LMTP):
    """aiosmtpd's LMTP, answering a refused DATA once per recipient as RFC 2033 requires."""

    _recipients = 0

    async def smtp_DATA(self, arg: str) -> None:
        envelope = self.envelope
        self._recipients = len(envelope.rcpt_tos) if envelope is not None and not arg else 0
        try:
            await super().smtp_DATA(arg)
        finally:
            self._recipients = 0

    async def push(self, status: AnyStr) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        if self._recipients > 1 and text.startswith(("4", "5")) and "\n" not in text:
            text = "\r\n".join([text] * self._recipients)
        await super().push(text)


class _LmtpController(Controller):
    """aiosmtpd's threaded controller serving LMTP instead of SMTP."""

    def factory(self) -> _Lmtp:
        return _Lmtp(self.handler, **self.SMTP_kwargs)


class InboundHandler:
    """Accepts replies for the reply address (any of its plus-addresses) into a maildir."""

    def __init__(self, maildir: Path, reply_address: str | None) -> None:
        self.maildir = maildir
        self.reply_address = reply_address.lower() if reply_address else None

    def accepts(self, address: str) -> bool:
        """Whether an address is the reply address or one of its plus-addresses."""
        if self.reply_address is None:
            return True
        local, _, domain = address.lower().rpartition("@")
        wanted_local, _, wanted_domain = self.reply_address.rpartition("@")
        return domain == wanted_domain and local.split("+", 1)[0] == wanted_local

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not self.accepts(address):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipients: list[str] = envelope.rcpt_tos
        try:
            # off the event loop: a slow disk must not hold up the other sessions
            await asyncio.get_running_loop().run_in_executor(
                None, self.store, recipients, envelope.original_content
            )
        except OSError as exc:
            LOG.error("could not store an inbound message in %s: %s", self.maildir, exc)
            return "\r\n".join(f"451 4.3.0 <{to}> cannot store it now" for to in recipients)
        return "\r\n".join(f"250 2.0.0 <{to}> delivered" for to in recipients)

    def store(self, recipients: list[str], content: bytes) -> None:
        """Write the message (tmp, then renamed into new) and flush it to disk before any 250."""
        # the recipients keep the plus-address token even when the reply's To lost it
        stamp = b"".join(f"Delivered-To: {to}\r\n".encode() for to in recipients)
        open_maildir(self.maildir).add(stamp + content)
        descriptor = os.open(self.maildir / "new", os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class LmtpListener:
    """Concord's LMTP listener on 127.0.0.1, delivering into the inbound maildir."""

    def __init__(self, settings: Settings, port: int | None = None) -> None:
        chosen = port or settings.lmtp_port
        if chosen is None:
            raise ValueError("no LMTP port configured (CONCORD_LMTP_PORT)")
        self.port = chosen
        self.maildir = settings.resolved_inbound_maildir()
        self.handler = InboundHandler(
            self.maildir, str(settings.reply_address) if settings.reply_address else None
        )
        self.max_bytes = settings.inbound_max_bytes
        self._controller: _LmtpController | None = None

    def __enter__(self) -> "LmtpListener":
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Create the maildir and listen."""
        open_maildir(self.maildir)
        self._controller = _LmtpController(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            data_size_limit=self.max_bytes,
            ready_timeout=30,
        )
        self._controller.start()

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
