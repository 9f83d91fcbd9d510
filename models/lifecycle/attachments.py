"""Files institutions attach to an answer, kept by content hash."""

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes


@dataclass(frozen=True)
class StoredAttachment:
    name: str
    sha256: str
    size: int


def described(attachment: Attachment) -> StoredAttachment:
    """What the answer records of a file: its name, content hash and size."""
    digest = hashlib.sha256(attachment.content).hexdigest()
    return StoredAttachment(attachment.name, digest, len(attachment.content))


def store_attachment(attachment: Attachment, folder: Path) -> StoredAttachment:
    """Keep the file under `folder` by content hash (stored once however often it comes)."""
    stored = described(attachment)
    target = folder / stored.sha256[:2] / stored.sha256
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(attachment.content)
    return stored


def safe_file_name(name: str) -> str:
    """A file name without folders or control characters, at most 200 characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    return cleaned[:200] or "attachment"
