"""A prevention campaign of ANITP's regional centres and their partners, from launch to report."""

from datetime import datetime
from typing import Literal

from prefect import flow

from models.core.text import Code
from models.core.types import utcnow
from tasks.campaigns.campaigns import Launched, launch_campaign_task, write_campaign_report_task
from tasks.messaging.outbox import deliver_outbox


@flow(name="prevention-campaign", flow_run_name="campaign {campaign}", validate_parameters=True)
def prevention_campaign(
    campaign: Code,
    language: Literal["ro", "en"] = "ro",
    now: datetime | None = None,
) -> dict[str, object]:
    """Launch a planned campaign and write its report as it stands.

    The first run stores the campaign's plan and starts it: every regional centre of its
    counties and every partner gets a monthly report to give through its link, announced by
    email; the daily sweep opens each later month's reports, reminds and escalates. A
    campaign launched late asks only for the current month's reports: the months begun
    before are listed in the result (`skipped`), never sent to institutions. Any
    later run only opens what is due and writes the report again (HTML, PDF, workbook).

    Args:
        campaign: Code of a campaign planned in data/campaigns.yaml (or the file
            CONCORD_CAMPAIGNS_FILE names), e.g. CAMP-2027-MUNCA.
        language: The language of the report.
        now: The moment to act as if it were (empty means now); for demos and tests.
    """
    moment = now or utcnow()
    launched: Launched = launch_campaign_task(campaign, moment)
    delivery = deliver_outbox(moment)
    folder = write_campaign_report_task(launched.campaign, language, moment)
    return {"launched": launched, "delivery": delivery, "report": folder}
