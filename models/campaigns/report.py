"""A campaign's report: reach against targets, by county, group, channel, form and month."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from models.campaigns.rules import reporting_months, shade
from models.campaigns.tables import Campaign, CampaignActivity, HelplineMonth
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.reference.institutions import Institution


@dataclass
class Figures:
    """What a set of activities achieved."""

    activities: int = 0
    participants: int = 0
    reach: int = 0
    materials: int = 0

    def add(self, activity: CampaignActivity) -> None:
        """Count one activity in."""
        self.activities += 1
        self.participants += activity.participants
        self.reach += activity.reach
        self.materials += activity.materials


@dataclass(frozen=True)
class MissingReport:
    """A report past its due date that never came."""

    institution: str
    name: str
    month: str
    due_at: datetime
    status: str


@dataclass
class CampaignReport:
    code: str
    title: str
    starts_on: date
    ends_on: date
    status: str
    sample: bool
    counties: list[str]
    targets: dict[str, int]
    total: Figures = field(default_factory=Figures)
    by_county: dict[str, Figures] = field(default_factory=dict)
    by_target_group: dict[str, Figures] = field(default_factory=dict)
    by_channel: dict[str, Figures] = field(default_factory=dict)
    by_form: dict[str, Figures] = field(default_factory=dict)
    by_month: dict[str, Figures] = field(default_factory=dict)
    by_institution: dict[str, Figures] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # institutions' names by code
    missing: list[MissingReport] = field(default_factory=list)
    helpline: dict[str, dict[str, int]] = field(default_factory=dict)

    def achieved(self, indicator: str) -> float | None:
        """The share of an indicator's target reached so far, if it has one."""
        target = self.targets.get(indicator)
        return getattr(self.total, indicator) / target if target else None

    @property
    def shades(self) -> dict[str, int]:
        """Each campaign county's map class by reach."""
        most = max((f.reach for f in self.by_county.values()), default=0)
        return {code: shade(self.by_county[code].reach, most) for code in self.counties}


def _activities(session: Session, campaign_id: int) -> list[tuple[CampaignActivity, Institution]]:
    query = (
        select(CampaignActivity, Institution)
        .join(Institution, col(Institution.id) == col(CampaignActivity.institution_id))
        .where(CampaignActivity.campaign_id == campaign_id)
        .order_by(col(CampaignActivity.held_on), col(CampaignActivity.id))
    )
    return [(activity, institution) for activity, institution in session.exec(query).all()]


def missing_reports(
    session: Session, campaign: Campaign, now: datetime, language: str
) -> list[MissingReport]:
    """The campaign's reports past due and not given, by month and institution."""
    query = (
        select(Assignment, Institution)
        .join(Institution, col(Institution.id) == col(Assignment.institution_id))
        .where(
            Assignment.subject_type == "campaign",
            Assignment.subject_ref == campaign.code,
            col(Assignment.status).in_(OPEN_ASSIGNMENT_STATUSES),
            col(Assignment.due_at) < now,
        )
        .order_by(col(Assignment.key))
    )
    return [
        MissingReport(
            institution.code,
            institution.name_in(language),
            assignment.key.split(":")[2],
            assignment.due_at,
            assignment.status,
        )
        for assignment, institution in session.exec(query).all()
    ]


def helpline_calls(session: Session, months: list[str]) -> dict[str, dict[str, int]]:
    """Calls to the HelpLine by month and topic, for the campaign's months."""
    calls: dict[str, dict[str, int]] = {month: defaultdict(int) for month in months}
    query = select(HelplineMonth).where(col(HelplineMonth.month).in_(months))
    for row in session.exec(query):
        calls[row.month][row.topic] += row.calls
    return {month: dict(topics) for month, topics in calls.items()}


def build_campaign_report(
    session: Session, campaign: Campaign, now: datetime, language: str
) -> CampaignReport:
    """Every figure of the campaign's report, from the activities reported so far."""
    assert campaign.id is not None
    months = reporting_months(campaign.starts_on, campaign.ends_on)
    report = CampaignReport(
        code=campaign.code,
        title=campaign.title(language),
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        status=campaign.status,
        sample=campaign.sample,
        counties=list(campaign.counties),
        targets={k: int(v) for k, v in campaign.targets.items()},
        by_county={code: Figures() for code in campaign.counties},
        by_month={month: Figures() for month in months},
    )
    for activity, institution in _activities(session, campaign.id):
        report.names[institution.code] = institution.name_in(language)
        report.total.add(activity)
        for groups, key in (
            (report.by_county, activity.county),
            (report.by_target_group, activity.target_group),
            (report.by_channel, activity.channel),
            (report.by_form, activity.form),
            (report.by_month, activity.held_on.strftime("%Y-%m")),
            (report.by_institution, institution.code),
        ):
            groups.setdefault(key, Figures()).add(activity)
    report.missing = missing_reports(session, campaign, now, language)
    report.helpline = helpline_calls(session, months)
    return report
