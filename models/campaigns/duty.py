"""Prevention campaigns as a duty: the monthly report kind, its lifecycle, sweep and panel."""

from models.campaigns.activities import record_activities
from models.campaigns.forms import PARTIALS, WORDS, CampaignReportAnswer
from models.campaigns.launch import campaign_locked
from models.campaigns.panels import campaigns_panel
from models.campaigns.rules import REPORT_KIND
from models.campaigns.sweep import campaign_indicators, sweep_campaigns
from models.campaigns.tables import (
    CAMPAIGN_LIFECYCLE,
    Campaign,
    CampaignActivity,
    CampaignMeasure,
    CampaignParticipant,
    HelplineMonth,
)
from models.campaigns.upload import activities_from_file
from models.lifecycle.duty import AssignmentKind, Duty

DUTY = Duty(
    name="campaigns",
    kinds=(
        AssignmentKind(
            REPORT_KIND,
            CampaignReportAnswer,
            {"ro": "raport de campanie", "en": "campaign report"},
            template="report-form.html",
            on_answer=record_activities,
            table="activities",
            read_file=activities_from_file,
            locked=campaign_locked,
        ),
    ),
    words=WORDS,
    templates=PARTIALS,
    tables=(Campaign, CampaignParticipant, CampaignMeasure, CampaignActivity, HelplineMonth),
    commands="deployments.cli_campaigns:campaigns_app",
    flows=("flows.prevention_campaign",),
    lifecycles={"campaign": CAMPAIGN_LIFECYCLE},
    sweep=sweep_campaigns,
    panels=campaigns_panel,
    indicators=campaign_indicators,
)
