"""Reading the local mail catcher's folder, for the portal's mail page."""

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

NAME = re.compile(r"^[0-9T]+-[0-9a-f]{12}\.eml$")


@dataclass(frozen=True)
class CaughtMail:
    name: str
    subject: str
    to: str
    date: str
    kind: str
    language: str


def read_mail(path: Path) -> EmailMessage:
    """One stored message, parsed."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def list_mail(folder: Path, limit: int = 300) -> list[CaughtMail]:
    """The newest stored messages first."""
    if not folder.exists():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        message = read_mail(path)
        found.append(
            CaughtMail(
                path.name,
                str(message["Subject"] or ""),
                str(message["To"] or ""),
                str(message["Date"] or ""),
                str(message["X-Concord-Kind"] or ""),
                str(message["Content-Language"] or ""),
            )
        )
    return found


def find_mail(folder: Path, name: str) -> EmailMessage | None:
    """A stored message by file name, refusing anything that is not one of ours."""
    path = folder / name
    return read_mail(path) if NAME.match(name) and path.is_file() else None


def body_of(message: EmailMessage, subtype: str) -> str:
    """The plain or HTML body of a message, or ''."""
    part = message.get_body((subtype,))
    return str(part.get_content()) if part is not None else ""
