"""The `concord` command line."""

import signal
import time
from dataclasses import replace
from datetime import date, datetime
from datetime import time as day_time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from models.core.calendar import WorkingCalendar
from models.core.clocks import compute_deadline, load_clocks
from models.core.db import get_engine, session_scope
from models.core.migrate import current_revision, downgrade, head_revision, upgrade
from models.core.settings import Settings, SettingsError, get_settings
from models.core.types import utcnow
from models.lifecycle.actions import (
    AssignmentError,
    parse_until,
    snooze_assignment,
    waive_assignment,
)
from models.lifecycle.assignments import count_open_by_status, open_assignments, rows_as_csv
from models.lifecycle.tables import OPEN_ASSIGNMENT_STATUSES
from models.messaging.outbox import DeliveryState, RequeueError, pending_messages, requeue
from models.reference.document import ReferenceDataError, parse_reference_document
from models.reference.loader import LoadReport, load_reference
from models.reference.summary import Summary, build_summary

DEFAULT_REFERENCE = Path(__file__).resolve().parents[1] / "data" / "romania.yaml"

app = typer.Typer(
    help="Concord: the coordination engine of the anti-trafficking mechanism.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
outbox_app = typer.Typer(help="Queued, failed and dead messages.")
app.add_typer(outbox_app, name="outbox")
assignments_app = typer.Typer(help="Open obligations of institutions: list, snooze, waive.")
app.add_typer(assignments_app, name="assignments")
console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error in red and stop with `code`."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or a clear message naming the wrong variable."""
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)


def migrate_quietly() -> None:
    """Bring the configured database to the newest schema."""
    upgrade(get_engine(settings_or_exit().resolved_database_url()))


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Apply the schema migrations."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    before = current_revision(engine)
    upgrade(engine, revision)
    console.print(
        f"database {engine.url.render_as_string()}: {before or 'empty'} -> "
        f"{current_revision(engine)}"
    )


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="target revision, or 'base'")) -> None:
    """Revert the schema migrations down to a revision."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    downgrade(engine, revision)
    console.print(f"database at {current_revision(engine) or 'base (empty)'}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one available."""
    engine = get_engine(settings_or_exit().resolved_database_url())
    console.print(f"database: {current_revision(engine) or 'empty'}; newest: {head_revision()}")


def print_load_report(report: LoadReport, source: str) -> None:
    """Say what a load changed, or that it changed nothing."""
    if not report.changed:
        console.print(f"{source}: no change ({sum(report.unchanged.values())} rows as they were)")
        return
    kinds = sorted(set(report.created) | set(report.updated) | set(report.removed))
    table = Table(title=f"Loaded {source}", show_edge=False)
    for column in ("rows", "created", "updated", "removed"):
        table.add_column(column, justify="left" if column == "rows" else "right")
    for kind in kinds:
        table.add_row(
            kind, str(report.created[kind]), str(report.updated[kind]), str(report.removed[kind])
        )
    console.print(table)
    for line in report.changes[:50]:
        console.print(f"  {line}", highlight=False)
    if len(report.changes) > 50:
        console.print(f"  ... and {len(report.changes) - 50} more changes")


