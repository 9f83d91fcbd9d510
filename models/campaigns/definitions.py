"""A campaign as planned (reference data): validated, then saved once before it is launched."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from sqlalchemy import delete
from sqlmodel import Session, col, select

from models.campaigns.rules import Channel, Form, Indicator, TargetGroup
from models.campaigns.tables import Campaign, CampaignMeasure, CampaignParticipant, CampaignStatus
from models.core.db import insert_once
from models.core.text import Code
from models.reference.counties import CountyError, county_of, regional_centre
from models.reference.document import (
    ReferenceDataError,
    Strict,
    read_yaml,
    validation_problems,
)
from models.reference.institutions import Institution
from models.reference.strategy import Measure, Strategy

CAMPAIGNS_FILE = Path(__file__).resolve().parents[2] / "data" / "campaigns.yaml"
Title = Annotated[str, Field(min_length=3, max_length=300)]
MAX_DAYS = 3 * 366


class CampaignError(ValueError):
    """A campaign that cannot be saved or launched; the message starts with the field."""


class CampaignDefinition(Strict):
    code: Code
    title_ro: Title
    title_en: Title
    forms: list[Form] = Field(min_length=1)
    target_groups: list[TargetGroup] = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)
    counties: list[str] = Field(min_length=1, max_length=42)
    starts_on: date
    ends_on: date
    lead: Code
    partners: list[Code] = Field(default_factory=list, max_length=50)
    measures: list[str] = Field(default_factory=list, max_length=20)
    targets: dict[Indicator, Annotated[int, Field(gt=0, le=100_000_000)]] = Field(min_length=1)
    sample: bool = False

    @field_validator("counties")
    @classmethod
    def _known_counties(cls, counties: list[str]) -> list[str]:
        codes = [code.strip().upper() for code in counties]
        for code in codes:
            county_of(code)  # CountyError names the code
        if len(set(codes)) != len(codes):
            raise ValueError("a county is listed twice")
        return codes

    @model_validator(mode="after")
    def _sensible_period(self) -> "CampaignDefinition":
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on: the campaign ends before it starts")
        if (self.ends_on - self.starts_on).days > MAX_DAYS:
            raise ValueError("ends_on: a campaign runs at most three years")
        return self

    def centres(self) -> list[str]:
        """The regional centres whose regions hold the campaign's counties."""
        return sorted({regional_centre(code) for code in self.counties})


def read_definitions(path: Path = CAMPAIGNS_FILE) -> dict[str, CampaignDefinition]:
    """The campaigns planned in a YAML file, by code; ReferenceDataError lists every problem."""
    raw = read_yaml(path.read_text(encoding="utf-8"))
    items = raw.get("campaigns") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ReferenceDataError(["(document): expected a mapping with a 'campaigns' list"])
    found: dict[str, CampaignDefinition] = {}
    problems: list[str] = []
    for index, item in enumerate(items):
        try:
            definition = CampaignDefinition.model_validate(item)
        except ValidationError as exc:
            problems += [f"campaigns[{index}].{p}" for p in validation_problems(exc)]
            continue
        except CountyError as exc:
            problems.append(f"campaigns[{index}].{exc}")
            continue
        if definition.code in found:
            problems.append(f"campaigns[{index}].code: {definition.code!r} is used twice")
        found[definition.code] = definition
    if problems:
        raise ReferenceDataError(problems)
    return found


def _institution_ids(session: Session, codes: list[str], field: str) -> dict[str, int]:
    rows = session.exec(
        select(Institution.code, Institution.id).where(col(Institution.code).in_(codes))
    )
    ids = {code: id_ for code, id_ in rows if id_ is not None}
    missing = [code for code in codes if code not in ids]
    if missing:
        raise CampaignError(f"{field}: no institution with the code {', '.join(missing)}")
    return ids


def _measure_ids(session: Session, references: list[str]) -> list[int]:
    """The ids of measures named 'STRATEGY/CODE'."""
    ids = []
    for reference in references:
        strategy, _, code = reference.partition("/")
        found = session.exec(
            select(Measure.id)
            .join(Strategy, col(Strategy.id) == col(Measure.strategy_id))
            .where(Strategy.code == strategy, Measure.code == code)
        ).first()
        if found is None:
            raise CampaignError(f"measures: no measure {reference!r} (write STRATEGY/CODE)")
        ids.append(found)
    return ids


