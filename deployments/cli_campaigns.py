"""`concord campaigns`: the campaigns and their reach, a campaign's report, HelpLine figures."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, select

from deployments.cli_support import (
    checked_language,
    console,
    fail,
    migrate_quietly,
    print_bold,
    print_file_problems,
    read_bounded,
    say,
    settings_or_exit,
)
from models.campaigns.definitions import CampaignError, read_definitions
from models.campaigns.helpline import ROMANIAN_COLUMN, read_helpline_file, save_helpline
from models.campaigns.panels import campaigns_panel
from models.campaigns.report_files import publish_campaign_report
from models.campaigns.tables import Campaign
from models.core.db import get_engine, session_scope
from models.core.i18n import N_, N_plural, number, percent, translate, translate_count
from models.core.spreadsheets import SpreadsheetError
from models.core.types import utcnow
from models.reference.document import ReferenceDataError

IMPORTED = N_("%(path)s (%(months)s): %(added)s added, %(corrected)s corrected, %(same)s unchanged")
campaigns_app = typer.Typer(
    name="campaigns", help="Prevention campaigns: their reach, reports, HelpLine figures."
)


@campaigns_app.callback(invoke_without_command=True)
def campaigns(ctx: typer.Context) -> None:
    """List the launched campaigns with their reach, and those planned but not launched."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_exit()
    migrate_quietly()
    with Session(get_engine(settings.resolved_database_url())) as session:
        panels = campaigns_panel(session, utcnow(), settings.language, settings.zone)
        launched = set(session.exec(select(Campaign.code)))
    for panel in panels:
        table = Table(title=panel.title, show_edge=False, title_justify="left")
        for header in panel.headers:
            table.add_column(header, overflow="fold")
        for row in panel.rows:
            table.add_row(*row)
        console.print(table)
    try:
        planned = sorted(set(read_definitions(settings.campaigns_file)) - launched)
    except ReferenceDataError as exc:
        fail(f"{settings.campaigns_file}: {exc.problems[0]}")
    if not panels:
        console.print(say(N_("No campaign has been launched yet.")))
    if planned:
        console.print(
            say(N_("Planned, not launched: %(codes)s"), codes=", ".join(planned)), highlight=False
        )


@campaigns_app.command("report")
def report(
    code: Annotated[str, typer.Argument(help="the campaign's code, e.g. CAMP-2026-CERERE")],
    language: Annotated[
        str | None, typer.Option(help="ro or en (default: CONCORD_LANGUAGE)")
    ] = None,
) -> None:
    """Write a campaign's report as it stands (HTML, PDF, workbook under var/reports/)."""
    settings = settings_or_exit()
    language = checked_language(language) or settings.language
    migrate_quietly()
    engine = get_engine(settings.resolved_database_url())
    try:
        built, files = publish_campaign_report(engine, code, settings, utcnow(), language)
    except CampaignError as exc:
        fail(str(exc))
    achieved = built.achieved("reach")
    counted = N_plural("%(reach)s person reached", "%(reach)s people reached")
    reached = translate_count(language, *counted, built.total.reach) % {
        "reach": number(built.total.reach, language)
    }
    missing = translate(language, N_("reports not received: %(count)s")) % {
        "count": len(built.missing)
    }
    share = f" ({percent(achieved, language)})" if achieved is not None else ""
    print_bold(built.code, f" {built.title}: {reached}{share}; {missing}")
    for path in (files.html, files.pdf, files.xlsx):
        if path is not None:
            console.print(f"  {path}", highlight=False)


@campaigns_app.command("helpline")
def helpline(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX: month, topic, county, calls")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check the file and show what would change")
    ] = False,
) -> None:
    """Import the HelpLine's monthly call figures (checked first, written in one transaction)."""
    settings = settings_or_exit()
    try:
        rows = read_helpline_file(read_bounded(path), utcnow().astimezone(settings.zone).date())
    except SpreadsheetError as exc:
        print_file_problems(path, exc, ROMANIAN_COLUMN)
    migrate_quietly()
    with session_scope(get_engine(settings.resolved_database_url())) as session:
        saved = save_helpline(session, rows)
        if dry_run:
            session.rollback()
    months = ", ".join(saved.months) or "-"
    console.print(
        say(
            IMPORTED,
            path=path.name,
            months=months,
            added=saved.added,
            corrected=saved.corrected,
            same=saved.unchanged,
        )
        + (say(N_(" (dry run, nothing written)")) if dry_run else ""),
        highlight=False,
    )
    if saved.calls_by_topic:
        topics = saved.topics_in(settings.language)
        console.print(say(N_("Calls by topic: %(topics)s"), topics=topics), highlight=False)
