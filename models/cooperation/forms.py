"""The answer to one step of a cooperation request (acknowledged, decided, answered, refused),
its words and partial."""

from pathlib import Path
from typing import Literal, get_args

from pydantic import model_validator

from models.cooperation.tables import Direction, RequestStatus
from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm, LongText

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "cooperation"
WORDS: dict[str, str] = {
    # a request's statuses and directions
    RequestStatus.REGISTERED: N_("registered"),
    RequestStatus.ACKNOWLEDGED: N_("acknowledged"),
    RequestStatus.DECIDED: N_("decided"),
    RequestStatus.EXECUTED: N_("executed"),
    RequestStatus.REFUSED: N_("refused"),
    RequestStatus.WITHDRAWN: N_("withdrawn"),
    RequestStatus.CLOSED: N_("closed"),
    Direction.INCOMING: N_("incoming"),
    Direction.OUTGOING: N_("outgoing"),
    # the step's form
    "action": N_("Action"),
    "message": N_("Answer"),
    "acknowledge": N_("We acknowledge receipt"),
    "decide": N_("We decided on recognition and execution"),
    "answer": N_("We send our answer"),
    "refuse": N_("We refuse the request"),
}

Action = Literal["acknowledge", "decide", "answer", "refuse"]
ACTIONS: tuple[str, ...] = get_args(Action)


class CooperationAnswer(AnswerForm):
    kind: Literal["cooperation-request"] = "cooperation-request"
    action: Action
    message: LongText = ""

    @model_validator(mode="after")
    def _answer_has_text(self) -> "CooperationAnswer":
        if self.action == "answer" and not self.message:
            raise ValueError("message: " + N_("An answer needs its text."))
        if self.action == "refuse" and not self.message:
            raise ValueError("message: " + N_("A refusal needs its reason."))
        return self
