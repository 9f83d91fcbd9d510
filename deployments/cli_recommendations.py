"""`concord recommendations`: the recommendations and their progress, imports, drafted replies."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, col, func, select

from deployments.cli_support import (
    checked_language,
    console,
    fail,
    migrate_quietly,
    print_file_problems,
    read_bounded,
    say,
    say_count,
    settings_or_exit,
)
from models.core.db import get_engine, session_scope
from models.core.i18n import N_, N_plural
from models.core.spreadsheets import SpreadsheetError
from models.core.types import utcnow
from models.messaging.vocabulary import name_in
from models.recommendations.follow_up import shortened, summary_in
from models.recommendations.importing import ROMANIAN_COLUMN, read_recommendation_file
from models.recommendations.reply import ReplyError, build_reply
from models.recommendations.reply_files import write_reply
from models.recommendations.rules import WORDS, RecommendationStatus
from models.recommendations.saving import (
    StatusNoteError,
    UnknownRecommendation,
    save_recommendations,
    set_statuses,
)
from models.recommendations.tables import Evidence, Recommendation, RecommendationMeasure
from models.reference.institutions import Institution

IMPORTED = N_(
    "%(path)s: %(added)s added, %(updated)s updated, %(unchanged)s unchanged "
    "(%(sources)s sources added or changed)"
)
recommendations_app = typer.Typer(
    name="recommendations",
    help="Recommendations of GRETA, the US TIP report and the EU: progress, imports, replies.",
)


def _counts(
    session: Session, table: type[Evidence] | type[RecommendationMeasure]
) -> dict[int, int]:
    rows = session.exec(
        select(table.recommendation_id, func.count()).group_by(col(table.recommendation_id))
    )
    return dict(rows.all())


@recommendations_app.callback(invoke_without_command=True)
def recommendations(ctx: typer.Context) -> None:
    """List the recommendations: status, lead institution, measures linked, evidence given."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_exit()
    migrate_quietly()
    language = settings.language
    with Session(get_engine(settings.resolved_database_url())) as session:
        rows = session.exec(
            select(Recommendation, Institution.code)
            .join(Institution, col(Institution.id) == col(Recommendation.lead_institution_id))
            .order_by(col(Recommendation.code))
        ).all()
        measures, evidence = _counts(session, RecommendationMeasure), _counts(session, Evidence)
    if not rows:
        console.print(say(N_("No recommendation has been imported yet.")))
        return
    table = Table(show_edge=False)
    for header in (N_("Recommendation"), N_("Status"), N_("Lead"), N_("Measures"), N_("Evidence")):
        table.add_column(say(header), overflow="fold")
    for recommendation, lead in rows:
        key = recommendation.id or 0
        table.add_row(
            f"{recommendation.code} {shortened(summary_in(recommendation, language), 70)}",
            name_in(WORDS, recommendation.status, language),
            lead,
            str(measures.get(key, 0)) if measures.get(key) else say(N_("none")),
            str(evidence.get(key, 0)),
            style="red" if not measures.get(key) else None,
        )
    console.print(table)


@recommendations_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="XLSX, CSV or YAML, one recommendation per row")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check the file and show what would change")
    ] = False,
) -> None:
    """Import recommendations as published (checked first, written in one transaction)."""
    settings = settings_or_exit()
    migrate_quietly()
    try:
        rows = read_recommendation_file(path.name, read_bounded(path))
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            imported = save_recommendations(session, rows, utcnow())
            if dry_run:
                session.rollback()
    except SpreadsheetError as exc:
        print_file_problems(path, exc, ROMANIAN_COLUMN)
    console.print(
        say(
            IMPORTED,
            path=path.name,
            added=imported.added,
            updated=imported.updated,
            unchanged=imported.unchanged,
            sources=imported.sources,
        )
        + (say(N_(" (dry run, nothing written)")) if dry_run else ""),
        highlight=False,
    )


@recommendations_app.command("reply")
def reply(
    source: Annotated[str, typer.Argument(help="the source's code, e.g. GRETA-3")],
    language: Annotated[
        str | None, typer.Option(help="ro or en (default: the language the body reads)")
    ] = None,
) -> None:
    """Draft the state's reply to one body and cycle (DOCX, HTML, XLSX under var/reports/)."""
    settings = settings_or_exit()
    checked_language(language)
    migrate_quietly()
    try:
        with Session(get_engine(settings.resolved_database_url())) as session:
            drafted = build_reply(session, source, language)
    except ReplyError as exc:
        fail(str(exc))
    folder = settings.var_dir / "reports" / "recommendations" / drafted.source
    files = write_reply(drafted, folder, utcnow())
    gaps = ", ".join(item.code for item in drafted.gaps) or "-"
    console.print(
        say_count(
            *N_plural(
                "%(source)s: %(num)d recommendation, without evidence: %(gaps)s",
                "%(source)s: %(num)d recommendations, without evidence: %(gaps)s",
            ),
            len(drafted.items),
            source=drafted.source,
            gaps=gaps,
        ),
        highlight=False,
    )
    for path in (files.docx, files.html, files.xlsx):
        console.print(f"  {path}", highlight=False)


@recommendations_app.command("status")
def status(
    to: Annotated[RecommendationStatus, typer.Argument(help="the new status")],
    codes: Annotated[list[str], typer.Argument(help="recommendation codes, e.g. GRETA-3/1")],
    note: Annotated[str, typer.Option(help="why, kept in the history")],
) -> None:
    """Move several recommendations to one status at once (all or none)."""
    settings = settings_or_exit()
    migrate_quietly()
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            moved = set_statuses(session, codes, to, note, utcnow())
    except (UnknownRecommendation, StatusNoteError) as exc:
        fail(str(exc))
    console.print(
        say(
            N_("%(status)s: %(moved)s (the others were already there)"),
            status=name_in(WORDS, to, settings.language),
            moved=", ".join(moved) or "-",
        ),
        highlight=False,
    )
