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


def store_attachment(attachment: Attachment, folder: Path) -> StoredAttachment:
    """Keep the file under `folder` by content hash (stored once however often it comes)."""
    digest = hashlib.sha256(attachment.content).hexdigest()
    target = folder / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(attachment.content)
    return StoredAttachment(attachment.name, digest, len(attachment.content))


def safe_file_name(name: str) -> str:
    """A file name without folders or control characters, at most 200 characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    return cleaned[:200] or "attachment"
