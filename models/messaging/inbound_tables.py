"""What arrives in Concord's mailbox: replies, automatic replies and bounces, once each."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from models.core.types import UTCDateTime


class InboundOutcome(StrEnum):
    WAITING = "waiting"  # a reply kept with its assignment, to be turned into an answer
    TAKEN = "taken"  # its assignment has since been answered
    UNMATCHED = "unmatched"  # tied to an institution at most, never to an assignment
    AUTO_REPLY = "auto-reply"  # recorded, never taken as an answer, never answered
    REFUSED = "refused"  # personal data: nothing of it kept but this row
    FORGED = "forged"  # a reply address whose signature does not hold
    BOUNCE_HARD = "bounce-hard"
    BOUNCE_SOFT = "bounce-soft"
    TOO_LARGE = "too-large"
    MALFORMED = "malformed"


class MatchedBy(StrEnum):
    TOKEN = "token"  # the signed reply address
    THREAD = "thread"  # In-Reply-To or References naming an email Concord sent


class InboundMessage(SQLModel, table=True):
    """One message read from the mailbox, keyed on its Message-ID so it is taken once."""

    __tablename__ = "inbound_message"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=300, unique=True)
    received_at: datetime = Field(sa_type=UTCDateTime)
    source: str = Field(max_length=8)
    sender: str = Field(max_length=254, description="whole address only when matched")
    subject: str = Field(default="", max_length=300)
    kind: str = Field(max_length=16)
    outcome: str = Field(max_length=16, index=True)
    matched_by: str | None = Field(default=None, max_length=8)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    institution_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    outbox_key: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, sa_type=Text)
    note: str | None = Field(default=None, max_length=300)
    reply_key: str | None = Field(default=None, max_length=200)


class InboundFile(SQLModel, table=True):
    """A file that came with a reply, kept by content hash beside the answers' files."""

    __tablename__ = "inbound_file"

    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inbound_message.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
