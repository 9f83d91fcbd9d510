"""The `concord` command line: the engine's commands, then each installed duty's group."""

import importlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from deployments.cli_bench import bench
from deployments.cli_db import db_app
from deployments.cli_privacy import privacy_app
from deployments.cli_records import assignments_app, deadline, outbox_app, retention
from deployments.cli_support import (
    CommandLine,
    checked_language,
    console,
    errors,
    fail,
    migrate_quietly,
    print_bold,
    read_bounded,
    say,
    say_count,
    settings_or_exit,
)
from deployments.summary_tables import print_services, print_strategies
from models.core.db import get_engine, session_scope
from models.core.i18n import N_, N_plural, percent
from models.core.settings import SettingsError
from models.core.types import utcnow
from models.duties import INSTALLED
from models.lifecycle.assignments import count_open_by_status
from models.lifecycle.duty import Duty, installed_duties
from models.messaging.vocabulary import VOCABULARY
from models.reference.document import ReferenceDataError, parse_reference_document
from models.reference.loader import LoadReport, load_reference
from models.reference.summary import Summary, build_summary

REPORTS_RECEIVED = N_plural(
    "%(num)d of %(expected)d report received", "%(num)d of %(expected)d reports received"
)

if TYPE_CHECKING:
    pass

DEFAULT_REFERENCE = Path(__file__).resolve().parents[1] / "data" / "romania.yaml"

app = typer.Typer(
    help="Concord: the coordination engine of the anti-trafficking mechanism.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=CommandLine,
)
app.add_typer(db_app, name="db")
app.add_typer(outbox_app, name="outbox")
app.add_typer(assignments_app, name="assignments")
app.add_typer(privacy_app, name="privacy")
app.command("deadline")(deadline)
app.command("retention")(retention)
app.command("bench")(bench)


def duty_commands(duty: Duty) -> typer.Typer:
    """The duty's command-line group, imported from its `commands` ("module:attribute")."""
    module, _, attribute = (duty.commands or "").partition(":")
    group = getattr(importlib.import_module(module), attribute, None)
    if not isinstance(group, typer.Typer) or not group.info.name:
        raise TypeError(f"duty {duty.name}: commands {duty.commands!r} is not a named Typer app")
    return group


def duties() -> tuple[Duty, ...]:
    """The installed duties; the listed ones alone while the settings are wrong."""
    try:
        return installed_duties()
    except SettingsError:  # the command then names the wrong variable as it starts
        return INSTALLED


for _duty in duties():
    if _duty.commands:
        app.add_typer(duty_commands(_duty))


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
        text = read_bounded(path).decode("utf-8")
    except UnicodeDecodeError as exc:
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
    print_load_report(
        report, path.name + (say(N_(" (dry run, nothing written)")) if dry_run else "")
    )


INSTITUTION_KINDS = {
    "coordinator": N_("coordinator"),
    "agency": N_("agency"),
    "regional-centre": N_("regional centre"),
    "ministry": N_("ministry"),
    "police": N_("police"),
    "prosecution": N_("prosecution"),
    "child-protection": N_("child protection"),
    "labour": N_("labour"),
    "border": N_("border police"),
    "immigration": N_("immigration"),
    "ngo": N_("NGO"),
    "international": N_("international organisation"),
    "embassy": N_("embassy"),
}


def print_summary(summary: Summary) -> None:
    """Show institutions, bodies, measures and open assignments."""
    kinds = ", ".join(
        f"{say(INSTITUTION_KINDS.get(kind, kind))} {count}"
        for kind, count in summary.institutions_by_kind.items()
    )
    institutions = say(N_("Institutions"))
    print_bold(f"{institutions}:", f" {summary.institutions} ({kinds})")
    bodies = Table(title=say(N_("Standing bodies")), show_edge=False, title_justify="left")
    for column in (N_("code"), N_("name"), N_("members")):
        bodies.add_column(say(column))
    for code, name, members in summary.bodies:
        bodies.add_row(code, name, str(members))
    console.print(bodies)
    print_strategies(summary)
    print_services(summary)
    states = ", ".join(
        f"{say(VOCABULARY.get(k, k))} {v}"
        for k, v in sorted(summary.open_assignments_by_status.items())
    )
    open_label = say(N_("Open assignments"))
    by_state = f" ({states})" if states else ""
    print_bold(f"{open_label}:", f" {summary.open_assignments}{by_state}")


