"""The toy duty's answer form, its words and its partial."""

from pathlib import Path
from typing import Literal

from pydantic import Field

from models.core.i18n import N_
from models.lifecycle.forms import AnswerForm

PARTIALS = Path(__file__).parent / "templates"
WORDS = {
    "state": N_("State of the stock"),
    "boxes": N_("Boxes left"),
    "plenty": N_("Plenty left"),
    "running-low": N_("Running low"),
}


class LeafletAnswer(AnswerForm):
    kind: Literal["leaflet-count"] = "leaflet-count"
    state: Literal["plenty", "running-low"]
    boxes: int = Field(ge=0, le=10_000)
