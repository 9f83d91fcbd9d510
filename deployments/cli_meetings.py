"""`concord meetings`: the bodies' meetings, one meeting in full, moving and cancelling one."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.table import Table
from sqlmodel import Session

from deployments.cli_support import (
    checked_day,
    console,
    fail,
    migrate_quietly,
    say,
    settings_or_exit,
)
from models.core.calendar import WorkingCalendar
from models.core.db import get_engine, session_scope
from models.core.i18n import N_, long_date
from models.core.types import utcnow
from models.meetings.changes import (
    Venue,
    cancel_meeting,
    checked_venue,
    move_meeting,
    moved_times,
)
from models.meetings.cycle import find_body, find_meeting
from models.meetings.panels import meeting_rows
from models.meetings.rules import Cycle, MeetingError
from models.meetings.tables import Meeting
from models.messaging.vocabulary import VOCABULARY, name_in

meetings_app = typer.Typer(
    name="meetings", help="Meetings of the standing bodies: list, show, move or place, cancel."
)

DAY = typer.Argument(help="the meeting's date, YYYY-MM-DD", formats=["%Y-%m-%d"])


@meetings_app.callback(invoke_without_command=True)
def meetings(
    ctx: typer.Context,
    body: Annotated[str | None, typer.Option(help="only this body's meetings")] = None,
) -> None:
    """List meetings with their status, answers and open action items."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_or_exit()
    migrate_quietly()
    language = settings.language
    with Session(get_engine(settings.resolved_database_url())) as session:
        rows = meeting_rows(session, utcnow(), body)
    table = Table(show_edge=False)
    headers = [
        N_("Body"),
        "#",
        N_("When"),
        N_("status"),
        N_("Attendance"),
        N_("Agenda proposals"),
        N_("Action items"),
    ]
    for header in headers:
        table.add_column(say(header) if header != "#" else header)
    for row in rows:
        local = row.starts_at.astimezone(settings.zone)
        table.add_row(
            row.body,
            str(row.number),
            f"{long_date(local, language)} {local:%H:%M}",
            name_in(VOCABULARY, row.status, language),
            f"{row.attendance_answers}/{row.members}",
            f"{row.agenda_answers}/{row.members}",
            f"{row.open_actions} ({row.overdue_actions} {say(N_('overdue'))})",
        )
    console.print(table if rows else say(N_("No meetings yet.")))


def _meeting(session: Session, body: str, day: datetime, calendar: WorkingCalendar) -> Meeting:
    checked_day("DAY", day.date())  # 0001-01-01's day-long window starts before the calendar
    try:
        found = find_meeting(session, find_body(session, body), day.date(), calendar)
    except MeetingError as exc:
        fail(str(exc), code=2)
    if found is None:
        fail(f"{body} {day.date().isoformat()}: no meeting on that date", code=2)
    return found


@meetings_app.command("show")
def show(body: str, day: Annotated[datetime, DAY]) -> None:
    """One meeting: agenda, attendance, decisions and action items."""
    from tasks.meetings.cycle import minutes_report  # loads Prefect: only for this command

    settings = settings_or_exit()
    migrate_quietly()
    with Session(get_engine(settings.resolved_database_url())) as session:
        meeting = _meeting(session, body, day, WorkingCalendar(zone=settings.zone))
    console.print(Markdown(minutes_report(meeting.id or 0)))


@meetings_app.command("move")
def move(
    body: str,
    day: Annotated[datetime, DAY],
    to: Annotated[
        datetime | None,
        typer.Option(
            help="new start, YYYY-MM-DDTHH:MM (Bucharest time)", formats=["%Y-%m-%dT%H:%M"]
        ),
    ] = None,
    duration: Annotated[
        int | None, typer.Option(min=1, max=24 * 60, help="minutes, with --to; 120 if not given")
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            help="where it is held, e.g. 'Palatul Victoria, sala 2': no personal data, "
            "no street address; '' removes it"
        ),
    ] = None,
    online_url: Annotated[
        str | None, typer.Option(help="the https:// link to join online; '' removes it")
    ] = None,
    note: Annotated[str, typer.Option(help="what members are told")] = "",
) -> None:
    """Move a meeting or set its place and link; members who have its calendar get an update."""
    venue = _checked_move(to, duration, Venue(location=place, online_url=online_url))

    def change(cycle: Cycle, meeting: Meeting) -> bool:
        times = None if to is None else moved_times(cycle, meeting, to, duration or 120)
        return move_meeting(cycle, meeting, times, note, venue)

    _change(body, day, change)


def _checked_move(to: datetime | None, duration: int | None, venue: Venue) -> Venue:
    """The venue as checked, once the options of a move make sense together."""
    if to is None and venue.location is None and venue.online_url is None:
        fail("nothing to change: give --to (a new start), --place or --online-url", code=2)
    if duration is not None and to is None:
        fail("--duration: give it with --to, the new start", code=2)
    if to is not None:
        checked_day("--to", to.date())
    try:
        return checked_venue(venue)
    except MeetingError as exc:
        fail(str(exc), code=2)


@meetings_app.command("cancel")
def cancel(
    body: str,
    day: Annotated[datetime, DAY],
    reason: Annotated[str, typer.Option(help="what members are told")] = "",
) -> None:
    """Cancel a meeting: its requests close and members' calendars drop it."""
    _change(body, day, lambda cycle, meeting: cancel_meeting(cycle, meeting, reason))


def _change(body: str, day: datetime, change: Callable[[Cycle, Meeting], bool]) -> None:
    settings = settings_or_exit()
    migrate_quietly()
    calendar = WorkingCalendar(zone=settings.zone)
    try:
        with session_scope(get_engine(settings.resolved_database_url())) as session:
            meeting = _meeting(session, body, day, calendar)
            changed = change(Cycle(session, settings, calendar, utcnow(), "cli"), meeting)
    except MeetingError as exc:
        fail(str(exc), code=2)
    console.print(
        say(N_("Done; the members' emails leave with the next outbox run."))
        if changed
        else say(N_("Nothing to change."))
    )