def load_file(path: Path, *, dry_run: bool = False) -> LoadReport:
    """Validate the whole file, then write it in one transaction (or roll back on a dry run)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc}")
    try:
        doc = parse_reference_document(text)
    except ReferenceDataError as exc:
        for problem in exc.problems:
            errors.print(f"{path}: {problem}", highlight=False, markup=False)
        fail(f"{len(exc.problems)} problem(s) in {path}; nothing was written")
    migrate_quietly()
    with session_scope(get_engine(settings_or_exit().resolved_database_url())) as session:
        report = load_reference(session=session, doc=doc, source=path.name, now=utcnow())
        if dry_run:
            session.rollback()
    return report


@app.command("load")
def load(
    path: Annotated[Path, typer.Argument(help="reference data file")] = DEFAULT_REFERENCE,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="validate and show changes only")
    ] = False,
) -> None:
    """Load institutions, bodies and strategies from a YAML file (validated first, idempotent)."""
    report = load_file(path, dry_run=dry_run)
    print_load_report(report, path.name + (" (dry run, nothing written)" if dry_run else ""))


def print_summary(summary: Summary) -> None:
    """Show institutions, bodies, measures and open assignments."""
    kinds = ", ".join(f"{kind} {count}" for kind, count in summary.institutions_by_kind.items())
    console.print(f"[bold]Institutions:[/] {summary.institutions} ({kinds})", highlight=False)
    bodies = Table(title="Standing bodies", show_edge=False, title_justify="left")
    for column in ("code", "name", "members"):
        bodies.add_column(column)
    for code, name, members in summary.bodies:
        bodies.add_row(code, name, str(members))
    console.print(bodies)
    plans = Table(title="Strategies and programmes", show_edge=False, title_justify="left")
    for column in ("code", "objectives", "measures", "by pillar"):
        plans.add_column(column)
    for s in summary.strategies:
        by_pillar = ", ".join(f"{p} {n}" for p, n in sorted(s.measures_by_pillar.items()))
        plans.add_row(s.code, str(s.objectives), str(sum(s.measures_by_pillar.values())), by_pillar)
    console.print(plans)
    states = ", ".join(f"{k} {v}" for k, v in sorted(summary.open_assignments_by_status.items()))
    console.print(
        f"[bold]Open assignments:[/] {summary.open_assignments}"
        + (f" ({states})" if states else ""),
        highlight=False,
    )


@app.command("summary")
def summary() -> None:
    """Print what the database holds."""
    migrate_quietly()
    with session_scope(get_engine(settings_or_exit().resolved_database_url())) as session:
        counted = build_summary(session=session)
        print_summary(replace(counted, open_assignments_by_status=count_open_by_status(session)))


@app.command("up")
def up(
    prefect_port: Annotated[int, typer.Option(help="Prefect server and UI port")] = 4200,
    portal_port: Annotated[int, typer.Option(help="portal port")] = 8600,
    smtp_port: Annotated[int, typer.Option(help="local mail catcher port")] = 8025,
    setup_only: Annotated[
        bool, typer.Option("--setup-only", help="prepare the database and stop there")
    ] = False,
) -> None:
    """Start Concord here: database, Prefect server, deployments, worker, portal, mail."""
    from deployments.stack import Ports, Stack, StackError

    settings = settings_or_exit()
    console.print(f"[bold]Concord[/] database: {settings.resolved_database_url()}", highlight=False)
    with console.status("applying migrations..."):
        migrate_quietly()
    with console.status(f"loading {DEFAULT_REFERENCE.name}..."):
        report = load_file(DEFAULT_REFERENCE)
    print_load_report(report, DEFAULT_REFERENCE.name)
    summary()
    if setup_only:
        return
    stack = Stack(
        settings=settings,
        ports=Ports(prefect_port, portal_port, smtp_port),
        say=lambda line: console.print(f"  {line}", highlight=False),
    )
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    try:
        stack.start()
        console.print(
            f"\n[bold green]Concord is running.[/] Press Ctrl-C to stop.\n"
            f"  Prefect UI:  {stack.ui_url}\n"
            f"  Portal:      {stack.portal_url}   (coordinator: {stack.portal_url}/coordinator)\n"
            + (f"  Local mail:  {stack.portal_url}/mail\n" if stack.catches_mail else "")
            + f"  Logs:        {settings.var_dir.resolve() / 'logs'}",
            highlight=False,
        )
        while not stopping:
            stack.check_alive()
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("\nstopping...")
    except StackError as exc:
        stack.stop()
        fail(str(exc))
    stack.stop()
    console.print("Concord stopped.")


@app.command("deadline")
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
        datetime | None,
        typer.Option(
            help="when the clock started: YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time)",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"],
        ),
    ] = None,
    list_clocks: Annotated[bool, typer.Option("--list", help="list the legal clocks")] = False,
) -> None:
    """Compute a due date in Romanian working days, or under a legal clock."""
    settings = settings_or_exit()
    calendar = WorkingCalendar(zone=settings.zone)
    if list_clocks:
        print_clocks()
    elif instrument is not None:
        print_clock_deadline(calendar, instrument, received)
    elif start is not None and (working_days is None) != (calendar_days is None):
        day = start.date()
        if working_days is not None:
            console.print(calendar.add_working_days(day, working_days).isoformat())
        else:
            console.print(date.fromordinal(day.toordinal() + (calendar_days or 0)).isoformat())
    else:
        fail(
            "give --from with one of --working-days or --calendar-days, or --instrument with "
            "--received, or --list",
            code=2,
        )


def print_clocks() -> None:
    """List the legal clocks with their rules."""
    table = Table(show_edge=False)
    for column in ("code", "instrument", "rule"):
        table.add_column(column)
    for clock in load_clocks().values():
        table.add_row(
            clock.code, clock.instrument, clock.describe() + (" [verify]" if clock.verify else "")
        )
    console.print(table)


def print_clock_deadline(calendar: WorkingCalendar, code: str, received: datetime | None) -> None:
    """Print the due moment of one legal clock started at `received`."""
    clocks = load_clocks()
    if code not in clocks:
        fail(f"--instrument: unknown clock {code!r}; known: {', '.join(clocks)}", code=2)
    if received is None:
        fail("--received is required with --instrument", code=2)
    start = received.replace(tzinfo=calendar.zone)
    if received.time() == day_time(0):
        start = datetime.combine(received.date(), day_time(9), tzinfo=calendar.zone)
    clock = clocks[code]
    result = compute_deadline(clock, start, calendar)
    due = result.due.astimezone(calendar.zone)
    shown = due.strftime("%Y-%m-%d %H:%M %Z") if clock.is_urgent else due.date().isoformat()
    console.print(f"[bold]{shown}[/]", highlight=False)
    console.print(f"rule: {result.rule}", highlight=False, markup=False)
    if clock.extension:
        ext = clock.extension
        console.print(
            f"extension: up to {ext.times} x {ext.amount} {ext.unit}: {ext.condition}",
            highlight=False,
            markup=False,
        )
    if clock.verify:
        console.print("note: this clock was not checked against its primary text", style="yellow")


@outbox_app.callback(invoke_without_command=True)
def outbox(
    ctx: typer.Context,
    state: Annotated[
        list[str] | None, typer.Option(help="queued, sending, failed, dead, sent")
    ] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
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
    with session_scope() as session:
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
    with session_scope() as session:
        rows = open_assignments(
            session=session,
            institution=institution,
            kind=kind,
            status=status,
            overdue_only=overdue,
            now=utcnow(),
        )
    if csv_file is not None:
        csv_file.write_text(rows_as_csv(rows, calendar), encoding="utf-8")
        console.print(f"{len(rows)} assignment(s) written to {csv_file}")
        return
    table = Table(show_edge=False, title=f"{len(rows)} open assignment(s)", title_justify="left")
    for column in ("key", "institution", "kind", "due", "status", "level", "snoozed until"):
        table.add_column(column, overflow="fold")
    for r in rows:
        snoozed = (
            r.snoozed_until.astimezone(calendar.zone).date().isoformat() if r.snoozed_until else ""
        )
        table.add_row(
            r.key,
            r.institution,
            r.kind,
            r.due_at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M"),
            r.status,
            str(r.escalation_level),
            snoozed,
        )
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
    console.print(f"{found.key}: snoozed until {until}")


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


@app.command("report")
def report(
    period: Annotated[str, typer.Argument(help="e.g. 2026-S2 or 2026")],
    strategy: Annotated[str, typer.Option(help="strategy code")] = "SNITP-2024-2028",
) -> None:
    """Build a round's consolidated report now (HTML, CSV, XLSX under var/reports/<period>/)."""
    from models.monitoring.closing import publish_report
    from models.monitoring.rules import find_round

    settings = settings_or_exit()
    migrate_quietly()
    engine = get_engine(settings.resolved_database_url())
    with session_scope(engine) as session:
        found = find_round(session=session, strategy_code=strategy, period=period)
    if found is None or found.id is None:
        fail(
            f"period: no monitoring round {period!r} for {strategy}; open it with the "
            "monitoring-round flow first"
        )
    with console.status(f"building the report for {strategy} {period}..."):
        built, files = publish_report(
            engine=engine, round_id=found.id, settings=settings, now=utcnow()
        )
    total = built.total
    console.print(
        f"[bold]{strategy} {period}[/]: {total.answered}/{total.expected} reports "
        f"({total.reporting_rate:.0%}), on time {total.on_time_rate:.0%}; "
        f"{len(built.without_report)} measure(s) without report",
        highlight=False,
    )
    for path in (files.html, files.xlsx, *files.csv.values()):
        console.print(f"  {path}", highlight=False)


