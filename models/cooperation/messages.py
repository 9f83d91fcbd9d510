"""What cooperation emails show: the request, the step under its legal clock, an extension."""

from datetime import datetime
from enum import StrEnum

from models.messaging.emails import MessageContext
from models.messaging.message_views import AssignmentView, View


class CooperationMessage(StrEnum):
    ACKNOWLEDGEMENT = "cooperation-acknowledgement"
    EXTENSION = "cooperation-extension"


class CooperationView(View):
    reference: str
    instrument: str
    direction: str
    partner: str
    received_at: datetime
    step: str = ""
    due_at: datetime
    rule: str


class CooperationAcknowledgement(MessageContext):
    kind = CooperationMessage.ACKNOWLEDGEMENT
    request: CooperationView
    assignment: AssignmentView


class CooperationExtension(MessageContext):
    """The notice to the partner that a term of its request is extended, and why."""

    kind = CooperationMessage.EXTENSION
    request: CooperationView
    authority: str
    reason: str
