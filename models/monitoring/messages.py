"""The monitoring round's emails: the round announced, and its report ready."""

from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict

from models.messaging.compose import Addressee, FileAttachment
from models.messaging.emails import MessageContext, Post
from models.messaging.message_views import DigestGroup
from models.monitoring.report import RoundReport
from models.monitoring.report_mail import ListedFile


class MonitoringMessage(StrEnum):
    ROUND_OPENED = "round-opened"
    ROUND_REPORT = "round-report"


class RoundOpened(MessageContext):
    kind = MonitoringMessage.ROUND_OPENED
    period: str
    strategy: str
    due_at: datetime
    lock_at: datetime
    groups: list[DigestGroup]
    total: int


class RoundReportReady(MessageContext):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind = MonitoringMessage.ROUND_REPORT
    report: RoundReport
    files: list[ListedFile]


def rounds_opened(post: Post, letters: list[tuple[str, Addressee, RoundOpened]]) -> list[str]:
    """Each institution told every report it owes in a new round (queued in one insert)."""
    return post.queue_many(list(letters))


def round_report_ready(
    post: Post,
    key: str,
    to: Addressee,
    report: RoundReport,
    files: tuple[tuple[FileAttachment, ...], list[ListedFile]],
) -> list[str]:
    """The coordinator gets a locked round's report: PDF, workbook and CSV tables, each listed."""
    attached, listed = files
    context = RoundReportReady(report=report, files=listed)
    return post.queue(key, to, context, files=attached)
