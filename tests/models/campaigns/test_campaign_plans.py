"""A campaign's plan saved by two runs at once is stored once, and neither run fails."""

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.campaigns.definitions import read_definitions, save_campaign
from models.campaigns.tables import Campaign, CampaignParticipant
from models.core.db import write_session
from models.reference.document import parse_reference_document
from models.reference.loader import load_reference
from tests.support.concurrency import released_together

ROMANIA = Path(__file__).resolve().parents[3] / "data" / "romania.yaml"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_plan_saved_twice_at_once_is_stored_once(session: Session, engine: Engine) -> None:
    doc = parse_reference_document(ROMANIA.read_text(encoding="utf-8"))
    load_reference(session=session, doc=doc, source="t", now=NOW)
    session.commit()
    [definition, *_] = read_definitions().values()

    def save_in_a_session_of_its_own(round_: int) -> int:
        with write_session(engine) as own:
            plan = definition.model_copy(update={"code": f"{definition.code}-{round_}"})
            campaign = save_campaign(own, plan, NOW)
            own.commit()
            return campaign.id or 0

    for round_ in range(8):
        results = released_together(partial(save_in_a_session_of_its_own, round_))
        assert all(isinstance(result, int) for result in results), results
    assert session.exec(select(func.count()).select_from(Campaign)).one() == 8
    participants = session.exec(select(func.count()).select_from(CampaignParticipant)).one()
    assert participants == 8 * (len(definition.centres()) + len(definition.partners))
