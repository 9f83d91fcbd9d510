"""Cross-border cooperation requests as a duty: the request kind and its messages."""

from models.cooperation.forms import CooperationAnswer
from models.cooperation.messages import CooperationMessage
from models.lifecycle.duty import AssignmentKind, Duty

DUTY = Duty(
    name="cooperation",
    kinds=(
        AssignmentKind(
            "cooperation-request",
            CooperationAnswer,
            {"ro": "cerere de cooperare", "en": "cooperation request"},
        ),
    ),
    message_kinds=tuple(CooperationMessage),
)
