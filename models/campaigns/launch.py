"""Launching a campaign and opening each month's reports for its centres and partners."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.campaigns.definitions import CampaignError
from models.campaigns.rules import (
    REPORT_KIND,
    report_due,
    report_key,
    report_locks,
    report_month,
    reporting_months,
)
from models.campaigns.tables import Campaign, CampaignParticipant, CampaignStatus
from models.core.i18n import N_, month_name, translate
from models.lifecycle.assignments import new_assignment
from models.lifecycle.desk import Desk, move_case
from models.lifecycle.tables import Assignment
from models.messaging.compose import addressee_or_coordinator, linked_view
from models.messaging.emails import AssignmentCreated, Post
from models.reference.institutions import Institution


@dataclass
class Opened:
    """What one pass over a campaign did: the reports it opened and the emails it queued."""

    campaign: str
    status: str
    opened: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # months begun before a late launch


def find_campaign(session: Session, code: str) -> Campaign:
    """The campaign with this code; CampaignError when there is none."""
    found = session.exec(select(Campaign).where(Campaign.code == code.strip().upper())).first()
    if found is None:
        raise CampaignError(f"campaign: no campaign {code!r}; plan it in data/campaigns.yaml")
    return found


def report_title(campaign: Campaign, month: str, language: str) -> str:
    """'Raport lunar de campanie martie 2027: Muncește în siguranță', in the reader's language."""
    text = translate(language, N_("Monthly campaign report %(month)s: %(title)s"))
    return (text % {"month": month_name(month, language), "title": campaign.title(language)})[:500]


def open_months(desk: Desk, campaign: Campaign) -> list[str]:
    """The campaign's months that have begun by now (every month, once it has ended)."""
    today = desk.calendar.local_date(desk.now)
    return [
        m
        for m in reporting_months(campaign.starts_on, campaign.ends_on)
        if f"{m}-01" <= today.isoformat()
    ]


def first_requested(session: Session, campaign: Campaign) -> str | None:
    """The earliest month whose reports were requested, or None before the launch."""
    prefix = report_key(campaign.code, "", "").removesuffix(":")
    query = select(func.min(Assignment.key)).where(col(Assignment.key).startswith(prefix))
    key = session.exec(query).one()
    return report_month(key) if key else None


def skipped_months(desk: Desk, campaign: Campaign) -> list[str]:
    """The months begun before the campaign was launched, never asked of anyone.

    A late launch asks only for the current month's reports: asking at once for months
    already past due would only make every institution late.
    """
    begun = open_months(desk, campaign)
    first = first_requested(desk.session, campaign)
    if first is None:
        first = begun[-1] if begun else None
    return [m for m in begun if first is not None and m < first]


def _open_report(
    desk: Desk, campaign: Campaign, month: str, institution: Institution
) -> Assignment | None:
    """The institution's report for the month, when it is new."""
    key = report_key(campaign.code, month, institution.code)
    if desk.session.exec(select(Assignment.id).where(Assignment.key == key)).first() is not None:
        return None
    assignment = new_assignment(
        key=key,
        kind=REPORT_KIND,
        institution_id=institution.id or 0,
        subject_type="campaign",
        subject_ref=campaign.code,
        title=report_title(campaign, month, institution.language),
        due_at=report_due(month, desk.calendar),
        calendar=desk.calendar,
        now=desk.now,
    )
    assignment.locked_at = report_locks(month, desk.calendar)
    desk.session.add(assignment)
    desk.session.flush()
    return assignment


def _announce(desk: Desk, assignment: Assignment) -> list[str]:
    to = addressee_or_coordinator(
        session=desk.session,
        institution_id=assignment.institution_id,
        roles=("focal-point", "deputy"),
        settings=desk.settings,
    )
    context = AssignmentCreated(
        assignment=linked_view(assignment, settings=desk.settings, now=desk.now)
    )
    return Post(desk.session, desk.settings, desk.now).queue(
        f"{assignment.key}:opened", to, context
    )


def participants(desk: Desk, campaign: Campaign) -> list[Institution]:
    """The institutions that report on the campaign, by code."""
    query = (
        select(Institution)
        .join(CampaignParticipant, col(CampaignParticipant.institution_id) == col(Institution.id))
        .where(CampaignParticipant.campaign_id == campaign.id)
        .order_by(Institution.code)
    )
    return list(desk.session.exec(query).all())


def open_reports(desk: Desk, campaign: Campaign) -> Opened:
    """Open, and announce, every report due so far that is not open yet."""
    done = Opened(campaign.code, campaign.status)
    if campaign.status != CampaignStatus.RUNNING:
        return done
    done.skipped = skipped_months(desk, campaign)
    for month in open_months(desk, campaign)[len(done.skipped) :]:
        for institution in participants(desk, campaign):
            assignment = _open_report(desk, campaign, month, institution)
            if assignment is not None:
                done.opened.append(assignment.key)
                done.queued += _announce(desk, assignment)
    return done


def campaign_locked(session: Session, assignment: Assignment) -> bool:
    """True once the report's campaign is closed, whatever the clock says."""
    query = select(Campaign.status).where(Campaign.code == assignment.subject_ref)
    return session.exec(query).first() == CampaignStatus.CLOSED


def launch(desk: Desk, campaign: Campaign) -> Opened:
    """Start a planned campaign and open its first reports; a running one only opens new ones."""
    if campaign.status == CampaignStatus.PLANNED:
        move_case(
            desk,
            campaign,
            CampaignStatus.RUNNING,
            closes=False,
            actor="coordinator",
            note="launched",
        )
    return open_reports(desk, campaign)
