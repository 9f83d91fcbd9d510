"""What cooperation emails show: the request under its legal clock."""

from datetime import datetime
from enum import StrEnum

from models.messaging.emails import MessageContext
from models.messaging.message_views import AssignmentView, View


class CooperationMessage(StrEnum):
    ACKNOWLEDGEMENT = "cooperation-acknowledgement"


class CooperationView(View):
    reference: str
    instrument: str
    direction: str
    partner: str
    received_at: datetime
    due_at: datetime
    rule: str


class CooperationAcknowledgement(MessageContext):
    kind = CooperationMessage.ACKNOWLEDGEMENT
    request: CooperationView
    assignment: AssignmentView