@app.command("summary")
def summary() -> None:
    """Print what the database holds."""
    migrate_quietly()
    with session_scope(get_engine(settings_or_exit().resolved_database_url())) as session:
        counted = build_summary(session=session)
        print_summary(replace(counted, open_assignments_by_status=count_open_by_status(session)))


SHARED_HELP = (
    "lay out as on a shared server: Prefect on PostgreSQL with Redis messaging (CONCORD_REDIS_URL, "
    "or one started here), Concord on PostgreSQL, several workers"
)


@app.command("up")
def up(
    prefect_port: Annotated[
        int, typer.Option(min=1, max=65535, help="Prefect server and UI port")
    ] = 4200,
    portal_port: Annotated[
        int | None,
        typer.Option(
            min=1, max=65535, help="portal port [default: 8600 or CONCORD_PORTAL_BASE_URL's]"
        ),
    ] = None,
    smtp_port: Annotated[
        int, typer.Option(min=1, max=65535, help="local mail catcher port")
    ] = 8025,
    setup_only: Annotated[
        bool, typer.Option("--setup-only", help="prepare the database and stop there")
    ] = False,
    shared: Annotated[bool, typer.Option("--shared", help=SHARED_HELP)] = False,
    workers: Annotated[int, typer.Option(min=1, max=32, help="workers with --shared")] = 3,
) -> None:
    """Start Concord here: database, Prefect server, deployments, worker, portal, mail."""
    from deployments.cli_stack import run_stack
    from deployments.stack import Ports, portal_port_of

    settings = settings_or_exit()
    print_bold("Concord", f" database: {settings.resolved_database_url()}")
    with console.status("applying migrations..."):
        migrate_quietly()
    with console.status(f"loading {DEFAULT_REFERENCE.name}..."):
        report = load_file(DEFAULT_REFERENCE)
    print_load_report(report, DEFAULT_REFERENCE.name)
    summary()
    if setup_only:
        return
    ports = Ports(prefect_port, portal_port_of(settings, portal_port), smtp_port)
    run_stack(settings, ports, workers if shared else None)


@app.command("report")
def report(
    period: Annotated[str, typer.Argument(help="e.g. 2026-S2 or 2026")],
    strategy: Annotated[str, typer.Option(help="strategy code")] = "SNITP-2024-2028",
    language: Annotated[
        str | None, typer.Option(help="ro or en (default: CONCORD_LANGUAGE)")
    ] = None,
) -> None:
    """Build a round's consolidated report now (HTML, PDF, XLSX, CSV under var/reports/)."""
    language = checked_language(language) or settings_or_exit().language
    from models.monitoring.rules import find_round
    from models.monitoring.sweep import publish_report

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
            engine=engine, round_id=found.id, settings=settings, now=utcnow(), language=language
        )
    total = built.total
    received = say_count(*REPORTS_RECEIVED, total.answered, expected=total.expected)
    rates = say(
        N_("reporting rate %(rate)s, on time %(on_time)s"),
        rate=percent(total.reporting_rate, language),
        on_time=percent(total.on_time_rate, language),
    )
    print_bold(f"{strategy} {period}", f": {received}; {rates}")
    if files.pdf is None:
        errors.print("warning: no PDF: WeasyPrint needs Pango (Debian: libpango-1.0-0)")
    for path in (files.html, files.pdf, files.xlsx, *files.csv.values()):
        if path is not None:
            console.print(f"  {path}", highlight=False)


@app.command("demo")
def demo(
    prefect_port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Prefect port [default: PREFECT_API_URL]")
    ] = None,
    portal_port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="portal port [CONCORD_PORTAL_BASE_URL]")
    ] = None,
    smtp_port: Annotated[
        int, typer.Option(min=1, max=65535, help="port of the running mail catcher")
    ] = 8025,
) -> None:
    """Play a round and two meetings on a clock ending yesterday, against the running stack."""
    from deployments.demo import DemoError, Flags, run_demo

    settings_or_exit()
    migrate_quietly()
    try:
        outcome = run_demo(
            Flags(prefect_port, portal_port, smtp_port),
            say=lambda line: console.print(line, highlight=False),
        )
    except DemoError as exc:
        fail(str(exc))
    console.print()
    print_bold("Demo done.", f" Answers: {outcome['answers']}")
    console.print(
        f"  Consolidated report: {outcome['report']}/report.html (and report.pdf, .xlsx)\n"
        f"  Emails:              {outcome['mail']}\n"
        f"  Flow runs:           {outcome['ui']}/runs\n"
        f"  Minutes to enter:    {outcome['waiting']}",
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
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8600,
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
