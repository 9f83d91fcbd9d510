"""The campaign report form: several activities per report, typed in or sent as a file."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.campaigns.rules import Channel, Form, TargetGroup
from models.core.text import UPPER
from models.lifecycle.forms import AnswerForm, LongText, ShortText

Count = Annotated[int, Field(ge=0, le=100_000_000)]
MAX_ACTIVITIES = 500


class ActivityRow(BaseModel):
    """One activity held: when, where, how, for whom, and how many it reached."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    held_on: date
    county: Annotated[str, UPPER, Field(pattern=r"^[A-Z]{1,2}$")]
    channel: Channel
    target_group: TargetGroup
    form: Form
    participants: Count = 0
    reach: Count = 0
    materials: Count = 0
    partner: ShortText = ""


class CampaignReportAnswer(AnswerForm):
    kind: Literal["campaign-report"] = "campaign-report"
    activities: list[ActivityRow] = Field(default_factory=list, max_length=MAX_ACTIVITIES)
    note: LongText = ""

    @model_validator(mode="after")
    def _something_reported(self) -> "CampaignReportAnswer":
        if not self.activities and not self.note:
            raise ValueError(
                "activities: add at least one activity, or say in the note why there was none"
            )
        return self
