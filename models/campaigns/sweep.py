"""What the daily sweep does for campaigns: open each month's reports, close finished campaigns."""

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.campaigns.launch import open_reports
from models.campaigns.rules import report_key, report_locks, reporting_months
from models.campaigns.tables import Campaign, CampaignActivity, CampaignMeasure, CampaignStatus
from models.core.calendar import WorkingCalendar
from models.core.db import write_session
from models.core.i18n import N_plural
from models.lifecycle.desk import Desk, move_case
from models.lifecycle.duty import KnownIndicator, SweepContext, SweepOutcome
from models.lifecycle.tables import Assignment

REACHED = N_plural("%(num)s person reached", "%(num)s people reached")


def _finished(desk: Desk, campaign: Campaign) -> bool:
    """True once the campaign's last month is locked: its report can no longer be corrected."""
    last = reporting_months(campaign.starts_on, campaign.ends_on)[-1]
    return desk.now > report_locks(last, desk.calendar)


def stop_chasing_locked(desk: Desk, campaign: Campaign) -> None:
    """No more reminders for reports whose month is locked: their form takes no answer."""
    prefix = report_key(campaign.code, "", "").removesuffix(":")
    desk.session.execute(
        update(Assignment)
        .where(
            col(Assignment.key).startswith(prefix),
            col(Assignment.locked_at) <= desk.now,
            col(Assignment.next_action_at).is_not(None),
        )
        .values(next_action_at=None, updated_at=desk.now)
        .execution_options(synchronize_session=False)
    )


def sweep_campaigns(context: SweepContext) -> list[SweepOutcome]:
    """Open the reports of the months that began; close campaigns whose last month locked."""
    calendar = WorkingCalendar(zone=context.settings.zone)
    outcomes = []
    with write_session(context.engine) as session:
        desk = Desk(session, context.settings, calendar, context.now, context.run_id)
        running = session.exec(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.RUNNING)
            .order_by(Campaign.code)
        ).all()
        for campaign in running:
            opened = open_reports(desk, campaign)
            stop_chasing_locked(desk, campaign)
            closing = _finished(desk, campaign)
            if closing:
                move_case(
                    desk,
                    campaign,
                    CampaignStatus.CLOSED,
                    closes=False,
                    actor="sweep",
                    note="last month locked",
                )
            if opened.opened or closing:
                summary = f"campaign {campaign.code}: {len(opened.opened)} reports opened" + (
                    ", closed" if closing else ""
                )
                outcomes.append(
                    SweepOutcome(summary, f"campaign-{campaign.code.lower()}", f"# {summary}")
                )
        session.commit()
    return outcomes


def campaign_indicators(session: Session, start: date, end: date) -> list[KnownIndicator]:
    """The people each campaign reached between two dates, for the measures it serves."""
    query = (
        select(CampaignMeasure.measure_id, Campaign.code, Campaign.targets, CampaignActivity.reach)
        .join(Campaign, col(Campaign.id) == col(CampaignMeasure.campaign_id))
        .join(CampaignActivity, col(CampaignActivity.campaign_id) == col(Campaign.id))
        .where(col(CampaignActivity.held_on) >= start, col(CampaignActivity.held_on) <= end)
    )
    totals: dict[tuple[int, str], int] = {}
    targets: dict[str, int | None] = {}
    for measure_id, code, campaign_targets, reach in session.exec(query).all():
        totals[(measure_id, code)] = totals.get((measure_id, code), 0) + reach
        targets[code] = campaign_targets.get("reach")
    return [
        KnownIndicator(measure_id, code, value, targets[code], REACHED)
        for (measure_id, code), value in sorted(totals.items())
    ]
