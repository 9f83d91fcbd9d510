"""`concord` commands about records: open assignments, the outbox, legal clocks, retention."""

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from deployments.cli_support import (
    console,
    fail,
    migrate_quietly,
    print_bold,
    say,
    settings_or_exit,
)
from models.core.calendar import WorkingCalendar
from models.core.clocks import (
    ExtensionError,
    LegalClock,
    compute_deadline,
    extend_deadline,
    extension_note,
    load_clocks,
)
from models.core.db import read_scope, session_scope
from models.core.i18n import N_, long_date
from models.core.types import utcnow
from models.lifecycle.actions import (
    AssignmentError,
    parse_until,
    snooze_assignment,
    waive_assignment,
)
from models.lifecycle.assignments import AssignmentRow, open_assignments, rows_as_csv
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES
from models.messaging.outbox import DeliveryState, RequeueError, pending_messages, requeue

outbox_app = typer.Typer(help="Queued, failed and dead messages.")
assignments_app = typer.Typer(help="Open obligations of institutions: list, snooze, waive.")


def deadline(
    start: Annotated[
        datetime | None,
        typer.Option("--from", help="start date (YYYY-MM-DD)", formats=["%Y-%m-%d"]),
    ] = None,
    working_days: Annotated[int | None, typer.Option(help="count working days")] = None,
    calendar_days: Annotated[int | None, typer.Option(help="count calendar days")] = None,
    instrument: Annotated[
        str | None, typer.Option(help="a legal clock's code (see --list)")
    ] = None,
    received: Annotated[
        str | None,
        typer.Option(help="when the clock's event happened: YYYY-MM-DDTHH:MM, Bucharest time"),
    ] = None,
    extend: Annotated[int, typer.Option(min=0, max=20, help="extensions granted")] = 0,
    list_clocks: Annotated[bool, typer.Option("--list", help="list the legal clocks")] = False,
) -> None:
    """Compute a due date in Romanian working days, or under a legal clock."""
    settings = settings_or_exit()
    calendar = WorkingCalendar(zone=settings.zone)
    if list_clocks:
        print_clocks(settings.language)
    elif instrument is not None:
        print_clock_deadline(calendar, instrument, received, extend, settings.language)
    elif start is not None and (working_days is None) != (calendar_days is None):
        print_day_after(calendar, start.date(), working_days, calendar_days)
    else:
        fail(
            "give --from with one of --working-days or --calendar-days, or --instrument with "
            "--received, or --list",
            code=2,
        )


def print_day_after(
    calendar: WorkingCalendar, day: date, working_days: int | None, calendar_days: int | None
) -> None:
    """Print the day that many working days (or calendar days) after `day`."""
    if not -3650 <= (working_days or calendar_days or 0) <= 3650:
        fail("--working-days or --calendar-days: expected -3650 to 3650", code=2)
    try:
        if working_days is not None:
            console.print(calendar.add_working_days(day, working_days).isoformat())
        else:
            console.print(date.fromordinal(day.toordinal() + (calendar_days or 0)).isoformat())
    except (OverflowError, ValueError):
        fail("--from: the result falls outside the calendar (years 1 to 9999)", code=2)


def print_clocks(language: str) -> None:
    """List the legal clocks with their rules."""
    table = Table(show_edge=False)
    for column in (N_("code"), N_("instrument"), N_("rule"), N_("to verify")):
        table.add_column(say(column))
    for clock in load_clocks().values():
        rule = f"{clock.describe(language)}; {clock.counting(language)}"
        mark = say(N_("against the primary text")) if clock.verify else ""
        table.add_row(clock.code, clock.instrument_in(language), rule, mark)
    console.print(table)


