"""The tracker's emails: the owners' follow-up digest, and the coordinator's flags."""

from datetime import datetime
from enum import StrEnum

from models.messaging.emails import MessageContext
from models.messaging.message_views import AssignmentView, View


class RecommendationMessage(StrEnum):
    FOLLOW_UP = "recommendation-follow-up"
    FLAGS = "recommendation-flags"


class FollowUpDigest(MessageContext):
    """One institution asked, in one email, about every recommendation it owns."""

    kind = RecommendationMessage.FOLLOW_UP
    period: str
    due_at: datetime
    items: list[AssignmentView]
    total: int


class FlagLine(View):
    code: str
    summary: str
    body: str
    lead: str
    open_months: int


class RecommendationFlags(MessageContext):
    """What the coordinator should look at: recommendations no measure answers, or long open."""

    kind = RecommendationMessage.FLAGS
    period: str
    unlinked: list[FlagLine]
    long_open: list[FlagLine]
