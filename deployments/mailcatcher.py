"""A local mail catcher: an SMTP server on loopback that keeps every email under var/mail/."""

from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class MailboxHandler:
    """Stores each received message as <time>-<hash>.eml in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        (self.folder / f"{stamp}-{sha256(content).hexdigest()[:12]}.eml").write_bytes(content)
        return "250 2.0.0 kept in the local mailbox"


def start_mail_catcher(folder: Path, port: int) -> Controller:
    """Start the catcher on 127.0.0.1:`port` in a background thread."""
    controller = Controller(MailboxHandler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller
