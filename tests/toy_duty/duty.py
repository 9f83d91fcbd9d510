"""The toy duty: each institution counts its stock of leaflets before a campaign."""

from pathlib import Path

from models.lifecycle.duty import AssignmentKind, Duty
from tests.toy_duty.forms import PARTIALS, WORDS, LeafletAnswer
from tests.toy_duty.panels import leaflet_panel
from tests.toy_duty.rules import keep_count
from tests.toy_duty.tables import LeafletCount

KIND = "leaflet-count"
POLICY = {
    "unit": "working-days",
    "remind_before": [2],
    "overdue_after": 1,
    "escalate_head_after": 2,
    "escalate_coordinator_after": 4,
    "repeat_every": 0,
}
DUTY = Duty(
    name="leaflets",
    kinds=(
        AssignmentKind(
            KIND,
            LeafletAnswer,
            {"ro": "numărătoare de pliante", "en": "leaflet count"},
            template="leaflet-form.html",
            policy=POLICY,
            on_answer=keep_count,
        ),
    ),
    tables=(LeafletCount,),
    words=WORDS,
    templates=PARTIALS,
    commands="tests.toy_duty.cli:leaflets_app",
    panels=leaflet_panel,
    migrations=Path(__file__).parent / "migrations",
)
