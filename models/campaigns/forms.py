"""The campaign report form (several activities per report, typed in or sent as a file), its
words and partial."""

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.campaigns.rules import WORDS as RULE_WORDS
from models.campaigns.rules import Channel, Form, TargetGroup
from models.campaigns.tables import CampaignStatus
from models.core.i18n import N_
from models.core.text import UPPER
from models.lifecycle.forms import AnswerForm, LongText, ShortText

PARTIALS = Path(__file__).resolve().parents[2] / "templates" / "campaigns"
WORDS: dict[str, str] = {
    # a campaign's statuses, as its report names them
    **{status: RULE_WORDS[status] for status in CampaignStatus},
    # the report form and the columns of its activities
    "activities": N_("Activities"),
    "note": N_("Note"),
    "held_on": N_("Date"),
    "county": N_("County"),
    "channel": N_("Channel"),
    "target_group": N_("Target group"),
    "form": N_("Form of exploitation"),
    "participants": N_("Participants"),
    "reach": N_("People reached"),
    "materials": N_("Materials distributed"),
    "partner": N_("Partner"),
    # the choices of a row, by column ("online" is both a channel and a form)
    "channel:direct-meetings": N_("direct meetings"),
    "channel:campaign-materials": N_("campaign materials"),
    "channel:theatre": N_("theatre"),
    "channel:film": N_("film"),
    "channel:audiovisual": N_("radio and television"),
    "channel:print-media": N_("print media"),
    "channel:online": N_("online and social networks"),
    "target_group:vulnerable-groups": N_("vulnerable groups"),
    "target_group:general-public": N_("general public"),
    "target_group:professionals": N_("professionals in contact with victims"),
    "target_group:pupils": N_("pupils"),
    "target_group:parents-teachers": N_("parents and teachers"),
    "target_group:workers-abroad": N_("people leaving to work abroad"),
    "form:sexual": N_("sexual exploitation"),
    "form:labour": N_("labour exploitation"),
    "form:begging": N_("forced begging"),
    "form:online": N_("online recruitment"),
    "form:demand": N_("demand for services of victims"),
}

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
