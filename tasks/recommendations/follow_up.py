"""Recommendation units of work: ask the owners, flag what needs the coordinator, draft replies."""

from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from sqlmodel import Session, col, select

from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, write_session
from models.core.settings import get_settings
from models.lifecycle.desk import Desk
from models.recommendations.flags import Flags, find_flags, tell_coordinator
from models.recommendations.follow_up import open_follow_ups
from models.recommendations.reply import ReplyError, build_reply, find_source
from models.recommendations.reply_files import write_reply
from models.recommendations.rules import ASK_BEFORE_REPORTING
from models.recommendations.tables import RecommendationSource


@dataclass(frozen=True)
class FollowedUp:
    """What one follow-up run did."""

    period: str
    opened: int
    queued: int
    unlinked: int
    long_open: int


def flags_markdown(period: str, flags: Flags) -> str:
    """The coordinator's flags as Markdown, for a Prefect artifact."""
    lines = [f"# Recommendations to look at, {period}", ""]
    for title, found in (
        ("No measure answers them", flags.unlinked),
        ("Open for more than six months", flags.long_open),
    ):
        lines += [f"## {title}: {len(found)}", "", "| code | body | lead | months | summary |"]
        lines.append("|---|---|---|---:|---|")
        lines += [
            f"| {f.code} | {f.body} | {f.lead} | {f.open_months} | {f.summary} |" for f in found
        ]
        lines.append("")
    return "\n".join(lines)


@task(name="follow-up-recommendations", task_run_name="follow up recommendations")
def follow_up_task(now: datetime) -> FollowedUp:
    """Ask the lead institutions about their open recommendations; flag the rest."""
    settings = get_settings()
    run_id = str(flow_run.id) if flow_run.id else None
    calendar = WorkingCalendar(zone=settings.zone)
    with write_session(get_engine(settings.resolved_database_url())) as session:
        desk = Desk(session, settings, calendar, now, run_id)
        done = open_follow_ups(desk)
        flags = find_flags(session, settings, calendar.local_date(now))
        told = tell_coordinator(desk, done.period, flags)
        session.commit()
    create_markdown_artifact(
        key="recommendation-flags",
        markdown=flags_markdown(done.period, flags),
        description=f"Recommendations to look at, {done.period}",
    )
    get_run_logger().info(
        "recommendations %s: %d follow-ups opened, %d flagged without a measure, %d long open",
        done.period,
        len(done.opened),
        len(flags.unlinked),
        len(flags.long_open),
    )
    return FollowedUp(
        done.period, len(done.opened), done.queued + told, len(flags.unlinked), len(flags.long_open)
    )


def sources_reporting_soon(session: Session, now: datetime) -> list[str]:
    """The sources whose reporting date falls within the next two months."""
    today = WorkingCalendar(zone=get_settings().zone).local_date(now)
    query = select(RecommendationSource.code).where(
        col(RecommendationSource.reporting_on) > today,
        col(RecommendationSource.reporting_on) <= today + ASK_BEFORE_REPORTING,
    )
    return sorted(session.exec(query).all())


def checked_source(code: str) -> str:
    """The source's code as stored, or ValueError naming the parameter, before any write."""
    with Session(get_engine(get_settings().resolved_database_url())) as session:
        try:
            return find_source(session, code).code
        except ReplyError as exc:
            raise ValueError(f"reply_for: {str(exc).removeprefix('source: ')}") from None


@task(name="draft-reply", task_run_name="draft reply {source}")
def draft_reply_task(source: str, now: datetime) -> str:
    """Draft the state's reply to a source (DOCX, HTML, workbook) from the evidence so far."""
    settings = get_settings()
    with Session(get_engine(settings.resolved_database_url())) as session:
        reply = build_reply(session, source)
    folder = settings.var_dir / "reports" / "recommendations" / reply.source
    files = write_reply(reply, folder, now)
    create_markdown_artifact(
        key=f"reply-{reply.source.lower()}",
        markdown=(
            f"# Draft reply: {reply.document}\n\n- recommendations: {len(reply.items)}\n"
            f"- without evidence: {len(reply.gaps)} ({', '.join(i.code for i in reply.gaps)})\n"
            f"\nFiles: `{files.folder}`"
        ),
        description=f"Draft reply {reply.source}",
    )
    return str(files.docx)