def _same_plan(campaign: Campaign, definition: CampaignDefinition) -> bool:
    stored = {
        "title_ro": campaign.title_ro,
        "counties": campaign.counties,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "targets": campaign.targets,
    }
    planned = {
        "title_ro": definition.title_ro,
        "counties": definition.counties,
        "starts_on": definition.starts_on,
        "ends_on": definition.ends_on,
        "targets": json.loads(json.dumps(definition.targets)),
    }
    return stored == planned


def _forget_plan(session: Session, campaign: Campaign) -> None:
    """Remove a campaign not yet launched, to store its new plan.

    Plain DELETEs in this order: with no relationships declared, the ORM's unit of work may
    delete the campaign before the rows that point to it.
    """
    for model in (CampaignParticipant, CampaignMeasure):
        session.execute(delete(model).where(col(model.campaign_id) == campaign.id))
    session.execute(delete(Campaign).where(col(Campaign.id) == campaign.id))
    session.expunge(campaign)


def _stored(session: Session, code: str) -> Campaign | None:
    """The campaign stored under `code`, if any."""
    return session.exec(select(Campaign).where(Campaign.code == code)).first()


def _kept_or_forgotten(session: Session, definition: CampaignDefinition) -> Campaign | None:
    """The stored campaign when launched with this plan; a planned one is removed to be redone."""
    existing = _stored(session, definition.code)
    if existing is None:
        return None
    if existing.status != CampaignStatus.PLANNED and not _same_plan(existing, definition):
        raise CampaignError(
            f"code: campaign {definition.code} is {existing.status}; its plan cannot change"
        )
    if existing.status != CampaignStatus.PLANNED:
        return existing
    _forget_plan(session, existing)
    return None


def _new_campaign(definition: CampaignDefinition, lead_id: int, now: datetime) -> Campaign:
    """The campaign row of a plan, not yet added to a session."""
    return Campaign(
        code=definition.code,
        title_ro=definition.title_ro,
        title_en=definition.title_en,
        forms=[str(f) for f in definition.forms],
        target_groups=[str(g) for g in definition.target_groups],
        channels=[str(c) for c in definition.channels],
        counties=definition.counties,
        starts_on=definition.starts_on,
        ends_on=definition.ends_on,
        lead_institution_id=lead_id,
        targets={str(k): v for k, v in definition.targets.items()},
        sample=definition.sample,
        created_at=now,
        updated_at=now,
    )


def _add_participants_and_measures(
    session: Session, campaign_id: int, definition: CampaignDefinition, ids: dict[str, int]
) -> None:
    """Add the campaign's regional centres and partners, and the measures it serves."""
    centres = definition.centres()
    roles = {code: "centre" for code in centres} | {code: "partner" for code in definition.partners}
    for code, role in roles.items():
        session.add(
            CampaignParticipant(campaign_id=campaign_id, institution_id=ids[code], role=role)
        )
    for measure_id in _measure_ids(session, definition.measures):
        session.add(CampaignMeasure(campaign_id=campaign_id, measure_id=measure_id))


def save_campaign(session: Session, definition: CampaignDefinition, now: datetime) -> Campaign:
    """The campaign as planned, stored once; a launched campaign's plan can no longer change."""
    launched = _kept_or_forgotten(session, definition)
    if launched is not None:
        return launched
    ids = _institution_ids(session, [definition.lead], "lead")
    ids |= _institution_ids(session, definition.centres(), "counties (regional centres)")
    ids |= _institution_ids(session, definition.partners, "partners")
    campaign = _new_campaign(definition, ids[definition.lead], now)
    campaign, created = insert_once(session, campaign, lambda: _stored(session, definition.code))
    if not created:  # another run stored this plan a moment ago
        return campaign
    assert campaign.id is not None
    _add_participants_and_measures(session, campaign.id, definition, ids)
    return campaign