def parse_received(text: str, clock: LegalClock, zone: ZoneInfo) -> datetime:
    """The event's moment: a date and time in Bucharest; a date alone only for day clocks."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--received: expected YYYY-MM-DDTHH:MM, got {text!r}", code=2)
    if len(text) <= 10 and clock.is_urgent:
        fail(f"--received: {clock.code} counts hours; give the time too (YYYY-MM-DDTHH:MM)", code=2)
    if not 1990 <= moment.year <= 2200:
        fail(f"--received: the year {moment.year} is out of range", code=2)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def print_clock_deadline(
    calendar: WorkingCalendar, code: str, received: str | None, extend: int, language: str
) -> None:
    """Print the due moment of one legal clock, after `extend` extensions, and its rules."""
    clocks = load_clocks()
    if code not in clocks:
        fail(f"--instrument: unknown clock {code!r}; known: {', '.join(clocks)}", code=2)
    if received is None:
        fail("--received is required with --instrument", code=2)
    clock = clocks[code]
    result = compute_deadline(
        clock, parse_received(received, clock, calendar.zone), calendar, language
    )
    rules = [result.rule]
    try:
        for used in range(extend):
            result = extend_deadline(clock, result, used, calendar, language)
            rules.append(result.rule)
    except ExtensionError as exc:
        fail(f"--extend: {exc}", code=2)
    due = result.due.astimezone(calendar.zone)
    shown = due.strftime("%Y-%m-%d %H:%M %Z") if clock.is_urgent else due.date().isoformat()
    print_bold(shown)
    for rule in rules:
        console.print(f"- {rule}", highlight=False, markup=False)
    note = extension_note(clock, language)
    if note and not extend:
        console.print(f"+ {note}", highlight=False, markup=False)
    if clock.verify:
        console.print(say(N_("This clock is still to be checked against its primary text.")))


@outbox_app.callback(invoke_without_command=True)
def outbox(
    ctx: typer.Context,
    state: Annotated[
        list[str] | None, typer.Option(help="queued, sending, failed, dead, sent")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="messages shown")] = 100,
) -> None:
    """List messages waiting, failing or given up (default: queued, failed and dead)."""
    if ctx.invoked_subcommand is not None:
        return
    states = state or ["queued", "failed", "dead"]
    unknown = sorted(set(states) - {s.value for s in DeliveryState})
    if unknown:
        fail(f"--state: unknown state {unknown[0]!r}", code=2)
    migrate_quietly()
    zone = settings_or_exit().zone
    with read_scope() as session:
        messages = pending_messages(session=session, states=states, limit=limit)
    if not messages:
        console.print(f"no {', '.join(states)} messages")
        return
    table = Table(show_edge=False)
    for column in ("key", "kind", "recipient", "state", "tries", "next attempt", "last error"):
        table.add_column(column, overflow="fold")
    for m in messages:
        next_at = m.next_attempt_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            m.key, m.kind, m.recipient, m.state, str(m.attempts), next_at, m.last_error or ""
        )
    console.print(table)


@outbox_app.command("retry")
def outbox_retry(key: Annotated[str, typer.Argument(help="the message's idempotency key")]) -> None:
    """Requeue one failed or dead message for the next dispatch."""
    migrate_quietly()
    try:
        with session_scope() as session:
            requeue(session=session, key=key, now=utcnow())
    except RequeueError as exc:
        fail(str(exc))
    console.print(f"{key}: queued again")


@assignments_app.callback(invoke_without_command=True)
def assignments(
    ctx: typer.Context,
    institution: Annotated[str | None, typer.Option(help="institution code, e.g. ANITP")] = None,
    kind: Annotated[str | None, typer.Option(help="e.g. monitoring-report")] = None,
    status: Annotated[str | None, typer.Option(help="open, reminded, overdue or escalated")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="only those past their due date")
    ] = False,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="write the list to this CSV file")
    ] = None,
) -> None:
    """List open assignments, earliest due first."""
    if ctx.invoked_subcommand is not None:
        return
    if status is not None and status not in OPEN_ASSIGNMENT_STATUSES:
        fail(
            f"--status: {status!r} is not an open status "
            f"({', '.join(sorted(OPEN_ASSIGNMENT_STATUSES))})",
            code=2,
        )
    migrate_quietly()
    calendar = WorkingCalendar(zone=settings_or_exit().zone)
    with read_scope() as session:
        rows = open_assignments(
            session=session,
            institution=institution,
            kind=kind,
            status=status,
            overdue_only=overdue,
            now=utcnow(),
        )
    if csv_file is not None:
        write_assignments(rows, calendar, csv_file)
    else:
        print_assignments(rows, calendar)


def write_assignments(rows: list[AssignmentRow], calendar: WorkingCalendar, path: Path) -> None:
    """Write the open assignments to a CSV file, in local time, and say how many."""
    if not path.parent.is_dir():
        fail(f"--csv: the folder {path.parent} does not exist", code=2)
    try:
        path.write_text(rows_as_csv(rows, calendar), encoding="utf-8")
    except OSError as exc:
        fail(f"--csv: cannot write {path}: {exc.strerror or exc}", code=2)
    console.print(f"{len(rows)} assignment(s) written to {path}")


def print_assignments(rows: list[AssignmentRow], calendar: WorkingCalendar) -> None:
    """The open assignments as a table, in local time."""
    table = Table(show_edge=False, title=f"{len(rows)} open assignment(s)", title_justify="left")
    for column in ("key", "institution", "kind", "due", "status", "level", "snoozed until"):
        table.add_column(column, overflow="fold")
    for r in rows:
        snoozed = (
            r.snoozed_until.astimezone(calendar.zone).date().isoformat() if r.snoozed_until else ""
        )
        due = r.due_at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M")
        level = str(r.escalation_level)
        table.add_row(r.key, r.institution, r.kind, due, r.status, level, snoozed)
    console.print(table)


@assignments_app.command("snooze")
def assignments_snooze(
    ref: Annotated[str, typer.Argument(help="assignment id or key")],
    until: Annotated[str, typer.Option(help="quiet until this date (YYYY-MM-DD)")],
    reason: Annotated[str | None, typer.Option(help="why, for the record")] = None,
) -> None:
    """Keep reminders and escalations for one assignment quiet until a date."""
    migrate_quietly()
    try:
        moment = parse_until(until, settings_or_exit().zone, field="--until")
    except AssignmentError as exc:
        fail(str(exc), code=2)
    try:
        with session_scope() as session:
            found = snooze_assignment(
                session=session,
                ref=ref,
                until=moment,
                reason=reason,
                actor="coordinator",
                now=utcnow(),
            )
    except AssignmentError as exc:
        fail(str(exc))
    console.print(f"{found.key}: " + say(N_("snoozed until %(date)s"), date=until))


@assignments_app.command("waive")
def assignments_waive(
    ref: Annotated[str, typer.Argument(help="assignment id or key")],
    reason: Annotated[str, typer.Option(help="why the institution is released (required)")],
) -> None:
    """Release an institution from one assignment, with the reason on record."""
    migrate_quietly()
    try:
        with session_scope() as session:
            found = waive_assignment(
                session=session, ref=ref, reason=reason, actor="coordinator", now=utcnow()
            )
    except AssignmentError as exc:
        fail(str(exc))
    console.print(f"{found.key}: waived")


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only show what would change")] = False,
) -> None:
    """Anonymise closed cases and old email bodies past retention, as the nightly flow does."""
    from tasks.operations.retention import apply_retention  # loads Prefect: only for this command

    settings = settings_or_exit()
    migrate_quietly()
    now = utcnow()
    counts = apply_retention(settings, now, dry_run)
    table = Table(show_edge=False)
    table.add_column(say(N_("Records")))
    table.add_column(
        say(N_("Would be anonymised") if dry_run else N_("Anonymised")), justify="right"
    )
    for what, count in counts.items():  # each count is named by an English message id
        table.add_row(say(what), str(count))
    console.print(table)
    language = settings.language
    cases = long_date(now - timedelta(days=settings.retention_days), language)
    mail = long_date(now - timedelta(days=settings.sent_bodies_retention_days), language)
    console.print(
        say(
            N_("Cases closed before %(cases)s; emails sent before %(mail)s."),
            cases=cases,
            mail=mail,
        )
    )
