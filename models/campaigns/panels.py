"""The campaigns table of the coordinator's view: reach against target, reports missing."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models.campaigns.launch import first_requested
from models.campaigns.report import build_campaign_report
from models.campaigns.report_page import word
from models.campaigns.rules import reporting_months
from models.campaigns.tables import Campaign, CampaignStatus
from models.core.i18n import N_, long_date, number, percent, translate
from models.lifecycle.duty import Panel

DASH, NONE = " \u2013 ", "\u2013"  # an en dash between dates; alone, nothing missing


def not_requested(session: Session, campaign: Campaign) -> list[str]:
    """The months before the first one whose reports were asked for: a late launch skipped them."""
    first = first_requested(session, campaign)
    months = reporting_months(campaign.starts_on, campaign.ends_on)
    return [m for m in months if first is not None and m < first]


def campaigns_panel(session: Session, now: datetime, language: str, zone: ZoneInfo) -> list[Panel]:
    """Running campaigns (and those closed in the last year), newest first."""
    campaigns = session.exec(
        select(Campaign)
        .where(Campaign.status != CampaignStatus.PLANNED)
        .order_by(col(Campaign.starts_on).desc())
    ).all()
    if not campaigns:
        return []
    rows = []
    for campaign in campaigns:
        report = build_campaign_report(session, campaign, now, language)
        achieved = report.achieved("reach")
        rows.append(
            [
                f"{report.title} ({campaign.code})",
                DASH.join(
                    long_date(day, language) for day in (campaign.starts_on, campaign.ends_on)
                ),
                word(campaign.status, language),
                number(report.total.reach, language)
                + (f" ({percent(achieved, language)})" if achieved is not None else ""),
                ", ".join(sorted({m.institution for m in report.missing})) or NONE,
                ", ".join(not_requested(session, campaign)) or NONE,
            ]
        )
    headers = [
        translate(language, h)
        for h in (
            N_("Campaign"),
            N_("Period"),
            N_("Status"),
            N_("People reached (of target)"),
            N_("Reports not received"),
            N_("Months not requested (launched late)"),
        )
    ]
    return [Panel(translate(language, N_("Prevention campaigns")), headers, rows)]