@app.command("demo")
def demo(
    prefect_port: Annotated[int, typer.Option(help="port of the running Prefect server")] = 4200,
    portal_port: Annotated[int, typer.Option(help="port of the running portal")] = 8600,
    smtp_port: Annotated[int, typer.Option(help="port of the running mail catcher")] = 8025,
) -> None:
    """Play a compressed monitoring round (2025-S2) against the stack `concord up` started."""
    from deployments.demo import DemoError, run_demo
    from deployments.stack import Ports

    settings_or_exit()
    migrate_quietly()
    try:
        outcome = run_demo(
            Ports(prefect_port, portal_port, smtp_port),
            say=lambda line: console.print(line, highlight=False),
        )
    except DemoError as exc:
        fail(str(exc))
    console.print(
        f"\n[bold]Demo done.[/] Answers: {outcome['answers']}\n"
        f"  Consolidated report: {outcome['report']}/report.html\n"
        f"  Emails:              {outcome['mail']}\n"
        f"  Flow runs:           {outcome['ui']}/runs",
        highlight=False,
    )


@app.command("automations")
def automations() -> None:
    """Create or refresh the Prefect automations (needs PREFECT_API_URL and the deployments)."""
    from deployments.automations import ensure_automations

    for name in ensure_automations():
        console.print(f"automation ready: {name}", highlight=False)


@app.command("portal")
def portal(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8600,
) -> None:
    """Serve the institutions' portal (signed links, JSON API, coordinator's view)."""
    import uvicorn

    from portal.app import create_app

    settings_or_exit()
    migrate_quietly()
    console.print(
        f"portal on http://{host}:{port} (coordinator's view: /coordinator, API: /api/docs)"
    )
    uvicorn.run(create_app(), host=host, port=port, access_log=False, log_level="warning")


def main() -> None:
    """Entry point for `python -m deployments.cli`."""
    app()


if __name__ == "__main__":
    main()
