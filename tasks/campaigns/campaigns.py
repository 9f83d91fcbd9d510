"""Campaign units of work: save and launch a campaign, write its report."""

from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from models.campaigns.definitions import read_definitions, save_campaign
from models.campaigns.launch import find_campaign, launch
from models.campaigns.report_files import campaign_markdown, publish_campaign_report
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.lifecycle.desk import Desk


@dataclass(frozen=True)
class Launched:
    """What launching (or re-running) a campaign did."""

    campaign: str
    status: str
    opened: int
    queued: int
    skipped: list[str]  # months begun before a late launch: listed, never asked for


@task(name="launch-campaign", task_run_name="launch {code}")
def launch_campaign_task(code: str, now: datetime) -> Launched:
    """Save the campaign's plan (once) and launch it: open the reports of the months begun."""
    settings = get_settings()
    planned = read_definitions(settings.campaigns_file)
    run_id = str(flow_run.id) if flow_run.id else None
    with write_session(get_engine(settings.resolved_database_url())) as session:
        desk = Desk(session, settings, WorkingCalendar(zone=settings.zone), now, run_id)
        wanted = code.strip().upper()
        campaign = (
            save_campaign(session, planned[wanted], now)
            if wanted in planned
            else find_campaign(session, code)
        )
        opened = launch(desk, campaign)
        session.commit()
    logger = get_run_logger()
    logger.info("campaign %s %s: %d reports opened", code, opened.status, len(opened.opened))
    if opened.skipped:
        logger.warning(
            "campaign %s launched late: months not asked of anyone: %s",
            code,
            ", ".join(opened.skipped),
        )
    return Launched(
        opened.campaign,
        campaign.status,
        len(opened.opened),
        len(opened.queued),
        opened.skipped,
    )


@task(name="write-campaign-report", task_run_name="report {code}")
def write_campaign_report_task(code: str, language: str, now: datetime) -> str:
    """Write the campaign's report (HTML, PDF, workbook) and show its figures as an artifact."""
    settings = get_settings()
    engine = get_engine(settings.resolved_database_url())
    report, files = publish_campaign_report(engine, code, settings, now, language)
    create_markdown_artifact(
        key=f"campaign-{report.code.lower()}",
        markdown=campaign_markdown(report, files),
        description=f"Campaign {report.code}",
    )
    return str(files.folder)
