"""Checking a report's activities against its campaign, and keeping the current ones."""

from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from models.campaigns.forms import ActivityRow, CampaignReportAnswer
from models.campaigns.rules import (
    IN_PERSON,
    MAX_MATERIALS,
    MAX_REACH,
    WORDS,
    month_label,
    report_month,
)
from models.campaigns.tables import Campaign, CampaignActivity, CampaignParticipant
from models.core.i18n import N_
from models.core.settings import get_settings
from models.lifecycle.answers import AnswerInvalid, Problem
from models.lifecycle.forms import AnswerForm
from models.lifecycle.tables import Answer, Assignment
from models.reference.counties import load_counties
from models.reference.institutions import Institution

OUTSIDE = N_("%(date)s is outside the campaign, which runs from %(start)s to %(end)s.")
OTHER_MONTH = N_(
    "%(date)s is not in %(month)s, the month this report covers; report it in that month's report."
)
FUTURE = N_("%(date)s has not come yet; report activities once they are held.")
NOT_REGION = N_("%(county)s is not one of your counties in this campaign (%(allowed)s).")
NOT_PLANNED = N_("The campaign does not plan %(value)s; it plans: %(planned)s.")
NOTHING = N_("Give the participants, the people reached or the materials distributed.")
TOO_MANY = N_("%(value)s is more than one activity of this kind can reach (at most %(most)s).")
MORE_THAN_REACH = N_("More participants (%(value)s) than people reached (%(reach)s).")


def day_text(day: date) -> str:
    """'12.03.2027', as both languages write a date in a table."""
    return day.strftime("%d.%m.%Y")


def region_counties(session: Session, campaign: Campaign, institution_id: int) -> list[str]:
    """The campaign's counties an institution may report on: its region's, or all for a partner."""
    participant = session.exec(
        select(CampaignParticipant).where(
            CampaignParticipant.campaign_id == campaign.id,
            CampaignParticipant.institution_id == institution_id,
        )
    ).first()
    if participant is None or participant.role != "centre":
        return list(campaign.counties)
    institution = session.get(Institution, institution_id)
    centre = institution.code if institution else ""
    region = {c.code for c in load_counties().values() if c.centre == centre}
    return [code for code in campaign.counties if code in region]


def _planned(row: ActivityRow, campaign: Campaign) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    for field, value, planned in (
        ("channel", row.channel, campaign.channels),
        ("target_group", row.target_group, campaign.target_groups),
        ("form", row.form, campaign.forms),
    ):
        if value not in planned:
            words = [WORDS[code] for code in planned if code in WORDS]
            problems[field] = (NOT_PLANNED, {"value": WORDS[value], "planned": words})
    return problems


def _figures(row: ActivityRow) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    if not (row.participants or row.reach or row.materials):
        problems["reach"] = (NOTHING, {})
    most = MAX_REACH[row.channel]
    if max(row.reach, row.participants) > most:
        problems["reach"] = (TOO_MANY, {"value": max(row.reach, row.participants), "most": most})
    if row.reach and row.participants > row.reach:
        problems["participants"] = (
            MORE_THAN_REACH,
            {"value": row.participants, "reach": row.reach},
        )
    if row.materials > MAX_MATERIALS:
        problems["materials"] = (TOO_MANY, {"value": row.materials, "most": MAX_MATERIALS})
    return problems


def row_problems(
    row: ActivityRow,
    campaign: Campaign,
    counties: list[str],
    today: date,
    month: str | None = None,
) -> dict[str, Problem]:
    """What is wrong with one activity in its campaign and in the report's month, by field."""
    problems = _planned(row, campaign) | _figures(row)
    span = {"date": day_text(row.held_on)}
    if not campaign.starts_on <= row.held_on <= campaign.ends_on:
        problems["held_on"] = (
            OUTSIDE,
            span | {"start": day_text(campaign.starts_on), "end": day_text(campaign.ends_on)},
        )
    elif month is not None and month_label(row.held_on) != month:
        problems["held_on"] = (OTHER_MONTH, span | {"month": month})
    elif row.held_on > today:
        problems["held_on"] = (FUTURE, span)
    if row.county not in counties:
        problems["county"] = (NOT_REGION, {"county": row.county, "allowed": ", ".join(counties)})
    return problems


def _counted(row: ActivityRow) -> int:
    """People reached: for a meeting, a play or a screening, everyone in the room."""
    return row.reach or (row.participants if row.channel in IN_PERSON else 0)


def record_activities(
    session: Session, assignment: Assignment, form: AnswerForm, answer: Answer
) -> None:
    """Check every activity against the campaign, then make them the report's current ones."""
    assert isinstance(form, CampaignReportAnswer) and assignment.id is not None
    campaign = session.exec(select(Campaign).where(Campaign.code == assignment.subject_ref)).one()
    counties = region_counties(session, campaign, assignment.institution_id)
    today = answer.submitted_at.astimezone(get_settings().zone).date()
    month = report_month(assignment.key)
    problems = {
        f"activities.{index}.{field}": problem
        for index, row in enumerate(form.activities)
        for field, problem in row_problems(row, campaign, counties, today, month).items()
    }
    if problems:
        raise AnswerInvalid(problems)
    session.execute(
        delete(CampaignActivity).where(col(CampaignActivity.assignment_id) == assignment.id)
    )
    for index, row in enumerate(form.activities, start=1):
        values = row.model_dump(exclude={"reach", "partner"})
        session.add(
            CampaignActivity(
                **values,
                campaign_id=campaign.id or 0,
                institution_id=assignment.institution_id,
                assignment_id=assignment.id,
                answer_id=answer.id or 0,
                row=index,
                reach=_counted(row),
                partner=row.partner or None,
            )
        )
