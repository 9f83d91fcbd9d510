"""Cross-border cooperation requests as a duty: the step kind, its messages and lifecycle."""

from models.cooperation.forms import PARTIALS, WORDS, CooperationAnswer
from models.cooperation.intake import REQUEST_INTAKE
from models.cooperation.messages import CooperationMessage
from models.cooperation.panels import requests_panel
from models.cooperation.retention import forget_closed_requests
from models.cooperation.step_page import step_details
from models.cooperation.steps import KIND, take_answer
from models.cooperation.tables import REQUEST_LIFECYCLE, CooperationRequest, RequestClock
from models.lifecycle.duty import AssignmentKind, Duty

DUTY = Duty(
    name="cooperation",
    kinds=(
        AssignmentKind(
            KIND,
            CooperationAnswer,
            {"ro": "cerere de cooperare", "en": "cooperation request"},
            template="request-form.html",
            on_answer=take_answer,
            details=step_details,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    tables=(CooperationRequest, RequestClock),
    commands="deployments.cli_cooperation:requests_app",
    flows=("flows.cross_border_request",),
    message_kinds=tuple(CooperationMessage),
    lifecycles={"cooperation_request": REQUEST_LIFECYCLE},
    panels=requests_panel,
    intakes=(REQUEST_INTAKE,),
    retention=forget_closed_requests,
)
